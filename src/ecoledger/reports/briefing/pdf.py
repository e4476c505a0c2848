"""PDF from the .docx, by LibreOffice where it is installed; without it, no PDF is offered.

Each conversion runs ``soffice --headless`` with a profile of its own in a
temporary directory (two conversions sharing the user's profile would wait on
its lock, or fail), in a session of its own so that a conversion that
overruns its time is stopped with every process it started.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def soffice_path() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(content: bytes) -> bytes | None:
    """The PDF of a .docx; None (logged) when LibreOffice is absent, fails or overruns."""
    command = soffice_path()
    if command is None:
        return None
    with tempfile.TemporaryDirectory(prefix="ecoledger-pdf-") as work:
        folder = Path(work)
        source = folder / "briefing.docx"
        source.write_bytes(content)
        arguments = [
            command, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless", "--norestore", "--nologo", "--convert-to", "pdf",
            "--outdir", str(folder), str(source),
        ]
        process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            _out, errors = process.communicate(timeout=settings.BRIEFING_PDF_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            log.error("LibreOffice took longer than %ss to convert a briefing; no PDF",
                      settings.BRIEFING_PDF_TIMEOUT)
            return None
        produced = folder / "briefing.pdf"
        if process.returncode != 0 or not produced.is_file():
            log.error("LibreOffice could not convert a briefing (exit %s): %s",
                      process.returncode, errors.decode("utf-8", "replace")[-2000:])
            return None
        return produced.read_bytes()
