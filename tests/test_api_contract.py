"""The API contract: the committed OpenAPI document, problem+json errors, pagination, shared filters."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from sifa.core.audit.models import AuditEvent
from sifa.core.persons.models import Person
from sifa.core.testing import client_for, make_id_number
from sifa.core.testing.openapi import OPENAPI_FILE, assert_matches_openapi
from sifa.project.openapi import openapi_json


def _call(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else None
    response = client.generic(method, path, data=data or "", content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_committed_openapi_document_is_current(db: Any) -> None:
    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_json(), "run `make openapi` and commit docs/api/openapi.json"


def test_openapi_and_docs_pages_are_served(db: Any) -> None:
    assert Client().get("/api/v1/openapi.json").json()["info"]["title"] == "sifa API"
    assert client_for("county").get("/api/v1/docs").status_code == 200


def test_person_list_is_paginated_and_masked(db: Any) -> None:
    response, body = _call(client_for("county"), "GET", "/api/v1/persons?page=2&page_size=10")
    assert response.status_code == 200
    assert body["page"] == 2 and body["page_size"] == 10 and len(body["items"]) == 10
    assert body["count"] == Person.objects.count()
    assert all("*" in item["id_number_masked"] and "id_number" not in item for item in body["items"])


def test_page_and_api_share_the_filter(db: Any) -> None:
    # given a person searched by masked number on the page and in the API
    person = Person.objects.first()
    assert person is not None
    client = client_for("county")
    # when
    _, body = _call(client, "GET", f"/api/v1/persons?q={person.id_number_masked}")
    page = client.get("/persons/", {"q": person.id_number_masked}).content.decode()
    # then
    names = {item["name"] for item in body["items"]}
    assert person.name in names
    assert all(name in page for name in names)
    assert body["count"] == Person.objects.filter(id_number_masked=person.id_number_masked).count()


def test_invalid_identity_number_is_problem_json_naming_the_field(db: Any) -> None:
    # given
    before = (Person.objects.count(), AuditEvent.objects.count())
    bad = make_id_number()[:-1] + ("0" if make_id_number()[-1] != "0" else "1")
    # when
    response, body = _call(client_for("county"), "POST", "/api/v1/persons", {"name": "张三", "id_number": bad})
    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert body["code"] == "validation_failed"
    assert "校验码" in body["detail"]
    assert body["errors"][0]["field"] == "id_number"
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_missing_field_and_malformed_json_are_400(db: Any) -> None:
    client = client_for("county")
    response, body = _call(client, "POST", "/api/v1/persons", {"name": "张三"})
    assert response.status_code == 400 and body["errors"][0]["field"] == "id_number"
    raw = client.generic("POST", "/api/v1/persons", data="{not json", content_type="application/json")
    assert raw.status_code == 400
    assert raw["Content-Type"] == "application/problem+json"


def test_unknown_region_is_named(db: Any) -> None:
    response, body = _call(client_for("county"), "POST", "/api/v1/persons",
                           {"name": "李四", "id_number": make_id_number(seq=321), "region_code": "339999999"})
    assert response.status_code == 400
    assert body["errors"][0]["field"] == "region_code"
    assert "339999999" in body["detail"]


def test_duplicate_is_409_with_link(db: Any) -> None:
    client = client_for("county")
    number = make_id_number(seq=654)
    first, _ = _call(client, "POST", "/api/v1/persons", {"name": "王五", "id_number": number})
    assert first.status_code == 201
    response, body = _call(client, "POST", "/api/v1/persons", {"name": "王五", "id_number": number})
    assert response.status_code == 409
    assert body["code"] == "duplicate"
    assert body["existing_url"].startswith("/persons/")


def test_bad_filter_is_400(db: Any) -> None:
    response, body = _call(client_for("county"), "GET", "/api/v1/persons?region=abc")
    assert response.status_code == 400
    assert body["errors"][0]["field"] == "region"


def test_oversized_request_is_refused_with_400(db: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    before = Person.objects.count()
    response = client_for("county").post("/persons/new/", {"name": "x" * 5000, "id_number": make_id_number(seq=11)})
    assert response.status_code == 400
    assert Person.objects.count() == before


def test_unauthenticated_api_is_401_problem(db: Any) -> None:
    response, body = _call(Client(), "GET", "/api/v1/persons")
    assert response.status_code == 401
    assert body["code"] == "unauthenticated"


def test_reveal_through_api_is_audited(db: Any) -> None:
    person = Person.objects.first()
    assert person is not None
    response, body = _call(client_for("county"), "POST", f"/api/v1/persons/{person.pk}/reveal", {"reason": "核对身份"})
    assert response.status_code == 200
    assert len(body["id_number"]) == 18 and "*" not in body["id_number"]
    event = AuditEvent.objects.filter(action="persons.person.id_number_revealed").latest("id")
    assert event.object_id == str(person.pk) and event.changes == {"reason": "核对身份"}


def test_org_tree_api_counts(db: Any) -> None:
    response, body = _call(client_for("city"), "GET", "/api/v1/orgs/tree")
    assert response.status_code == 200
    assert body["org"]["name"] == "杭州市司法局"
    fuyang = next(c for c in body["children"] if c["org"]["name"] == "杭州市富阳区司法局")
    assert fuyang["persons"] == Person.objects.count()
    assert fuyang["judicial_offices"] == 24


def test_schema_names_are_unique() -> None:
    """ninja names OpenAPI components by class name: two schemas with one name silently collide."""
    from ninja import Schema

    seen: dict[str, str] = {}
    clashes = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("sifa."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            clashes.append((seen[cls.__name__], where))
        seen.setdefault(cls.__name__, where)
    assert clashes == []
