"""The step table drives the engine: what it declares (owner, actor rule, required inputs, actions, returns, time
standard, what may be edited) is what the engine, the screens and Tugas Saya do, and one edit of the table changes
that behaviour everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.sop import process as process_module
from admin_app.sop import requirements
from admin_app.sop import steps as table
from admin_app.sop.errors import ProcessError
from admin_app.sop.steps import STEPS, TimeStandard, TimeUnit
from admin_app.views.case_forms import FORMS
from tests.helpers import login


@pytest.fixture
def edit_step():
    """Edit one row of the table for this test, as a maintainer would edit sop/steps.py: the one Step object that
    every reader shares is changed in place, and restored afterwards."""
    undo = []

    def edit(number: int, **changes):
        row = table.step(number)
        undo.append((row, {name: getattr(row, name) for name in changes}))
        for name, value in changes.items():
            object.__setattr__(row, name, value)  # frozen dataclass: the table is read-only to the app
        return row

    yield edit
    for row, old in reversed(undo):
        for name, value in old.items():
            object.__setattr__(row, name, value)


def test_every_declared_action_input_form_and_edit_has_its_implementation(app):
    for s in STEPS:
        for action in s.actions:
            assert action.code in process_module.HANDLERS, action.code
            assert action.form in FORMS, action.form
        for r in s.returns:
            assert r.form in FORMS and r.to_step < s.number
        for wanted in s.required_inputs:
            assert wanted.code in requirements.CHECKERS, wanted.code
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    for code in {c for s in STEPS for c in s.editable} - {table.EDIT_CASE_INFORMATION, table.EDIT_PEOPLE}:
        # plan consent is the consent screen with another purpose
        assert (code if code != table.PLAN_CONSENT.code else table.SERVICE_CONSENT.code) in endpoints, code
    assert set(requirements.CHECKERS) <= {i.code for s in STEPS for i in s.required_inputs}


def test_the_total_service_time_is_the_sops():
    # "Total service time: 2 days 1 hour 30 minutes."
    assert table.total_service_time() == dt.timedelta(days=2, hours=1, minutes=30)


def test_changing_a_time_standard_is_one_edit_of_the_table(builder, edit_step):
    case = builder.register()
    builder.walk(case, 3)
    edit_step(4, time_standard=TimeStandard(45, TimeUnit.MINUTES))
    builder.walk(case, 4)
    run = builder.process.current_run(case)
    assert run.step_no == 4 and run.due_at - run.started_at == dt.timedelta(minutes=45)
    assert builder.process.timeline(case)[3].standard == "45 menit"


def test_adding_a_required_input_is_one_table_edit_and_one_checker(builder, team, monkeypatch, edit_step):
    extra = table.RequiredInput("victim_phone", "Nomor telepon korban")
    monkeypatch.setitem(requirements.CHECKERS, extra.code,
                        lambda c: [] if all(v.phone for v in c.case.victims) else [extra.label])
    s = edit_step(1, required_inputs=(*table.step(1).required_inputs, extra))
    case = builder.register(child=True)  # the demo writer records no phone for a child
    db.session.commit()
    with pytest.raises(ProcessError, match="Nomor telepon korban"):
        with db.session.begin_nested():
            builder.process.submit_case_information(team.officers[0], case)
    assert builder.process.missing_inputs(case) == [extra.label]
    assert s.required_inputs[-1] is extra


def test_who_may_act_follows_the_actor_rule(builder, team, make_user, edit_step):
    other = make_user("petugas3", "petugas")
    case = builder.register()
    builder.walk(case, 5)
    db.session.commit()
    assert builder.process.available_actions(other, case) == []  # step 5: the team only
    edit_step(5, actor=table.Actor.ANYONE_WHO_SEES)
    # Anyone of the role who may see the case: the other officer still cannot see it (need to know).
    assert builder.process.available_actions(other, case) == []
    assert [a.code for a in builder.process.available_actions(team.officers[0], case)] == ["submit_report"]


def test_returns_are_what_the_table_allows(builder, team, edit_step):
    case = builder.register()
    builder.walk(case, 4)
    db.session.commit()
    assert [r.code for r in builder.process.return_targets(team.administrasi, case)] == ["return_3"]
    edit_step(4, returns=())
    assert builder.process.return_targets(team.administrasi, case) == []
    with pytest.raises(ProcessError):
        builder.process.send_back(team.administrasi, case, to_step=3, reason="Berkas belum lengkap")


def test_documents_are_editable_in_the_steps_that_list_them(builder, team, edit_step):
    case = builder.register()
    builder.walk(case, 5)
    officer = team.officers[0]
    builder.process.ensure_document_editable(officer, case, table.PLAN_CONSENT.code)
    with pytest.raises(ProcessError, match="langkah 3"):
        builder.process.ensure_document_editable(officer, case, table.COMPLAINT.code)
    edit_step(5, editable=(*table.step(5).editable, table.COMPLAINT.code))
    builder.process.ensure_document_editable(officer, case, table.COMPLAINT.code)


def test_tugas_saya_lists_what_the_table_gives_each_role(client, builder, team):
    cases = {n: builder.walk(builder.register(), n) for n in (1, 2, 3, 4, 5, 6)}
    db.session.commit()
    for username, expected in (("kepala", {2, 6}), ("administrasi", {4}), ("petugas1", {1, 3, 5})):
        fresh = client.application.test_client()
        login(fresh, username)
        page = fresh.get("/admin/").get_data(as_text=True)
        shown = {n for n, c in cases.items() if c.case_number in page}
        assert shown == expected, (username, shown)


def test_the_case_list_runs_a_fixed_number_of_queries(client, builder, team):
    """Whatever the number of rows on the page: the deadline policy, victims and step clocks load once."""
    from tests.helpers import count_queries

    login(client, "kepala")

    def queries_for(rows: int) -> int:
        while db.session.execute(sa.text("SELECT count(*) FROM cases")).scalar_one() < rows:
            builder.walk(builder.register(), 3)
        db.session.commit()
        with count_queries(db.engine) as counted:
            assert client.get("/admin/cases/").status_code == 200
        return counted.count

    assert queries_for(2) == queries_for(20)


def test_a_letter_type_is_one_code_everywhere():
    """The letter class's identity is the letter type code: the document type, the number pattern row (seeds),
    the default template file and the step that issues it all use that one code."""
    import csv
    from pathlib import Path

    from admin_app.documents.registry import DOCUMENT_TYPES
    from admin_app.documents.rendering import DEFAULT_TEMPLATE_DIR
    from admin_app.sop.letters import letter_type_code

    root = Path(__file__).resolve().parents[1]
    seeded = {row["code"] for row in csv.DictReader((root / "seeds" / "letter_types.csv").open())}
    letters = {code: doc for code, doc in DOCUMENT_TYPES.items() if doc.is_letter}
    assert letters
    for code, doc in letters.items():
        assert letter_type_code(doc.letter_class) == code
        assert code in seeded and (DEFAULT_TEMPLATE_DIR / f"{code}.docx").exists()
    issued = {c for s in STEPS for a in s.actions for c in a.issues}
    assert issued == set(letters)
    # The memos an action numbers (report, instruction) are document types with a number pattern row too.
    numbered = {a.numbers for s in STEPS for a in s.actions if getattr(a, "numbers", None)}
    assert numbered and numbered <= seeded and numbered <= set(DOCUMENT_TYPES) - set(letters)
