"""The verifier core is pure Python: standard library only, no Django, readable on its own."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

LEDGER = Path(__file__).resolve().parent.parent
REPO = LEDGER.parents[2]
# The verifier core. Django-side modules added to this package later (models, services, API)
# may import these, never the other way round, and the package __init__ stays Django-free.
CORE = ("__init__.py", "entries.py", "hashing.py", "merkle.py", "sparse.py", "auditchain.py")
MODULES = [LEDGER / name for name in CORE]


def test_the_core_modules_exist() -> None:
    assert all(path.is_file() for path in MODULES)


def test_only_standard_library_and_relative_imports() -> None:
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 0:  # relative: another module of this package
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"


def _run(code: str, cwd: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *flags, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_imports_with_django_absent() -> None:
    """Import the package inside sifa with every Django import made to fail."""
    result = _run(
        """
        import sys
        sys.modules["django"] = None  # any "import django…" now raises ImportError
        import sifa.core.ledger
        from sifa.core.ledger import entries, hashing, merkle
        loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
        assert loaded == ["django"] and sys.modules["django"] is None, loaded
        assert "sifa.project" not in sys.modules
        tree = merkle.MerkleTree.from_entries(hashing.get_hasher(), [b"a", b"b", b"c"])
        assert merkle.verify_inclusion(
            tree.leaf_hash(2), 2, 3, tree.inclusion_proof(2), tree.root(), hasher=tree.hasher
        )
        print("ok")
        """,
        REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_runs_copied_out_without_site_packages(tmp_path: Path) -> None:
    """A court copies the four files out and runs them with a bare Python (``-I -S``: no
    site-packages, no environment, no current directory on the path)."""
    package = tmp_path / "courtledger"
    package.mkdir()
    for path in MODULES:
        shutil.copy(path, package / path.name)
    result = _run(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import datetime
        from courtledger import Entry, MerkleTree, decode_entry, encode_entry, get_hasher
        from courtledger import verify_consistency, verify_inclusion

        sha = get_hasher("sha256")
        ct = [b"", b"\\x00", b"\\x10", b"\\x20\\x21", b"\\x30\\x31", b"\\x40\\x41\\x42\\x43",
              bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
        tree = MerkleTree.from_entries(sha, ct)
        assert tree.root().hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        assert verify_consistency(3, 8, tree.root(3), tree.root(), tree.consistency_proof(3), hasher=sha)

        e = Entry("attachment.added", 1, "", {{"k": "值"}}, datetime.datetime.now(datetime.UTC))
        assert decode_entry(encode_entry(e)) == e
        sm3 = get_hasher()
        log = MerkleTree.from_entries(sm3, [encode_entry(e)])
        assert verify_inclusion(sm3.leaf_hash(encode_entry(e)), 0, 1, [], log.root(), hasher=sm3)
        assert not any(m.startswith("django") or m.startswith("sifa") for m in sys.modules)
        assert not any("site-packages" in p for p in sys.path), sys.path
        print("ok")
        """,
        tmp_path,
        "-I",
        "-S",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- the evidence package verifier (package.py): the standard library plus `cryptography` ----------

PACKAGE_VERIFIER = LEDGER / "package.py"


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add((node.module or "").split(".")[0])
    return names


def _pure(path: Path) -> bool:
    return _top_level_imports(path) <= set(sys.stdlib_module_names) | {"__future__", "cryptography"}


def test_package_verifier_imports_only_standard_library_cryptography_and_the_core() -> None:
    assert _pure(PACKAGE_VERIFIER), _top_level_imports(PACKAGE_VERIFIER)


def test_package_verifier_imports_with_django_absent() -> None:
    result = _run(
        """
        import sys
        sys.modules["django"] = None
        from sifa.core.ledger import package
        assert callable(package.verify_package)
        assert "sifa.project" not in sys.modules
        assert not any(m.startswith("django.") for m in sys.modules)
        print("ok")
        """,
        REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_package_verifier_runs_copied_out(tmp_path: Path) -> None:
    """A court copies the pure modules (no Django, no sifa) and checks a package with them alone."""
    from sifa.core.casecodes.tests.package_helpers import build

    package_bytes, kid = build()
    (tmp_path / "evidence.zip").write_bytes(package_bytes)
    folder = tmp_path / "courtledger"
    folder.mkdir()
    for path in LEDGER.glob("*.py"):
        if _pure(path):
            shutil.copy(path, folder / path.name)
    assert (folder / "package.py").exists()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-I", "-c", f"import sys, runpy; sys.path.insert(0, {str(tmp_path)!r}); "
         f"sys.argv = ['package', 'evidence.zip', '--key-id', {kid!r}]; "
         "runpy.run_module('courtledger.package', run_name='__main__')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "证据包校验通过" in result.stdout
