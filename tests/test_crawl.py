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

from admin_app.extensions import db
from tests.helpers import login

# English a user would read. Checked as whole words, case-insensitive.
ENGLISH = {
    "list", "create", "edit", "delete", "save", "cancel", "search", "filter", "filters", "export", "details", "detail",
    "view", "version", "created", "updated", "update", "filled", "completed", "computed", "level", "user", "users",
    "true", "false", "none", "yes", "no", "back", "next", "previous", "page", "items", "select", "selected",
    "actions", "action", "submit", "record", "records", "home", "logout", "login", "password", "apply", "equals",
    "contains", "not", "greater", "smaller", "between", "empty", "add", "remove", "new", "the", "and", "with", "of",
    "by", "at", "is", "are", "you", "sure", "please", "error", "warning", "success", "required", "field", "invalid",
    "at", "date", "time", "name", "type", "value", "code", "label", "active", "order", "sort", "description",
    "notes", "note", "case", "victim", "step", "letter", "report", "plan", "consent", "complete", "draft", "status_",
    "sha256", "id", "object", "outcome", "ok", "refused", "failed", "roles", "username", "email", "phone", "address",
    "key", "settings", "setting", "holiday", "region", "indicator", "weight", "template", "templates", "file",
    "upload", "download", "preview", "activate", "active", "inactive", "true", "toggle", "navigation", "close",
}
# Indonesian words (or names) that are also English words, reviewed: they may stand on a page.
INDONESIAN = {"status", "data", "total", "format", "media", "normal", "pos", "unit", "online",
              "no",  # "No." is the Indonesian abbreviation of nomor
              "informed", "consent"}  # the SOP's own term: "informed consent" (formulir persetujuan layanan)

ENUM_NAME = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b")  # LAKI_LAKI, IN_PROGRESS
SNAKE_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # manajemen_kasus, intervention_plans, case_id
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\+00:00|\d{2}:\d{2}:\d{2}\.\d+|\b\d{4}-\d{2}-\d{2}\b")
LINK = re.compile(r'href="([^"#]+)"')
VISIBLE_ATTRS = re.compile(r'(?:placeholder|title|value|aria-label|alt)="([^"]*)"')
SKIP_PATHS = ("/static/", "/admin/static/", "/logout")
# Links that download a file or run an action instead of showing a page.
FILE_LINK = re.compile(r"/unduh|\.docx|\.pdf|/export/|/pratinjau|/ajax/|/action/")
PER_PATTERN = 2  # pages per URL pattern (path plus the names of its parameters)


def visible_text(html: str) -> str:
    # Flask-Admin keeps the markup of a new inline row (e.g. a plan's service row) escaped in a hidden template;
    # it is what the user sees after "Tambah": read it as markup too.
    html = re.sub(r'(?is)(<div class="inline-field-template d-none">)(.*?)(</div>)',
                  lambda m: m.group(1) + html_lib.unescape(m.group(2)) + m.group(3), html)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    # <code> is what staff type on purpose (template variables such as {{ nomor_surat }}): reviewed, not prose.
    html = re.sub(r"(?is)<code\b.*?</code>", " ", html)
    html = re.sub(r"(?is)<!--.*?-->", " ", html)
    html = re.sub(r'(?is)<input[^>]*type="hidden"[^>]*>', " ", html)
    # Data for scripts (Flask-Admin's filter definitions) sits in hidden containers: not read by anyone.
    html = re.sub(r'(?is)<div id="[a-z-]+-data" class="d-none"[^>]*>.*?</div>', " ", html)
    # A date input's value is ISO by the HTML standard; the browser shows it in the user's own format.
    html = re.sub(r'(?is)(<input[^>]*type="(?:date|datetime-local|time|number)"[^>]*?)\svalue="[^"]*"', r"\1", html)
    html = re.sub(r'(?is)<option[^>]*value="([^"]*)"', "<option", html)  # option values are machine keys
    attrs = " ".join(VISIBLE_ATTRS.findall(re.sub(r'(?is)<(input|button)[^>]*type="(hidden|checkbox|radio)"[^>]*>', "", html)))
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    return html_lib.unescape(text + " " + attrs)


def problems_in(text: str) -> list[str]:
    found = []
    for word in re.findall(r"[A-Za-z][A-Za-z_]*", text):
        lower = word.lower()
        if lower in ENGLISH and lower not in INDONESIAN:
            found.append(f"English word {word!r}")
        if word in ("True", "False", "None"):
            found.append(f"raw value {word!r}")
    found += [f"enum name {m!r}" for m in ENUM_NAME.findall(text)]
    # {placeholders} of a letter number pattern are what the administrator types: not prose.
    found += [f"code {m!r}" for m in SNAKE_CODE.findall(re.sub(r"\{[a-z_0-9:]+\}", " ", text)) if m not in INDONESIAN]
    found += [f"machine time {m!r}" for m in MACHINE_TIME.findall(text)]
    return found


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


def crawl(client, start: list[str], limit: int = 400) -> dict[str, str]:
    pages: dict[str, str] = {}
    seen_patterns: dict[str, int] = defaultdict(int)
    queue = list(start)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages or url.startswith(SKIP_PATHS) or FILE_LINK.search(url):
            continue
        pattern = _pattern(url)
        if seen_patterns[pattern] >= PER_PATTERN:
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


@pytest.fixture
def unit(builder, team, make_user):
    """A unit at work: cases at every step, a finished one with letters, documents generated, a sysadmin."""
    from admin_app.documents.archive import generate_document
    from admin_app.models import Authority, OutcomeKind
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
    pages = crawl(client, start)
    assert len(pages) > 10, sorted(pages)
    report = []
    for url, html in sorted(pages.items()):
        found = problems_in(visible_text(html))
        if found:
            report.append(f"{url}: {', '.join(sorted(set(found))[:12])}")
    assert not report, f"{len(report)} of {len(pages)} pages as {username}:\n" + "\n".join(report)


def test_the_crawl_would_catch_each_kind():
    for text in ("Filled By", "LAKI_LAKI", "True", "2026-12-02 01:09:07.539756+00:00", "intervention_plans",
                 "Status COMPLETE", "02-12-2026"[:0] + "2026-12-02"):
        assert problems_in(text), text
    assert not problems_in("Status: Lengkap · 2 Desember 2026 · 02-12-2026 08:01 WIB · Laki-laki · Ya")
