"""Signals of the deadlines engine."""

from django.dispatch import Signal

# Sent inside the transaction that loads (or replaces) a year's holiday notice, with ``year``.
# The cases engine recomputes the case deadlines that were provisional for want of that year.
calendar_year_loaded = Signal()
