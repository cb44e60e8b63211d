"""The engine core stays pure Python (no Django), so its arithmetic can be read and run alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def test_engine_periods_and_sources_import_without_django() -> None:
    code = ("import sys; import sifa.core.scoring.engine, sifa.core.scoring.periods, sifa.core.scoring.sources; "
            "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
