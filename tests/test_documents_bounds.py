"""A staff template cannot hang or exhaust the server: each payload that once ran for seconds or built 50 MB is
refused or stopped at the bound (time, memory, output size), on upload and on every later render, and the server
keeps answering other requests meanwhile."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from admin_app.documents import bounded
from admin_app.documents.rendering import TemplateRejected, default_template, render_document, validate_template
from admin_app.documents.samples import sample_context
from tests.test_documents_validation import make_docx

NESTED_LOOPS = '{% for a in "x"*9999 %}{% for b in "x"*9999 %}{% endfor %}{% endfor %}'
DOUBLING_MACRO = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
HUGE_JOIN = '{% set a = "x"*9999 %}{{ ([a]*5000)|join }}'


@pytest.fixture
def quick_limit():
    """A one-second bound, so the suite does not wait five seconds per payload (production: 5 s)."""
    old = bounded.worker().time_limit
    bounded.worker().time_limit = 1.0
    yield
    bounded.worker().time_limit = old


@pytest.mark.parametrize("payload, reason", [(NESTED_LOOPS, "batas waktu"), (DOUBLING_MACRO, "batas waktu"),
                                             (HUGE_JOIN, "terlalu besar")])
def test_each_payload_is_refused_at_upload(quick_limit, payload, reason):
    template = make_docx("{{ nomor_surat }} {{ tanggal_surat }}", payload)
    with pytest.raises(TemplateRejected, match=reason):
        validate_template("surat_tugas", template)


def test_after_a_stopped_render_the_next_one_works(quick_limit):
    with pytest.raises(TemplateRejected):
        render_document(make_docx(NESTED_LOOPS), {})
    rendered = render_document(default_template("surat_tugas"), sample_context("surat_tugas"))
    assert rendered.startswith(b"PK")


def test_memory_is_bounded_in_the_child(quick_limit):
    worker = bounded.RenderWorker(time_limit=5, memory_limit=400 * 1024 * 1024)
    try:
        with pytest.raises(bounded.RenderFailed, match="memori|proses pencetak|batas"):
            worker.render(make_docx('{% set a = "x"*9999 %}{% set b = [a]*9999 %}{{ (b|join) ~ (b|join) ~ (b|join) }}'), {})
        assert worker.render(default_template("surat_tugas"), sample_context("surat_tugas")).startswith(b"PK")
    finally:
        worker.close()


def test_the_server_keeps_answering_while_a_bad_template_is_stopped(app, live_server, login_as, client, quick_limit):
    """A bad upload through a real server runs in the render child; other requests are served meanwhile."""
    from tests.test_document_screens import upload

    bounded.worker().time_limit = 3.0
    login_as("sysadmin1", "sysadmin")
    result = {}

    def bad_upload():
        with app.app_context():
            # A payload that never ends (2**40 calls): an empty nested loop runs close to the limit on a fast machine.
            result["response"] = upload(client, "surat_tugas", make_docx("{{ nomor_surat }}", DOUBLING_MACRO))

    thread = threading.Thread(target=bad_upload)
    thread.start()
    answered_while_rendering = []
    for _ in range(20):
        with urllib.request.urlopen(f"{live_server}/healthz", timeout=10) as response:  # nosec - local test server
            answered_while_rendering.append(response.status == 200 and thread.is_alive())
    thread.join()
    assert any(answered_while_rendering), "no request was answered while the bad template rendered"
    assert result["response"].status_code == 200 and "batas waktu" in result["response"].get_data(as_text=True)
