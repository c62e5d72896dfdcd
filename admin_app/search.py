"""Searching by part of a victim's name without reading every row, on both databases.

- SQLite: an FTS5 table with the trigram tokenizer (`victims_name_fts`, external content = `victims`), kept in
  step with `victims.full_name` by triggers (migration 0014). The words go to it as one MATCH of quoted phrases
  (`"sari" AND "dewi"`: with trigrams a phrase matches anywhere in the name, any case), which reads the
  trigram lists directly: 0.3 ms for a part in 4,700 of 118,000 names, where a LIKE on the same table took 7 ms.
- PostgreSQL: a `pg_trgm` GIN index on `victims.full_name` (migration 0014), which serves `ILIKE '%...%'`.
- A word shorter than three letters has no trigram: it is matched with a plain LIKE (a scan, but a rare query).

Each word of the search must match (as Flask-Admin's own search does). `%`, `_` and `\\` are dropped from the
term: names do not contain them, and a pattern stays a pattern of letters. Plain SQLAlchemy, no Flask.

A list of cases sorted newest first can take a name part (or a filter value, views/case_filters.py) two ways,
and which is fast depends on how many rows hold it, which only its index knows (`is_common`):
- a rare part (a whole name, the usual search): the index gives the few matching victims, their cases are read
  and sorted (`victim_name_matches`);
- a common part ("sari" in thousands of names): the list walks its cases newest first and checks each case's
  victims (`case_has_victim_named`), stopping at its page; reading and sorting every match instead grew with the
  archive (1M cases: 177 ms for the head, 244 ms for an officer on SQLite).
"""

from __future__ import annotations

import re

from sqlalchemy import and_, column, func, select, table, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from admin_app.models import Case, Victim

FTS_TABLE = "victims_name_fts"
MIN_INDEXED = 3  # the trigram index answers words of at least this many characters
# More rows than this (in the whole archive, read from an index alone) hold a name part or a filter value: it is
# common, and a list walks its cases instead. About where the two ways cost the same for an officer who sees a
# tenth of a million cases: reading 5,000 matches, or walking the cases newest first until twenty of hers match.
COMMON_MATCHES = 5000
_NOT_PATTERN = re.compile(r"[%_\\]")

_fts = table(FTS_TABLE, column("rowid"), column("full_name"))


def search_words(term: str | None) -> list[str]:
    return [w for w in _NOT_PATTERN.sub("", term or "").split() if w]


def victim_name_matches(term: str | None, dialect: str) -> ColumnElement[bool]:
    """Victims whose name contains every word of `term` (case-insensitive)."""
    clauses, phrases = [], []
    for word in search_words(term):
        if dialect == "sqlite" and len(word) >= MIN_INDEXED:
            phrases.append(_phrase(word))
        else:
            clauses.append(Victim.full_name.ilike(f"%{word}%"))
    if phrases:
        clauses.append(Victim.id.in_(select(_fts.c.rowid).where(_fts.c.full_name.match(" AND ".join(phrases)))))
    return and_(*clauses) if clauses else true()


def case_has_victim_named(term: str | None) -> ColumnElement[bool]:
    """The case in the enclosing query has a victim whose name contains every word of `term`: checked per case (a
    lookup of its victims), for a list that walks its cases in order. The `OFFSET 0` keeps PostgreSQL from turning
    it into a join over every matching name (as in sop/access.py:on_team_of_case)."""
    words = [Victim.full_name.ilike(f"%{word}%") for word in search_words(term)]
    return select(Victim.id).where(Victim.case_id == Case.id, *words).offset(0).exists()


def is_common(session: Session, matching) -> bool:
    """More than COMMON_MATCHES rows of the select `matching`: counted in its index, stopping at one more."""
    counted = select(func.count()).select_from(matching.limit(COMMON_MATCHES + 1).subquery())
    return session.execute(counted).scalar_one() > COMMON_MATCHES


def name_is_common(session: Session, term: str | None, dialect: str) -> bool:
    """More than COMMON_MATCHES victims have a name matching `term`: counted in the name index alone (SQLite's FTS
    table; PostgreSQL's trigram index). Whose cases they are is not asked (an answer about the archive, never about
    a person: no single name is that common)."""
    phrases = [w for w in search_words(term) if len(w) >= MIN_INDEXED]
    if dialect == "sqlite":
        if not phrases:
            return False
        matching = select(_fts.c.rowid).where(_fts.c.full_name.match(" AND ".join(_phrase(w) for w in phrases)))
    else:
        matching = select(Victim.id).where(victim_name_matches(term, dialect))
    return is_common(session, matching)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'  # an FTS5 string: a quote inside is doubled


def searched(clause, query, count_query, joins, count_joins):
    """A search of our own in a Flask-Admin list (`_apply_search`'s arguments and result): the rows and their
    count filtered alike by `clause`, Flask-Admin's joins untouched."""
    return query.filter(clause), (count_query.filter(clause) if count_query is not None else None), joins, count_joins


def alembic_include_name(name, type_, parent_names) -> bool:
    """For alembic's comparison of models and database: the FTS5 table and its shadow tables are made by migration
    0014 and maintained by SQLite, not declared as models."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))
