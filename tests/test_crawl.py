"""Every page every role can reach reads in Bahasa Indonesia, with values as people read them.

The crawler logs in as each role, follows every link of the app it finds (lists, details, forms, the case page,
Tugas Saya, account pages), opens every list filter, and also an error page; on each page it reads the text a user
sees (tags, scripts and styles removed; attribute texts a user reads kept: button values, placeholders, titles)
and fails on English words, raw enum names or codes, True/False/None, and machine timestamps.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from tests.helpers import login
from tests.reading import problems_in, visible_text

LINK = re.compile(r'href="([^"#]+)"')
SKIP_PATHS = ("/static/", "/admin/static/", "/logout")
# Links that download a file or run an action instead of showing a page.
FILE_LINK = re.compile(r"/unduh|\.docx|\.pdf|/export/|/pratinjau|/ajax/|/action/")
PER_PATTERN = 2  # pages per URL pattern (path plus the names of its parameters)


IGNORED_PARAMS = {"sort", "desc", "page_size", "url", "page"}


def _pattern(url: str) -> str:
    """Pages that differ only in sorting, paging or the back link count as one."""
    parts = urlsplit(url)
    return parts.path + "?" + ",".join(sorted(k for k, _ in parse_qsl(parts.query) if k not in IGNORED_PARAMS))


def filter_urls(app) -> list[str]:
    """Each list filter of each screen, opened with its first option (or a plain value)."""
    from flask_admin.contrib.sqla import ModelView

    urls = []
    with app.test_request_context("/admin/"):
        for view in app.extensions["admin"][0]._views:
            if not isinstance(view, ModelView) or not view._filters:
                continue
            for index, flt in enumerate(view._filters):
                options = flt.get_options(view) if hasattr(flt, "get_options") else None
                options = options() if callable(options) else options
                value = str(options[0][0]) if options else "1"
                urls.append(f"/admin/{view.endpoint}/?" + urlencode({f"flt0_{index}": value}))
    return urls


def crawl(client, start: list[str], limit: int = 400, per_pattern: int = PER_PATTERN) -> dict[str, str]:
    """Read the `start` pages (each one: e.g. every case of the fixture, at its own step) and what they link to
    (at most `per_pattern` pages per URL pattern)."""
    pages: dict[str, str] = {}
    seen_patterns: dict[str, int] = defaultdict(int)
    queue = list(start)
    always = set(start)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages or url.startswith(SKIP_PATHS) or FILE_LINK.search(url):
            continue
        pattern = _pattern(url)
        if seen_patterns[pattern] >= per_pattern and url not in always:
            continue
        seen_patterns[pattern] += 1
        response = client.get(url)
        if 300 <= response.status_code < 400:
            continue
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        for link in LINK.findall(html):
            link = html_lib.unescape(link)
            if link.startswith("/") and not link.startswith("//"):
                queue.append(link)
    return pages


def minimal_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def small_photo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 250)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def unit(builder, team, make_user):
    """A unit at work: cases at every step, a finished one with letters, documents generated, a sysadmin."""
    from admin_app.documents.archive import generate_document
    from admin_app.documents.scans import store_signed_scan
    from admin_app.models import AssignmentLetter, Authority, OutcomeKind
    from admin_app.seeding.templates import load_default_templates
    from admin_app.sop.letters import OutcomeRequest

    load_default_templates(db.session)
    cases = [builder.walk(builder.register(child=n % 2 == 0), n) for n in (1, 2, 3, 4, 5, 6)]
    finished = builder.walk(builder.register(), 7, outcomes=[
        OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Visum", services_given="Konseling",
                       current_condition="Stabil"),
        OutcomeRequest(OutcomeKind.TRANSFER, recipient="UPTD PPA Provinsi Banten", authority=Authority.PROVINSI,
                       transfer_basis="Lintas kabupaten"),
    ])
    for doc_type in ("formulir_pengaduan", "formulir_asesmen_risiko"):
        generate_document(db.session, case=finished, doc_type=doc_type, letter=None, user=team.officers[0])
    # Signed scans (a PDF of the consent form, a photo of the Surat Tugas) and documents still waiting for theirs.
    consent = generate_document(db.session, case=finished, doc_type="formulir_persetujuan", letter=None,
                                user=team.officers[0])
    store_signed_scan(db.session, consent, minimal_pdf(), user=team.officers[0], note="ditandatangani wali")
    assignment = db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == finished.id)).scalar_one()
    letter = generate_document(db.session, case=finished, doc_type="surat_tugas", letter=assignment, user=team.kepala)
    store_signed_scan(db.session, letter, small_photo(), user=team.kepala)
    generate_document(db.session, case=cases[4], doc_type="formulir_persetujuan", letter=None, user=team.officers[0])
    make_user("sysadmin1", "sysadmin")
    db.session.commit()
    return [*cases, finished]


ROLES = ("petugas1", "kepala", "administrasi", "sysadmin1")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_reads_in_indonesian(app, client, unit, username):
    login(client, username)
    start = ["/admin/", "/akun/kata-sandi", "/akun/2fa", "/admin/halaman-yang-tidak-ada"]
    start += [f"/admin/cases/details/?id={c.id}" for c in unit]
    start += filter_urls(app)
    # SQLite reads two pages of each URL pattern; PostgreSQL reads one of each: every screen, filter and case
    # page this role reaches is still read on PostgreSQL (where dates come back time-zone aware and a query can
    # fail where SQLite is lenient), while the second page of a pattern, the same template with other rows,
    # adds little there that the SQLite run has not read already.
    pages = crawl(client, start, per_pattern=1 if db.engine.dialect.name == "postgresql" else PER_PATTERN)
    assert len(pages) > 10, sorted(pages)
    report = []
    for url, html in sorted(pages.items()):
        found = problems_in(visible_text(html))
        if found:
            report.append(f"{url}: {', '.join(sorted(set(found))[:12])}")
    assert not report, f"{len(report)} of {len(pages)} pages as {username}:\n" + "\n".join(report)
    # The signed scans were read too: their list on the case page, the upload form for those who file them, the
    # consent's evidence on the consent screens.
    seen = " ".join(pages.values())
    if username != "sysadmin1":
        assert 'class="signed-scan"' in seen, username
    assert ("Unggah pindaian" in seen) == (username in ("petugas1", "kepala")), username
    assert ('id="consent-evidence"' in seen) == (username in ("petugas1", "kepala")), username


def test_the_crawl_would_catch_each_kind():
    for text in ("Filled By", "LAKI_LAKI", "True", "2026-12-02 01:09:07.539756+00:00", "intervention_plans",
                 "Status COMPLETE", "02-12-2026"[:0] + "2026-12-02"):
        assert problems_in(text), text
    assert not problems_in("Status: Lengkap · 2 Desember 2026 · 02-12-2026 08:01 WIB · Laki-laki · Ya")


def test_the_crawl_fails_when_one_label_is_removed(app, client, unit):
    """Take one Indonesian label away (the risk assessment's "Diisi oleh"): the generated English name comes back
    and the crawl of that role reports it."""
    from admin_app.models import RiskAssessment

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "risk_assessment")
    labels = dict(view.column_labels)
    assert labels.pop("filled_by")
    view.column_labels = labels
    view._refresh_cache()  # Flask-Admin keeps the column names it built at start
    risk = db.session.execute(sa.select(RiskAssessment.id)).scalars().first()
    login(client, "petugas1")
    html = crawl(client, [f"/admin/risk_assessment/details/?id={risk}"], limit=1)
    assert any("'Filled'" in problem for problem in problems_in(visible_text(next(iter(html.values())))))
