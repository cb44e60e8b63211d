"""PDF copies of generated documents through LibreOffice, when it is installed.

``soffice --headless --convert-to pdf`` runs in a fresh temporary directory with its own user
profile (``-env:UserInstallation``), so concurrent conversions do not share LibreOffice's profile
lock, and is killed (with its children) after 60 seconds. Without LibreOffice the engine stores the
.docx only; nothing fails.

``SIFA_SOFFICE`` names the binary (default: ``soffice`` or ``libreoffice`` found on PATH); ``off``
disables conversion.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from sifa.project.env import env_str

TIMEOUT_SECONDS = 60
DISABLED = {"off", "none", "false", "0", "no"}


class PdfConversionFailed(RuntimeError):
    """LibreOffice is installed but did not produce a PDF (the message says why, in Chinese)."""


def soffice_path() -> str | None:
    """The LibreOffice binary to use, or ``None`` when it is absent or disabled."""
    configured = env_str("SIFA_SOFFICE", "").strip()
    if configured.lower() in DISABLED:
        return None
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: bytes, *, binary: str, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PDF rendering of ``docx``; raises ``PdfConversionFailed``."""
    with tempfile.TemporaryDirectory(prefix="sifa-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        profile = folder / "profile"
        command = [binary, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf", "--outdir", str(folder),
                   str(source)]
        env = {**os.environ, "HOME": str(folder)}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=folder, env=env,  # noqa: S603
                                   start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)  # the soffice wrapper and the soffice.bin it started
            process.communicate()
            raise PdfConversionFailed(f"LibreOffice 转换超时（{timeout} 秒）") from exc
        target = folder / "document.pdf"
        if process.returncode != 0 or not target.is_file():
            detail = stderr.decode(errors="replace").strip()[:200]
            raise PdfConversionFailed(f"LibreOffice 未能生成 PDF（退出码 {process.returncode}）{('：' + detail) if detail else ''}")
        return target.read_bytes()
