"""Background tasks engine: Django's tasks API (django-tasks backport) on a database queue.

``sifa worker`` runs queued tasks (with retries and backoff) and the scheduler that enqueues the
periodic jobs modules register in ``registry.periodic_jobs``. Administrators see recent runs and
retry failed ones on /tasks/ and through ``/api/v1/tasks``. See docs/engines/tasks.md.
"""
