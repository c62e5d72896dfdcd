"""PDF copies through LibreOffice: a real conversion where `soffice` is installed (required in CI), and the
failure paths (missing, crashing, hanging converter) with stand-in scripts. No database."""

from __future__ import annotations

import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from admin_app.documents import pdf
from admin_app.documents.rendering import default_template, render_document
from admin_app.documents.samples import sample_context
from tests.conftest import missing_service


def _require_soffice() -> None:
    if not pdf.soffice_available():
        missing_service("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")


def _fake_soffice(tmp_path: Path, monkeypatch, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pdf, "soffice_path", lambda: str(script))
    return script


def test_default_letter_converts_to_pdf():
    _require_soffice()
    docx = render_document(default_template("surat_tugas"), sample_context("surat_tugas"))
    result = pdf.convert_to_pdf(docx)
    assert result.startswith(b"%PDF-")
    assert len(result) > 5_000


def test_concurrent_conversions_do_not_share_a_profile():
    _require_soffice()
    docs = [render_document(default_template(code), sample_context(code)) for code in ("surat_rujukan", "formulir_pengaduan")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(pdf.convert_to_pdf, docs))
    assert all(r.startswith(b"%PDF-") for r in results)


def test_missing_libreoffice_says_so(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert not pdf.soffice_available()
    with pytest.raises(pdf.PdfConversionError, match="membutuhkan LibreOffice"):
        pdf.convert_to_pdf(b"PK")


def test_failed_conversion_gives_a_clear_error(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, monkeypatch, 'echo "Error: source file could not be loaded" >&2; exit 1')
    with pytest.raises(pdf.PdfConversionError, match="LibreOffice gagal.*could not be loaded"):
        pdf.convert_to_pdf(b"bukan docx")


def test_hanging_conversion_is_killed_at_the_time_limit(tmp_path, monkeypatch):
    pid_file = tmp_path / "child.pid"
    # A launcher that starts a child (as soffice starts soffice.bin) and then hangs.
    _fake_soffice(tmp_path, monkeypatch, f"sleep 60 & echo $! > {pid_file}; wait")
    # Killed at the limit: the launcher would otherwise end after 60 s with "no PDF", a different message.
    with pytest.raises(pdf.PdfConversionError, match="batas waktu 1 detik"):
        pdf.convert_to_pdf(b"x", timeout=1)
    status = Path(f"/proc/{int(pid_file.read_text())}/status")
    for _ in range(50):  # the whole process group was killed, the child too (gone, or a zombie awaiting init)
        try:
            if "\nState:\tZ" in status.read_text():
                break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process survived the time limit")
