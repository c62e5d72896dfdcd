"""The audit trail: logins, failures, views, searches, refusals, changes and transitions are recorded with who,
role, when, address and outcome; sensitive values never enter it; it is append-only and hash-chained."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from admin_app.extensions import db
from admin_app.models import AuditEvent
from tests.helpers import csrf_token, form_tokens, login


def events(**where):
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return db.session.execute(stmt).scalars().all()


def test_login_failure_and_logout_are_recorded(client, make_user):
    make_user("rina", "petugas")
    login(client, "rina", "salah-sekali-123")
    login(client, "rina")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    actions = [(e.action, e.username, e.outcome) for e in events()]
    assert actions == [("login_failed", "rina", "failed"), ("login", "rina", "ok"), ("logout", "rina", "ok")]
    assert all(e.ip_address == "127.0.0.1" for e in events())
    assert events(action="login")[0].roles == "petugas"


def test_case_views_searches_and_refusals(client, builder, team, make_user):
    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    login(client, "petugas1")
    client.get(f"/admin/cases/details/?id={case.id}")
    client.get("/admin/cases/?search=Siti")
    viewed = events(action="view", object_type="cases")
    assert [(e.case_id, e.username) for e in viewed] == [(case.id, "petugas1")]
    # The term itself never enters the trail: its kind, length and a keyed fingerprint only.
    search = events(action="search")[0].detail["pencarian"]
    assert search["jenis"] == "nama/teks" and search["panjang"] == 4 and "Siti" not in str(search)
    client.get("/admin/cases/?search=siti")
    assert events(action="search")[1].detail["pencarian"]["sidik"] == search["sidik"]  # the same term, traceable
    make_user("petugas9", "petugas")
    other = client.application.test_client()
    login(other, "petugas9")
    other.get(f"/admin/cases/details/?id={case.id}")
    refused = events(action="refused")
    assert [(e.username, e.object_id, e.outcome) for e in refused] == [("petugas9", str(case.id), "refused")]
    other.get("/admin/users/")
    assert events(action="refused")[-1].object_type == "users"


def test_transitions_and_changes_record_field_names_not_sensitive_values(client, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    login(client, "petugas1")
    url = f"/admin/victims/edit/?id={case.victims[0].id}"
    client.post(url, data={**form_tokens(client, url), "full_name": "Nama Rahasia", "nik": "3671055205900001",
                           "nationality": "WNI", "sex": "P", "birth_place": "Tangerang"})
    update = events(action="update", object_type="victims")[-1]
    assert update.case_id == case.id
    assert update.detail["fields"]["full_name"] == "(diubah)" and update.detail["fields"]["nik"] == "(diubah)"
    everything = " ".join(str(e.detail) for e in events())
    assert "Nama Rahasia" not in everything and "3671055205900001" not in everything
    client.post(f"/admin/cases/langkah/{case.id}/complete_field_work", data={"csrf_token": csrf_token(client, "/admin/")})
    transition = events(action="transition")[-1]
    assert transition.outcome == "refused" and transition.detail["tindakan"] == "complete_field_work"


def test_the_trail_is_append_only(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    with pytest.raises(DBAPIError):
        db.session.execute(sa.update(AuditEvent).values(username="orang lain"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(sa.delete(AuditEvent))
        db.session.flush()
    db.session.rollback()
    assert events()[0].username == "rina"


def _drop_guards():
    """What an attacker with database access could do: remove the triggers, then edit the trail."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_update ON audit_events"))
    else:
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_delete"))
    db.session.commit()


def test_verify_detects_a_changed_or_removed_entry(app, client, runner, make_user):
    make_user("rina", "petugas")
    for _ in range(3):
        login(client, "rina", "salah-sekali-123")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "utuh: 3 entri" in result.output
    _drop_guards()
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == 2).values(username="orang lain"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "#2" in result.output and "berubah" in result.output
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == 2).values(username="rina"))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 2))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "#3" in result.output and "terhapus" in result.output


def test_audit_screens(client, builder, team, make_user):
    case = builder.register()
    db.session.commit()
    login(client, "kepala")
    client.get(f"/admin/cases/details/?id={case.id}")
    page = client.get(f"/admin/audit/kasus/{case.id}")
    assert page.status_code == 200 and "kepala" in page.get_data(as_text=True)
    assert client.get("/admin/audit/").status_code == 200
    assert client.get("/admin/audit/edit/?id=1").status_code in (302, 403, 404)
    make_user("rina2", "petugas")
    other = client.application.test_client()
    login(other, "rina2")
    assert other.get("/admin/audit/").status_code == 403
    assert other.get(f"/admin/audit/kasus/{case.id}").status_code == 403


# Text columns whose values the trail may record (declared `info=AUDITED` on the column). Reviewed: none holds
# a victim's identity or story; adding a column here means it was read and judged harmless.
REVIEWED_TEXT_VALUES = {
    "reference_values": {"list_code", "code", "label", "description"},
    "regions": {"code", "name", "level"},
    "risk_indicators": {"code", "label", "description"},
    "letter_types": {"code", "name", "classification", "number_pattern"},
    "holiday_overrides": {"description"},
    "settings": {"key", "value", "description"},
    "roles": {"code", "name", "description"},
    "role_grants": {"status"},
    "users": {"username", "full_name", "nip", "rank", "position"},
    "cases": {"case_number", "status", "urgency"},
    "case_transitions": {"action"},
    "victims": {"sex", "nationality"},
    "reporters": {"sex", "nationality"},
    "perpetrators": {"sex", "nationality"},
    "letters": {"kind", "number", "status", "signer_name", "signer_nip", "signer_rank", "signer_position",
                "signer_capacity", "nature", "attachment", "subject", "recipient", "authority"},
    "assignment_members": {"name", "nip", "rank", "position"},
    "instruction_outcomes": {"kind"},
    "follow_up_requests": {"number"},  # memo numbers, like letter numbers
    "follow_up_instructions": {"number", "signer_capacity"},
    "outreach_logs": {"status"},
    "complaints": {"status"},
    "biopsychosocial_assessments": {"status"},
    "intervention_plans": {"status"},
    "case_identifications": {"status", "case_kind", "authority"},
    "risk_assessments": {"status", "computed_level", "final_level"},
    "informed_consents": {"status", "purpose", "decision"},
    "intervention_plan_items": {"status"},
    "document_template_versions": {"doc_type", "filename", "sha256"},
    "generated_documents": {"doc_type", "data_sha256", "file_sha256", "filename", "mime_type"},
    "signed_scans": {"mime_type", "sha256"},  # never the note (free text) nor a file name (none is stored)
    "notifications": {"kind"},  # a code of sop/notifications.py; never the text
    "notification_outbox": {"channel", "status"},  # never the address or the body
}


def test_no_text_column_reaches_the_trail_verbatim_unless_reviewed():
    """Every text column of every model: its value enters an update entry only if it is on the reviewed list;
    a new free-text field is recorded by its name only."""
    from sqlalchemy import String, Text

    from admin_app.models import Base
    from admin_app.security.audit import REDACTED, describe_changes

    checked = 0
    for mapper in Base.registry.mappers:
        table = mapper.local_table.name
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if column.table is not mapper.local_table or not isinstance(column.type, (String, Text)):
                continue
            secret = f"RAHASIA-{table}-{attr.key}"
            described = describe_changes(mapper.class_, {attr.key: ("lama", secret)})
            verbatim = secret in str(described)
            reviewed = attr.key in REVIEWED_TEXT_VALUES.get(table, set())
            assert verbatim == reviewed, f"{table}.{attr.key}: {'written verbatim' if verbatim else 'redacted'}"
            if not verbatim:
                assert described[attr.key] == REDACTED
            checked += 1
    assert checked > 100


def test_free_text_once_leaked_is_now_redacted():
    from admin_app.models import CaseIdentification, CaseTransition, RiskAnswer, Victim
    from admin_app.security.audit import REDACTED, describe_changes

    for model, field in ((CaseIdentification, "disability_needs"), (RiskAnswer, "note"), (CaseTransition, "note"),
                         (Victim, "disability_notes"), (Victim, "birth_date"), (Victim, "is_pregnant")):
        assert describe_changes(model, {field: (None, "Tuli; butuh juru bahasa isyarat")}) == {field: REDACTED}


def test_a_view_whose_audit_entry_cannot_be_written_is_not_served(client, builder, team, monkeypatch):
    """Fail closed: no untraceable look at a victim's file."""
    from admin_app.views import auditing

    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    login(client, "petugas1")
    name = case.victims[0].full_name
    assert name in client.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(auditing, "record", broken)
    for url in (f"/admin/cases/details/?id={case.id}", f"/admin/victims/details/?id={case.victims[0].id}",
                f"/admin/victims/edit/?id={case.victims[0].id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 503, url
        assert name not in html and "log audit" in html and response.headers["Retry-After"] == "5"
