"""The offline package verifier (sifa/core/ledger/package.py) on packages built without Django:
a valid package passes, and every kind of tampering is named."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sifa.core.casecodes.tests.package_helpers import (
    CASE_ID,
    build,
    edit_json,
    flip,
    rewrite,
    sign_checkpoint,
)
from sifa.core.ledger.package import FORMAT, Checkpoint, main, summary, verify_package
from sifa.core.ledger.signing import public_key_pem
from sifa.core.ledger.verifier import LedgerTampered

REPO = Path(__file__).resolve().parents[4]


def tampered(package: bytes, **kwargs: Any) -> str:
    with pytest.raises(LedgerTampered) as exc:
        verify_package(io.BytesIO(package), **kwargs)
    return str(exc.value)


@pytest.mark.parametrize("alg", ["sm3", "sha256"])
def test_a_valid_package_verifies(alg: str) -> None:
    # given
    package, kid = build(alg)
    # when
    report = verify_package(io.BytesIO(package), trusted_key_id=kid)
    # then
    assert report.case["id"] == CASE_ID
    assert [i.path for i in report.items] == ["files/1-询问笔录.pdf", "files/2-现场照片.jpg", "files/3-a_b..c.txt"]
    assert report.checkpoint.hash_alg == alg
    assert report.key_id == kid and report.key_trusted
    text = summary(report)
    assert "证据包校验通过" in text and "3 份" in text and kid in text


def test_the_layout_is_as_documented() -> None:
    package, _ = build()
    with __import__("zipfile").ZipFile(io.BytesIO(package)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        checkpoint = json.loads(zf.read("checkpoint.json"))
    assert {"manifest.json", "checkpoint.json", "public_key.pem", "README.txt"} <= names
    assert manifest["format"] == FORMAT
    assert set(manifest["case"]) == {"id", "number", "code", "title", "org"}
    assert set(manifest["items"][0]) == {"attachment_id", "name", "kind", "content_type", "path", "size", "sha256",
                                         "sm3", "ledger_index", "entry_path", "leaf_hash", "inclusion_proof",
                                         "tree_size"}
    assert manifest["items"][0]["entry_path"] in names
    assert set(checkpoint) == {"tree_size", "root_hash", "hash_alg", "timestamp", "signature_alg", "signature",
                               "key_id"}
    assert checkpoint["timestamp"].endswith("Z")


def test_a_changed_file_is_named_with_sm3() -> None:
    package, _ = build()
    bad = rewrite(package, lambda f: f.update({"files/1-询问笔录.pdf": flip(f["files/1-询问笔录.pdf"])}))
    assert tampered(bad) == "证据包中的文件 files/1-询问笔录.pdf 与清单登记的 SM3 不符"


def test_a_changed_file_with_its_manifest_hashes_is_caught_by_the_entry() -> None:
    package, _ = build()

    def change(files: dict[str, bytes]) -> None:
        import hashlib

        from sifa.core.ledger.hashing import get_hasher

        new = flip(files["files/2-现场照片.jpg"])
        files["files/2-现场照片.jpg"] = new

        def edit(m: Any) -> None:
            m["items"][1].update(sha256=hashlib.sha256(new).hexdigest(), sm3=get_hasher("sm3").hash(new).hex())

        edit_json(files, "manifest.json", edit)

    message = tampered(rewrite(package, change))
    assert "files/2-现场照片.jpg" in message and "存证 entries/3.bin" in message and "SM3 哈希不符" in message


def test_a_changed_entry_is_named() -> None:
    package, _ = build()
    bad = rewrite(package, lambda f: f.update({"entries/1.bin": flip(f["entries/1.bin"], -2)}))
    assert "存证 entries/1.bin" in tampered(bad)


def test_an_entry_rewritten_with_its_leaf_hash_fails_the_proof() -> None:
    from sifa.core.ledger.entries import Entry, decode_entry, encode_entry
    from sifa.core.ledger.hashing import get_hasher

    package, _ = build()

    def change(files: dict[str, bytes]) -> None:
        old = decode_entry(files["entries/1.bin"])
        new = encode_entry(Entry(old.type, old.case_id, old.object_hash, {**old.metadata, "forged": True}, old.time))
        files["entries/1.bin"] = new
        edit_json(files, "manifest.json",
                  lambda m: m["items"][0].update(leaf_hash=get_hasher("sm3").leaf_hash(new).hex()))

    assert tampered(rewrite(package, change)) == \
        "证据包中的文件 files/1-询问笔录.pdf（存证 #1）的包含证明不能推出检查点的根哈希"


def test_a_changed_proof_hash_is_named() -> None:
    package, _ = build()

    def change(files: dict[str, bytes]) -> None:
        def edit(m: Any) -> None:
            proof = m["items"][2]["inclusion_proof"]
            proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]

        edit_json(files, "manifest.json", edit)

    assert "files/3-a_b..c.txt（存证 #5）的包含证明不能推出检查点的根哈希" in tampered(rewrite(package, change))


def test_a_changed_root_or_signature_breaks_the_checkpoint_signature() -> None:
    package, _ = build()

    def root(files: dict[str, bytes]) -> None:
        edit_json(files, "checkpoint.json", lambda c: c.update(root_hash="00" + c["root_hash"][2:]))

    def signature(files: dict[str, bytes]) -> None:
        edit_json(files, "checkpoint.json", lambda c: c.update(signature=("A" if c["signature"][0] != "A" else "B")
                                                                + c["signature"][1:]))

    for change in (root, signature):
        assert tampered(rewrite(package, change)) == "检查点签名无效（检查点的树大小、根哈希、时间或签名被改动）"


def test_a_swapped_public_key_is_named_and_a_resigned_package_fails_on_the_trusted_key_id() -> None:
    package, kid = build()
    mallory = Ed25519PrivateKey.generate()
    swap_only = rewrite(package, lambda f: f.update({"public_key.pem": public_key_pem(mallory.public_key()).encode()}))
    assert "检查点的密钥标识" in tampered(swap_only) and "与证据包中的公钥" in tampered(swap_only)

    def resign(files: dict[str, bytes]) -> None:
        old = Checkpoint.from_json(json.loads(files["checkpoint.json"]))
        new = sign_checkpoint(mallory, tree_size=old.tree_size, root=old.root_hash, hash_alg=old.hash_alg)
        files["checkpoint.json"] = json.dumps(new.to_json()).encode()
        files["public_key.pem"] = public_key_pem(mallory.public_key()).encode()

    resigned = rewrite(package, resign)
    # Without a trusted key id a consistently re-signed package passes: the key id is what tells.
    report = verify_package(io.BytesIO(resigned))
    assert report.key_id != kid and not report.key_trusted
    assert "不是指定信任的公钥" in tampered(resigned, trusted_key_id=kid)


def test_extra_missing_and_outside_files_are_named() -> None:
    package, _ = build()
    assert tampered(rewrite(package, lambda f: f.update({"files/9-extra.txt": b"x"}))) == \
        "证据包中有清单未登记的文件 files/9-extra.txt"
    assert tampered(rewrite(package, lambda f: f.pop("entries/3.bin"))) == "证据包缺少清单登记的文件 entries/3.bin"
    assert tampered(rewrite(package, lambda f: f.pop("checkpoint.json"))) == "证据包缺少 checkpoint.json"
    assert "指向包外" in tampered(rewrite(package, lambda f: f.update({"../evil": b"x"})))


def test_entries_of_another_case_are_refused() -> None:
    package, _ = build(entry_case_id=7)
    assert tampered(package) == "存证 entries/1.bin 登记的案件 #7 不是本案 #42"


def test_garbage_is_not_a_package() -> None:
    assert "不是有效的 ZIP 文件" in tampered(b"not a zip")
    package, _ = build()
    assert "manifest.json" in tampered(rewrite(package, lambda f: f.update({"manifest.json": b"{"})))


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package, kid = build()
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(package)
    bad.write_bytes(rewrite(package, lambda f: f.update({"files/1-询问笔录.pdf": b"changed"})))
    assert main([str(good), "--key-id", kid]) == 0
    assert "证据包校验通过" in capsys.readouterr().out
    assert main([str(bad)]) == 1
    assert "证据包校验失败：证据包中的文件 files/1-询问笔录.pdf 的大小" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.zip")]) == 1


def test_runs_as_a_module_without_django(tmp_path: Path) -> None:
    package, kid = build()
    path = tmp_path / "p.zip"
    path.write_bytes(package)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import sys; sys.modules['django'] = None; import runpy; "
         "sys.argv = ['package', sys.argv[1], '--key-id', sys.argv[2]]; "
         "runpy.run_module('sifa.core.ledger.package', run_name='__main__')", str(path), kid],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "证据包校验通过" in result.stdout
