"""Validate API responses against the committed OpenAPI document (CONVENTIONS §4.12)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

OPENAPI_FILE = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def _operation(method: str, path: str) -> dict[str, Any]:
    for template, ops in _document()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            return ops[method.lower()]
    raise AssertionError(f"{method} {path} is not in docs/api/openapi.json")


def assert_matches_openapi(method: str, path: str, status: int, content_type: str, body: Any) -> None:
    """Fail unless ``body`` matches the schema the document declares for this operation and status."""
    op = _operation(method, path.split("?")[0])
    response = op["responses"].get(str(status))
    assert response is not None, f"{method} {path}: status {status} not documented"
    media = content_type.split(";")[0].strip()
    content = response.get("content", {})
    assert media in content, f"{method} {path} {status}: {media} not documented ({list(content)})"
    schema = dict(content[media]["schema"])
    doc = _document()
    registry: Registry = Registry().with_resource("urn:sifa:openapi", Resource.opaque(doc))
    schema = {"$ref": "urn:sifa:openapi" + schema["$ref"]} if "$ref" in schema else schema
    Draft202012Validator(schema, registry=registry).validate(body)
