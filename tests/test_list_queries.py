"""The SQL behind the case list and lookups (issue 15): the head's queries carry no need-to-know condition (she
sees every case), an officer's apply it without wrapping the whole case table in `IN (SELECT cases.id ...)`, a
whole case number is looked up by its unique index instead of LIKE over numbers and names, and the statements
per page stay fixed. What each user sees is tested in tests/test_need_to_know.py; here only how it is asked."""

from __future__ import annotations

import re

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Case, User
from admin_app.sop.access import visible_cases_clause
from admin_app.sop.process import awaiting_emergency_clause
from tests.helpers import count_queries, login

WRAPPED_SCOPE = re.compile(r"cases\.id IN \(SELECT cases\.id\s+FROM cases", re.IGNORECASE)
TEAM_SET = re.compile(r"cases\.id IN \(SELECT (letters|case_officers)\.case_id", re.IGNORECASE)


def _statements(client, url):
    with count_queries(db.engine) as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, counted.statements


def _case_selects(statements):
    return [s for s in statements if re.search(r"\bFROM cases\b", s)]


def test_the_heads_list_and_case_page_carry_no_need_to_know_condition(client, builder, team):
    case = builder.walk(builder.register(), 3)
    db.session.commit()
    login(client, "kepala")
    for url in ("/admin/cases/", f"/admin/cases/details/?id={case.id}", f"/admin/victims/?case_id={case.id}"):
        _response, statements = _statements(client, url)
        for statement in _case_selects(statements):
            assert not WRAPPED_SCOPE.search(statement) and "1 = 1" not in statement, (url, statement)


def test_an_officers_list_applies_the_rule_directly_and_still_sees_only_her_cases(app, builder, team):
    mine = builder.walk(builder.register(), 3)  # petugas1 is on its Surat Tugas
    db.session.commit()
    officer, other = app.test_client(), app.test_client()
    login(officer, "petugas1")
    login(other, "petugas2")
    response, statements = _statements(officer, "/admin/cases/")
    assert mine.case_number in response.get_data(as_text=True)
    listed = [s for s in _case_selects(statements) if "ORDER BY" in s or "count(" in s.lower()]
    assert listed and not any(WRAPPED_SCOPE.search(s) or TEAM_SET.search(s) for s in listed), listed
    # her list in date order reads her own rows (sop/access.py:officer_rows_join), newest first from her index
    assert all("JOIN case_officers ON" in s for s in listed), listed
    assert any("ORDER BY case_officers.received_at DESC" in s for s in listed), listed
    # with a filter that narrows through its own index (an open step): that index, with her row per case as a
    # correlated EXISTS, carrying the OFFSET that keeps PostgreSQL from hashing it into her whole set
    _response, statements = _statements(officer, "/admin/cases/?flt0_0=3")
    narrowed = [s for s in _case_selects(statements) if "ORDER BY" in s or "count(" in s.lower()]
    assert narrowed and all(re.search(r"EXISTS \(SELECT case_officers\.user_id\b.*?\bOFFSET\b", s, re.S)
                            and "JOIN case_officers" not in s for s in narrowed), narrowed
    assert mine.case_number not in other.get("/admin/cases/").get_data(as_text=True)
    # a whole case number: still hers only
    found = officer.get(f"/admin/cases/?search={mine.case_number}").get_data(as_text=True)
    assert mine.case_number in found and "Daftar (1)" in found
    refused = other.get(f"/admin/cases/?search={mine.case_number}").get_data(as_text=True)
    assert f"details/?id={mine.id}&" not in refused and f"details/?id={mine.id}\"" not in refused
    assert "Daftar (1)" not in refused


def test_an_officers_own_rows_are_read_newest_first_from_her_index(app, builder, team):
    """The plan of her list and its count (SQLite's EXPLAIN QUERY PLAN): her range of
    ix_case_officers_user_received, each case by its key, no sort."""
    builder.walk(builder.register(), 3)
    db.session.commit()
    if db.engine.dialect.name != "sqlite":
        return
    from admin_app.models import CaseOfficer
    from admin_app.sop.access import officer_rows_join

    officer = db.session.execute(sa.select(User).where(User.username == "petugas1")).scalar_one()
    onclause, sees = officer_rows_join(officer)
    page = (sa.select(Case.id).join(CaseOfficer, onclause).where(sees)
            .order_by(CaseOfficer.received_at.desc()).limit(20))
    plan = _plan(page)
    assert "ix_case_officers_user_received" in plan and "TEMP B-TREE" not in plan, plan


def _plan(query) -> str:
    """SQLite's EXPLAIN QUERY PLAN of `query` as it is sent (bound parameters, expanded IN)."""
    sent = []
    record = lambda _c, _cur, statement, parameters, *_: sent.append((statement, parameters))  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.execute(query).all()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = sent[-1]
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    return " | ".join(row[3] for row in rows)


def test_an_officers_page_walks_the_date_index_and_stops_at_its_page(app, builder, team):
    """The plan, not the timing: newest first from ix_cases_received_at with the team test per case, no sort of
    the officer's whole set (SQLite's EXPLAIN QUERY PLAN; PostgreSQL chooses by its statistics, which a test's
    few rows do not have). The step filter and the open high-risk cases read their own index range in the same
    order."""
    builder.walk(builder.register(), 3)
    db.session.commit()
    if db.engine.dialect.name != "sqlite":
        return
    officer = db.session.execute(sa.select(User).where(User.username == "petugas1")).scalar_one()
    page = sa.select(Case.id).where(visible_cases_clause(officer)).order_by(Case.received_at.desc()).limit(20)
    for query, index in ((page, "ix_cases_received_at"),
                         (page.where(Case.current_step == 3), "ix_cases_step_received"),
                         (page.where(awaiting_emergency_clause()), "ix_cases_status_received")):
        plan = _plan(query)
        assert index in plan and "TEMP B-TREE" not in plan and "LIST SUBQUERY" not in plan, plan


def test_a_whole_case_number_is_looked_up_exactly(client, builder, team):
    cases = [builder.register() for _ in range(3)]
    db.session.commit()
    login(client, "kepala")
    wanted = cases[1].case_number
    for typed in (wanted, wanted.lower(), f"  {wanted} "):
        response, statements = _statements(client, f"/admin/cases/?search={typed}")
        page = response.get_data(as_text=True)
        assert wanted in page and cases[0].case_number not in page and cases[2].case_number not in page
        searched = [s for s in statements if "count(" in s.lower() and "FROM cases" in s]
        assert searched and all("LIKE" not in s and "cases.case_number =" in s for s in searched), searched
    # part of a number or a name still searches with LIKE
    _response, statements = _statements(client, f"/admin/cases/?search={wanted[:8]}")
    assert any("LIKE" in s for s in statements)


def test_the_case_list_runs_the_same_statements_for_two_rows_or_twenty_as_an_officer(app, builder, team):
    officer = app.test_client()
    login(officer, "petugas1")

    def statements_for(rows: int) -> int:
        while db.session.execute(sa.text("SELECT count(*) FROM cases")).scalar_one() < rows:
            builder.walk(builder.register(), 3)
        db.session.commit()
        _response, statements = _statements(officer, "/admin/cases/")
        return len(statements)

    assert statements_for(2) == statements_for(20)


def _name_case(builder, full_name):
    case = builder.register()
    case.victims[0].full_name = full_name
    db.session.flush()
    return case


def test_part_of_a_victims_name_is_found_through_the_name_index(client, builder, team):
    from admin_app.models import Victim

    sari = _name_case(builder, "Ratna Sari Dewi")
    other = _name_case(builder, "Wulan Kusuma")
    renamed = _name_case(builder, "Nama Lama")
    db.session.commit()
    renamed.victims[0].full_name = "Indah Sarinah"  # the index follows an edited name (SQLite: triggers)
    db.session.commit()
    login(client, "kepala")
    dialect = db.engine.dialect.name

    def found(term):
        response, statements = _statements(client, f"/admin/cases/?search={term}")
        page = response.get_data(as_text=True)
        return {c.case_number for c in (sari, other, renamed) if c.case_number in page}, statements

    shown, statements = found("sari")
    assert shown == {sari.case_number, renamed.case_number}
    searched = [s for s in statements if "count(" in s.lower() and "FROM cases" in s]
    if dialect == "sqlite":
        assert all("victims_name_fts" in s for s in searched), searched
    else:
        assert all("ILIKE" in s.upper() and "victims.full_name" in s for s in searched), searched
    assert found("SARI dewi")[0] == {sari.case_number}  # every word, any case
    assert found("Lama")[0] == set()
    assert found("ku")[0] == {other.case_number}  # two letters: no trigram, a plain LIKE
    assert found("%")[0] == {sari.case_number, other.case_number, renamed.case_number}  # not a pattern: no filter
    assert found("sari kusu")[0] == set()  # every word: no name has both
    assert found('dewi" OR "kusu')[0] == set()  # quotes are letters of a word, never the index's query language
    assert found("NEAR(sari")[0] == set() and found("sari*")[0] == set()
    # the victims list searches the same way
    response = client.get("/admin/victims/?search=sarin")
    assert f"details/?id={renamed.victims[0].id}" in response.get_data(as_text=True)
    db.session.delete(db.session.get(Victim, other.victims[0].id))
    db.session.commit()
    assert found("Kusuma")[0] == set()

    if dialect == "postgresql":
        # the planner can answer the pattern from the trigram index (forced here: a table this small is scanned)
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(r[0] for r in connection.exec_driver_sql(
                "EXPLAIN SELECT id FROM victims WHERE full_name ILIKE '%%sari%%'"))
        assert "ix_victims_full_name_trgm" in plan, plan


def test_a_long_list_is_counted_only_up_to_the_cap(client, builder, team, monkeypatch):
    """No exact COUNT(*) of a large list on every page: the tab says "lebih dari 1.000" (here the cap is 3)."""
    from admin_app.views import list_count

    for _ in range(5):
        builder.register()
    db.session.commit()
    login(client, "kepala")
    assert "Daftar (5)" in client.get("/admin/cases/").get_data(as_text=True)
    monkeypatch.setattr(list_count, "LIST_COUNT_CAP", 3)
    response, statements = _statements(client, "/admin/cases/")
    page = response.get_data(as_text=True)
    assert "Daftar (lebih dari 3)" in page
    assert all(c.case_number in page for c in db.session.execute(sa.select(Case)).scalars())  # the rows are all there
    counted = [s for s in statements if "count(" in s.lower() and "FROM cases" in s]
    assert counted and all("LIMIT" in s for s in counted), counted
    one = db.session.execute(sa.select(Case.case_number)).scalars().first()
    assert "Daftar (1)" in client.get(f"/admin/cases/?search={one}").get_data(as_text=True)  # under the cap: exact


def test_a_huge_or_odd_search_is_cut_and_answered(client, builder, team):
    builder.register()
    db.session.commit()
    login(client, "kepala")
    for term in ("ab " * 300, "x" * 900, "'; DROP TABLE victims; --", "%_%\\", "\u200b\u200b", "PJK-2026-" + "9" * 60,
                 'sari" OR "dewi', "NEAR(sari dewi)", "sar* ^dew -kus", '"""', "AND OR NOT"):
        for path in ("/admin/cases/", "/admin/victims/"):
            assert client.get(path, query_string={"search": term}).status_code == 200, (path, term[:20])


def test_the_case_page_asks_each_question_once(app, builder, team):
    """The case page checks a dozen actions and documents: may this user see the case, is she on its team, which
    field documents and Surat Tugas it has. Each is read once (sop/memo.py), for the head and for an officer."""
    case = builder.walk(builder.register(), 5)
    db.session.commit()
    for username in ("kepala", "petugas1"):
        client = app.test_client()
        login(client, username)
        client.get(f"/admin/cases/details/?id={case.id}")
        _response, statements = _statements(client, f"/admin/cases/details/?id={case.id}")
        team_checks = [s for s in statements if "case_officers" in s and "EXISTS" in s]
        field_reads = [s for s in statements if s.startswith("SELECT complaints.id, complaints.complaint_date")]
        assert len(team_checks) <= 3 and len(field_reads) <= 1, (username, team_checks, field_reads)
        assert len(statements) <= 48, (username, len(statements))


def test_the_risk_filter_lists_the_cases_at_that_level_for_head_and_officer(app, builder, team):
    """The risk filter as a per-case EXISTS (views/case_filters.py): the cases whose victim is at that level, seen
    by each user within her own cases; a level that does not exist lists nothing."""
    from admin_app.models import RiskAssessment, RiskLevel

    high, medium = builder.walk(builder.register(), 4), builder.walk(builder.register(), 4)
    for case, level in ((high, RiskLevel.TINGGI), (medium, RiskLevel.SEDANG)):
        rows = db.session.execute(sa.select(RiskAssessment).where(RiskAssessment.case_id == case.id)).scalars().all()
        assert rows, "walking to step 4 records the risk assessment"
        for row in rows:
            row.final_level = level
    db.session.commit()
    for username in ("kepala", "petugas1", "petugas2"):
        client = app.test_client()
        login(client, username)
        page = client.get("/admin/cases/?flt0_3=tinggi").get_data(as_text=True)
        sees_team = username != "petugas2"  # petugas1 is on both Surat Tugas, petugas2 on neither
        assert (high.case_number in page) is sees_team and medium.case_number not in page, username
        bogus = client.get("/admin/cases/?flt0_3=ekstrem").get_data(as_text=True)
        assert high.case_number not in bogus and medium.case_number not in bogus


def test_a_common_name_part_walks_the_list_newest_first_without_counting(app, builder, team, monkeypatch):
    """More names match than COMMON_MATCHES (here 2): the list walks the cases newest first and checks each
    case's victims, is not counted, and says so; an officer still sees only her cases; a rarer part is counted."""
    from admin_app import search

    petugas2 = db.session.execute(sa.select(User).where(User.username == "petugas2")).scalar_one()
    sari = [builder.walk(_name_case(builder, name), 3, officers=[petugas2])
            for name in ("Ratna Sari", "Dewi Sari", "Sari Wulan")]
    other = _name_case(builder, "Wulan Kusuma")
    mine = builder.walk(_name_case(builder, "Intan Sari"), 3)  # petugas1 is on its Surat Tugas
    db.session.commit()
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)
    for username, expected in (("kepala", {*sari, mine}), ("petugas1", {mine})):
        client = app.test_client()
        login(client, username)
        response, statements = _statements(client, "/admin/cases/?search=SARI")
        page = response.get_data(as_text=True)
        assert {c.case_number for c in (*sari, mine, other) if c.case_number in page} == \
            {c.case_number for c in expected}, username
        assert "sangat umum" in page and "Daftar (" not in page, username
        listed = [s for s in statements if re.search(r"\bFROM cases\b", s) and "ORDER BY" in s]
        assert listed and all("victims_name_fts" not in s and "EXISTS" in s for s in listed), listed
        assert not [s for s in statements if "count(" in s.lower() and re.search(r"\bFROM cases\b", s)]
    client = app.test_client()
    login(client, "kepala")
    page = client.get("/admin/cases/?search=kusuma").get_data(as_text=True)
    assert other.case_number in page and "Daftar (1)" in page and "sangat umum" not in page


def test_postgresql_connections_cost_a_random_read_as_on_ssd(app):
    """extensions.configure_postgresql: every connection plans with random_page_cost 1.1 (at PostgreSQL's default
    of 4 it read the whole victims table for a part of a name instead of the trigram index)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as connection:
        assert float(connection.exec_driver_sql("SHOW random_page_cost").scalar()) == app.config["PG_RANDOM_PAGE_COST"]
    assert app.config["PG_RANDOM_PAGE_COST"] == 1.1
