"""Random draws with the database: commit → (ledger entry) → draw → reveal; state rules, scope and
permissions, the public page / JSON / API never showing the seed before the draw, and verification
from the database (``sifa verify-draw``), from the downloaded file, and by a copied-out algorithm.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sifa.core.audit.models import AuditEvent
from sifa.core.draws import algorithm, services
from sifa.core.draws.errors import DrawStateConflict
from sifa.core.draws.models import DrawState, RandomDraw
from sifa.core.draws.selectors import draw_assignments, draw_ids, draw_record, reverify
from sifa.core.draws.tests.factories import EXCLUSIONS, STEPS, committed, drawn, ledger_tick, pools
from sifa.core.errors import DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger import store
from sifa.core.ledger.models import LedgerEntry
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db
ALGORITHM = Path(algorithm.__file__)


def _seed_hex(draw: RandomDraw) -> str:
    from sifa.core import crypto

    return crypto.decrypt(draw.seed_encrypted, context=services.SEED_CONTEXT)


def _meta(index: int) -> tuple[str, str, dict[str, Any]]:
    return algorithm.entry_fields(bytes(LedgerEntry.objects.get(index=index).entry))


def test_commit_ledgers_the_commitment_and_hides_the_seed() -> None:
    # given
    county = actor_for("county")
    before = store.ledger_size()
    # when
    draw = services.commit_draw(actor=county, purpose="enforcement.inspection", title="2026年第一批双随机抽查",
                                org=None, pools=pools(), steps=STEPS, exclusions=EXCLUSIONS)
    # then
    assert draw.number.startswith("CJ-") and draw.state == DrawState.COMMITTED
    assert draw.commit_index == before and draw.seed == ""
    seed = bytes.fromhex(_seed_hex(draw))
    assert draw.commitment == algorithm.commitment_of(seed, draw.hash_alg)
    assert draw.seed_encrypted.startswith("v1:") and seed.hex() not in draw.seed_encrypted
    kind, object_hash, meta = _meta(draw.commit_index)
    assert (kind, object_hash) == ("draw.commit", draw.commitment)
    assert meta["pools_hash"] == draw.pools_hash == algorithm.pools_hash(draw.published, draw.hash_alg)
    assert meta["draw"] == draw.number and "seed" not in meta
    event = AuditEvent.objects.get(action="draws.draw.committed", object_id=str(draw.pk))
    assert seed.hex() not in json.dumps(event.changes)


def test_draw_mixes_a_later_root_reveals_the_seed_and_ledgers_the_result() -> None:
    # given a committed draw and an unrelated entry written after it
    county = actor_for("county")
    draw = committed(county)
    seed = bytes.fromhex(_seed_hex(draw))
    # when
    done = services.perform_draw(actor=county, draw=draw)
    # then
    assert done.state == DrawState.DRAWN and done.seed == seed.hex() and done.seed_encrypted == ""
    assert done.tree_size == done.draw_index and done.tree_size >= done.commit_index + 2
    root = store.root(done.tree_size)
    assert done.root_hash == root.hex()
    assert done.result == algorithm.derive(done.published, seed, root, done.hash_alg)
    kind, object_hash, meta = _meta(done.draw_index)
    assert kind == "draw.result" and object_hash == algorithm.result_hash(done.result, done.hash_alg)
    assert meta == {"draw": done.number, "commitment": done.commitment, "seed": seed.hex(),
                    "tree_size": done.tree_size, "root_hash": root.hex()}
    assert reverify(done).ok
    targets = draw_ids(done, "targets")
    assert len(targets) == 3
    assignments = draw_assignments(done, "inspectors")
    assert list(assignments) == targets
    for target, ids in assignments.items():
        assert not set(ids) & set(EXCLUSIONS["conflicts"].get(target, []))


def test_draw_right_after_the_commitment_is_refused() -> None:
    # given no ledger entry after the commitment: its root was computable when the seed was chosen
    county = actor_for("county")
    draw = committed(county, tick=False)
    # when / then
    with pytest.raises(DrawStateConflict, match="账本尚无新的存证"):
        services.perform_draw(actor=county, draw=draw)
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED and draw.seed == ""


def test_a_draw_is_drawn_once() -> None:
    county = actor_for("county")
    done = drawn(county)
    ledger_tick()
    with pytest.raises(DrawStateConflict, match="已抽取"):
        services.perform_draw(actor=county, draw=done)
    with pytest.raises(DrawStateConflict, match="只有待抽取的可以取消"):
        services.cancel_draw(actor=county, draw=done, reason="想重抽")
    assert not AuditEvent.objects.filter(action__in=["draws.draw.performed", "draws.draw.cancelled"],
                                         object_id=str(done.pk)).exists()


def test_cancel_before_the_draw_is_public_and_final() -> None:
    # given
    county = actor_for("county")
    draw = committed(county)
    seed = _seed_hex(draw)
    # when
    with pytest.raises(ValidationFailed) as exc:
        services.cancel_draw(actor=county, draw=draw, reason="  ")
    assert exc.value.field == "reason"
    cancelled = services.cancel_draw(actor=county, draw=draw, reason="检查对象名单有误")
    # then: the seed and the reason are public, in the ledger too; it cannot be drawn any more
    assert cancelled.state == DrawState.CANCELLED and cancelled.seed == seed
    kind, _, meta = _meta(cancelled.cancel_index)
    assert kind == "draw.cancel" and meta["seed"] == seed and meta["reason"] == "检查对象名单有误"
    with pytest.raises(DrawStateConflict, match="已取消"):
        services.perform_draw(actor=county, draw=cancelled)
    assert reverify(cancelled).ok
    page = Client().get(f"/draws/{cancelled.number}/")
    assert "检查对象名单有误" in page.content.decode() and seed in page.content.decode()


def test_too_many_per_target_is_refused_before_anything_is_written() -> None:
    # given every inspector but one conflicts with E001
    county = actor_for("county")
    size, draws, events = store.ledger_size(), RandomDraw.objects.count(), AuditEvent.objects.count()
    exclusions = {"conflicts": {"E001": ["P001", "P002", "P003", "P004"]}}
    # when / then
    with pytest.raises(ValidationFailed) as exc:
        services.commit_draw(actor=county, purpose="test.draw", title="过多", org=None, pools=pools(), steps=STEPS,
                             exclusions=exclusions)
    assert exc.value.field == "steps" and "测试企业1号" in exc.value.message
    assert (store.ledger_size(), RandomDraw.objects.count(), AuditEvent.objects.count()) == (size, draws, events)


@pytest.mark.parametrize(("kw", "field"), [
    ({"purpose": "Bad Purpose"}, "purpose"),
    ({"title": ""}, "title"),
    ({"number": "a/b"}, "number"),
    ({"pools": {}}, "pools"),
    ({"steps": []}, "steps"),
])
def test_bad_input_names_the_field(kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"purpose": "test.draw", "title": "测试", "org": None, "pools": pools(), "steps": STEPS,
                            "exclusions": EXCLUSIONS, **kw}
    with pytest.raises(ValidationFailed) as exc:
        services.commit_draw(actor=actor_for("county"), **args)
    assert exc.value.field == field


def test_int_ids_are_published_as_strings_and_the_caller_may_choose_the_number() -> None:
    county = actor_for("county")
    with transaction.atomic():
        draw = services.commit_draw_in(county, purpose="enforcement.case_review", title="案卷评查抽样",
                                       org=None, number="富司抽〔2026〕1号",
                                       pools={"cases": [{"id": 12, "label": "案卷12"}, {"id": 3, "label": "案卷3"}]},
                                       steps=[{"pool": "cases", "pick": 5, "as": "cases"}])
    assert draw.number == "富司抽〔2026〕1号"
    assert [i["id"] for i in draw.published["pools"]["cases"]] == ["12", "3"]
    with pytest.raises(DuplicateError):
        services.commit_draw(actor=county, purpose="test.draw", title="重号", org=None, number="富司抽〔2026〕1号",
                             pools=pools(), steps=STEPS, exclusions=EXCLUSIONS)
    ledger_tick()
    with transaction.atomic():
        done = services.perform_draw_in(county, draw)
    assert sorted(draw_ids(done, "cases")) == ["12", "3"] and done.result["steps"][0]["all_taken"] is True
    page = Client().get(reverse("draws:detail", args=[done.number]))
    assert page.status_code == 200 and "案卷12" in page.content.decode()
    assert Client().get(reverse("draws:json", args=[done.number])).json()["number"] == done.number


def test_permission_and_scope() -> None:
    # given a draw of 富阳区 and one of 宁波
    county = actor_for("county")
    mine = committed(county)
    ningbo = committed(actor_for("admin"), org=Org.objects.get(name="宁波市司法局"))
    # then: no draws.manage → 403; another subtree → 404 like a missing draw
    with pytest.raises(PermissionDeniedError):
        services.perform_draw(actor=actor_for("office1"), draw=mine)
    with pytest.raises(NotFound):
        services.perform_draw(actor=county, draw=ningbo)
    with pytest.raises(NotFound):
        services.commit_draw(actor=county, purpose="test.draw", title="越界", org=ningbo.org, pools=pools(),
                             steps=STEPS, exclusions=EXCLUSIONS)
    # the helpers for modules check scope but not draws.manage (the module's service checks its own)
    with transaction.atomic():
        services.perform_draw_in(actor_for("officer"), committed(actor_for("officer")))


def test_public_page_json_and_api_hide_the_seed_until_the_draw() -> None:
    # given
    county = actor_for("county")
    draw = committed(county)
    seed = _seed_hex(draw)
    anonymous = Client()
    # when: before the draw
    page = anonymous.get(f"/draws/{draw.number}/")
    record = anonymous.get(f"/draws/{draw.number}.json")
    api = anonymous.get(f"/api/v1/public/draws/{draw.number}")
    listing = anonymous.get("/draws/")
    # then
    assert page.status_code == record.status_code == api.status_code == listing.status_code == 200
    for response in (page, record, api):
        assert seed not in response.content.decode()
        assert draw.commitment in response.content.decode()
    assert "抽取后公开" in page.content.decode() and draw.number in listing.content.decode()
    assert api.json()["seed"] is None and api.json()["result"] is None
    assert_matches_openapi("GET", f"/api/v1/public/draws/{draw.number}", 200, api["Content-Type"], api.json())
    # after the draw
    services.perform_draw(actor=county, draw=draw)
    page = anonymous.get(f"/draws/{draw.number}/")
    body = page.content.decode()
    assert "✔ 按公开数据重新推导，结果一致" in body and seed in body
    api = anonymous.get(f"/api/v1/public/draws/{draw.number}")
    assert api.json()["seed"] == seed and api.json()["commit_inclusion"] is not None
    assert_matches_openapi("GET", f"/api/v1/public/draws/{draw.number}", 200, api["Content-Type"], api.json())
    assert anonymous.get("/draws/CJ-1999-9999/").status_code == 404
    assert anonymous.get("/api/v1/public/draws/CJ-1999-9999").status_code == 404


def test_api_commit_perform_cancel() -> None:
    # given
    client = client_for("county")
    body = {"purpose": "test.draw", "title": "接口抽取", "pools": pools(), "steps": STEPS, "exclusions": EXCLUSIONS}
    # when
    created = client.post("/api/v1/draws", json.dumps(body), content_type="application/json")
    # then
    assert created.status_code == 201, created.content
    assert_matches_openapi("POST", "/api/v1/draws", 201, created["Content-Type"], created.json())
    number = created.json()["number"]
    assert created.json()["seed"] is None
    too_soon = client.post(f"/api/v1/draws/{number}/perform", content_type="application/json")
    assert too_soon.status_code == 409
    ledger_tick()
    done = client.post(f"/api/v1/draws/{number}/perform", content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "drawn"
    assert_matches_openapi("POST", f"/api/v1/draws/{number}/perform", 200, done["Content-Type"], done.json())
    # a bad body names the field; a second draw is refused
    bad = client.post("/api/v1/draws", json.dumps({**body, "steps": [{"pool": "x", "pick": 1, "as": "x"}]}),
                      content_type="application/json")
    assert bad.status_code == 400 and "steps" in bad.content.decode()
    assert client.post(f"/api/v1/draws/{number}/cancel", json.dumps({"reason": "重抽"}),
                       content_type="application/json").status_code == 409
    # no permission → 403
    assert client_for("office1").post("/api/v1/draws", json.dumps(body),
                                      content_type="application/json").status_code == 403


def test_pages_perform_and_cancel() -> None:
    county = client_for("county")
    draw = committed(actor_for("county"))
    assert "立即抽取" in county.get(f"/draws/{draw.number}/").content.decode()
    assert "立即抽取" not in client_for("office1").get(f"/draws/{draw.number}/").content.decode()
    response = county.post(f"/draws/{draw.number}/perform/")
    assert response.status_code == 302
    assert county.post(f"/draws/{draw.number}/perform/").status_code == 409
    other = committed(actor_for("county"))
    assert county.post(f"/draws/{other.number}/cancel/", {"reason": ""}).status_code == 400
    assert county.post(f"/draws/{other.number}/cancel/", {"reason": "名单有误"}).status_code == 302
    other.refresh_from_db()
    assert other.state == DrawState.CANCELLED


def test_cli_verifies_from_the_database_and_detects_tampering(capsys: Any) -> None:
    draw = drawn()
    call_command("verify_draw", draw.number)
    assert "✔ 按公开数据重新推导，结果一致" in capsys.readouterr().out
    call_command("verify_draw", str(draw.pk))
    # tamper with the stored result (swap the first target)
    result = draw.result
    result["steps"][0]["selected"][0] = "E999"
    RandomDraw.objects.filter(pk=draw.pk).update(result=result)
    with pytest.raises(CommandError):
        call_command("verify_draw", draw.number)
    assert "✘" in capsys.readouterr().out


@pytest.mark.parametrize("field", ["root_hash", "published", "seed"])
def test_reverify_names_a_tampered_row(field: str) -> None:
    draw = drawn()
    changes: dict[str, Any] = {
        "root_hash": {"root_hash": "00" * 32},
        "published": {"published": {**draw.published, "exclusions": {"conflicts": {}}}},
        "seed": {"seed": "11" * 32},
    }[field]
    RandomDraw.objects.filter(pk=draw.pk).update(**changes)
    draw.refresh_from_db()
    assert not reverify(draw).ok


def test_cli_and_a_copied_algorithm_verify_the_downloaded_file(tmp_path: Path, capsys: Any) -> None:
    # given the JSON of a drawn draw, downloaded from the public page
    draw = drawn()
    content = Client().get(f"/draws/{draw.number}.json").content
    good = tmp_path / "draw.json"
    good.write_bytes(content)
    record = json.loads(content)
    bad_record = json.loads(content)
    bad_record["result"]["steps"][0]["selected"].reverse()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_record, ensure_ascii=False), encoding="utf-8")
    # when / then: the CLI offline
    call_command("verify_draw", "--file", str(good))
    assert "结果一致" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_draw", "--file", str(bad))
    # and a bare Python with a copy of algorithm.py (no site-packages, no Django, no sifa)
    copy = tmp_path / "algorithm.py"
    shutil.copy(ALGORITHM, copy)
    ok = subprocess.run([sys.executable, "-I", "-S", str(copy), str(good)], capture_output=True, text=True,  # noqa: S603
                        cwd=tmp_path, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "结果一致" in ok.stdout
    failed = subprocess.run([sys.executable, "-I", "-S", str(copy), str(bad)], capture_output=True, text=True,  # noqa: S603
                            cwd=tmp_path, timeout=60)
    assert failed.returncode == 1 and "不一致" in failed.stdout
    # the record's ledger order and inclusion proof are what the offline check relies on
    assert record["commit_entry"]["index"] + 2 <= record["tree_size"] == record["draw_entry"]["index"]


def test_algorithm_imports_only_the_standard_library() -> None:
    code = ("import sys, runpy; sys.path.insert(0, sys.argv[1]); import algorithm; "
            "assert not [m for m in sys.modules if m.startswith(('django', 'sifa'))]; print('ok')")
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(ALGORITHM.parent)],  # noqa: S603
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


def test_verify_record_detects_ledger_order_and_inclusion_problems() -> None:
    draw = drawn()
    record = draw_record(draw)
    assert algorithm.verify_record(record) == []
    wrong_root = {**record, "root_hash": "00" * 32}
    assert any("包含证明" in p for p in algorithm.verify_record(wrong_root))
    early = {**record, "tree_size": record["commit_entry"]["index"] + 1}
    assert any("账本顺序不符" in p for p in algorithm.verify_record(early))
    other_commitment = {**record, "commitment": "00" * 32}
    assert any("承诺存证的内容" in p for p in algorithm.verify_record(other_commitment))
