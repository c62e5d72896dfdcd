"""PDF copies of generated documents through LibreOffice headless, when it is installed.

Each conversion runs in its own process group with its own throw-away LibreOffice profile: concurrent `soffice`
runs that share a profile fail silently, and a hung conversion must not hold a web worker forever.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")


class PdfConversionError(RuntimeError):
    """The PDF could not be made; the message is for the user, in Bahasa Indonesia."""


def soffice_path() -> str | None:
    return next((path for name in SOFFICE_NAMES if (path := shutil.which(name))), None)


def soffice_available() -> bool:
    return soffice_path() is not None


def convert_to_pdf(docx_bytes: bytes, timeout: float = 60) -> bytes:
    """The PDF rendering of a .docx, made by LibreOffice within `timeout` seconds."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfConversionError("PDF membutuhkan LibreOffice (soffice), yang belum terpasang di server.")
    with tempfile.TemporaryDirectory(prefix="jangkau-pdf-") as tmp:
        work = Path(tmp)
        source = work / "dokumen.docx"
        source.write_bytes(docx_bytes)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), str(source),
        ]
        # Own session = own process group: on timeout we kill soffice.bin too, not only its launcher.
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            env={**os.environ, "HOME": str(work)},  # LibreOffice writes to $HOME; keep it inside the temp dir
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionError(
                f"Konversi ke PDF melewati batas waktu {timeout:g} detik dan dihentikan. Coba lagi nanti."
            ) from None
        target = work / "out" / "dokumen.pdf"
        if process.returncode != 0 or not target.exists():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"kode keluar {process.returncode}"]
            raise PdfConversionError(f"LibreOffice gagal mengubah dokumen menjadi PDF ({detail[0][:200]}).")
        return target.read_bytes()
