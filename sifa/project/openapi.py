"""Print the OpenAPI document (``make openapi`` writes it to docs/api/openapi.json; a test diffs them)."""

from __future__ import annotations

import json
import os


def openapi_json() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings")
    import django

    django.setup()
    from sifa.project.api import api

    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(openapi_json(), end="")
