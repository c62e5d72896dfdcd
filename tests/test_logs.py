"""The app's log: one JSON object a line with a request id, who asked (user id, roles), method, path, status and
duration; the request id taken from a sane X-Request-ID or made, and echoed; never a victim's name or NIK, not
even when the name is searched for or the NIK is typed wrong."""

from __future__ import annotations

import io
import json
import logging

import pytest
import sqlalchemy as sa

from admin_app import logs
from admin_app.config import build_config
from admin_app.extensions import db
from admin_app.models import Victim
from tests.helpers import form_tokens, login

NAME = "Wulandari Kusumaningtyas"
NIK = "3671055205900007"


def _lines(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    assert text, "nothing was logged"
    return [json.loads(line) for line in text.splitlines()]  # every line is one JSON object


def _post(client, url, data):
    return client.post(url, data={**form_tokens(client, url), **data})


def test_a_case_journey_logs_json_lines_without_the_victims_name_or_nik(client, builder, team, json_log):
    case = builder.walk(builder.register(child=False), 3)
    db.session.commit()
    login(client, "petugas1", "salah-kata-sandi-1")  # a failed login too: its form values stay out
    assert login(client, "petugas1").status_code == 302
    refused = _post(client, f"/admin/victims/new/?case_id={case.id}", {
        "full_name": NAME, "sex": "P", "birth_date": "1990-05-12", "nationality": "WNI", "nik": NIK[:-3]})
    assert refused.status_code == 200  # the NIK is too short: the form comes back, and nothing of it is logged
    saved = _post(client, f"/admin/victims/new/?case_id={case.id}", {
        "full_name": NAME, "sex": "P", "birth_date": "1990-05-12", "nationality": "WNI", "nik": NIK,
        "phone": "0812-3456-7007"})
    assert saved.status_code == 302
    victim = db.session.execute(sa.select(Victim).where(Victim.full_name == NAME)).scalar_one()
    assert client.get(f"/admin/cases/details/?id={case.id}").status_code == 200
    assert client.get(f"/admin/victims/details/?id={victim.id}").status_code == 200
    assert client.get(f"/admin/cases/?search={NAME}").status_code == 200
    for url in (f"/admin/victims/?search={NAME.split()[0]}", f"/admin/victims/?search={NIK}"):
        searched = client.get(url)
        assert searched.status_code == 200 and f"details/?id={victim.id}" in searched.get_data(as_text=True)
    client.get(f"/admin/cases/?search={NAME}&page=abc")

    text = json_log.getvalue()
    lines = _lines(json_log)
    for secret in (NAME, NAME.split()[0], NAME.split()[1], NIK, NIK[:-3], "81234567007", "salah-kata-sandi"):
        assert secret not in text, f"{secret!r} is in the log"
    access = [line for line in lines if line["logger"] == "jangkau.access"]
    assert len(access) >= 12
    for line in access:
        assert {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"} <= set(line)
        assert "?" not in line["path"] and "?" not in line["message"]
    searches = [line for line in access if line["path"] == "/admin/victims/"]
    assert searches and all(line["user_id"] == team.officers[0].id and line["roles"] == ["petugas"] for line in searches)
    assert len({line["request_id"] for line in access}) == len(access)  # one id per request


def test_the_request_id_is_taken_from_the_proxy_when_sane_and_echoed(client, json_log):
    given = "3f6c0a9e2b7d4c1f8e5a6b0c9d2e7f10"
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    for bad in ("x", "a b c d e f g h", "abcdefgh\tlevel=CRITICAL", "abcdefgh\"}{\"x", "é" * 20, "z" * 200):
        made = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert made != bad and logs.SANE_REQUEST_ID.fullmatch(made)
    lines = _lines(json_log)
    assert any(line.get("request_id") == given and line["status"] == 200 for line in lines)


def test_werkzeugs_request_line_with_its_query_string_is_dropped(live_server, caplog):
    """`make run` serves with werkzeug, whose own request line prints the query string: it never reaches the log."""
    import requests

    with caplog.at_level(logging.INFO):
        assert requests.get(f"{live_server}/login?search={NAME}", timeout=10).status_code == 200
    assert any(r.name == "jangkau.access" and r.getMessage() == "GET /login 200" for r in caplog.records)
    assert not [r.getMessage() for r in caplog.records if NAME.split()[0] in r.getMessage()]
    startup = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "Running on %s", ("http://127.0.0.1:5000",), None)
    assert logs.DropWerkzeugRequestLine().filter(startup) is True


def test_json_in_production_text_elsewhere(tmp_path, monkeypatch):
    for name in ("JANGKAU_LOG_FORMAT", "JANGKAU_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    keys = {"SECRET_KEY": "k" * 64, "JANGKAU_DATA_KEYS": "k1:" + "A" * 44, "JANGKAU_HMAC_KEY": "A" * 44,
            "JANGKAU_AUDIT_KEY": "A" * 44}
    assert build_config(str(tmp_path), {"ENVIRONMENT": "production", **keys})["LOG_FORMAT"] == "json"
    assert build_config(str(tmp_path), {"ENVIRONMENT": "development"})["LOG_FORMAT"] == "text"
    with pytest.raises(ValueError):
        logs.configure_logging("xml", "INFO")


def test_migrations_print_no_info_noise_below_debug(app, caplog):
    """`make run` runs `flask db upgrade`: alembic's "Context impl ..." / "Running upgrade ..." lines only at DEBUG."""
    from flask_migrate import upgrade

    with caplog.at_level(logging.INFO):
        upgrade()
    assert not [r.getMessage() for r in caplog.records if r.name.startswith(("alembic", "flask_migrate"))]
    logs.configure_logging("text", "DEBUG")
    try:
        assert logging.getLogger("alembic").isEnabledFor(logging.INFO)
    finally:
        logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
