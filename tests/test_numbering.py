"""Letter numbers: pattern per type, counter per type and year, unique and gap-free under concurrent issuing,
never reused (a rolled-back issue gives its serial back; a cancelled letter keeps its number)."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_app.extensions import db, write_intent
from admin_app.models import LetterCounter, LetterType
from admin_app.sop.numbering import NumberPatternError, format_number, issue_number, validate_pattern


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{klasifikasi}/{urut:03d}/UPTD-PPA/{bulan_romawi}/{tahun}", "400.10/007/UPTD-PPA/VIII/2025"),
        ("{klasifikasi}/{urut}/{bulan}/{tahun}", "400.10/7/08/2025"),
    ],
)
def test_format_number(pattern, expected):
    assert format_number(pattern, classification="400.10", serial=7, day=dt.date(2025, 8, 1)) == expected


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("{klasifikasi}/{nomor}/{tahun}", "tidak dikenal"),
        ("{klasifikasi}/UPTD/{tahun}", "{urut}"),
        ("{klasifikasi}/{urut}", "{tahun}"),
        ("{klasifikasi/{urut}/{tahun}", "tidak valid"),
        ("{urut:zz}/{tahun}", "tidak dapat dipakai"),
    ],
)
def test_bad_patterns_are_refused(pattern, message):
    with pytest.raises(NumberPatternError, match=message.replace("{", r"\{").replace("}", r"\}")):
        validate_pattern(pattern)


def _letter_type(code="surat_tugas"):
    return db.session.execute(sa.select(LetterType).where(LetterType.code == code)).scalar_one()


def test_counter_per_type_and_year(app):
    tugas, rujukan = _letter_type("surat_tugas"), _letter_type("surat_rujukan")
    assert issue_number(db.session, tugas, dt.date(2025, 12, 31))[1] == 1
    assert issue_number(db.session, tugas, dt.date(2025, 12, 31))[1] == 2
    assert issue_number(db.session, rujukan, dt.date(2025, 12, 31))[1] == 1
    number, serial = issue_number(db.session, tugas, dt.date(2026, 1, 2))
    assert serial == 1 and number.endswith("/I/2026")


def test_a_rolled_back_issue_leaves_no_gap(app):
    tugas = _letter_type()
    issue_number(db.session, tugas, dt.date(2026, 3, 1))
    db.session.commit()
    issue_number(db.session, tugas, dt.date(2026, 3, 1))
    db.session.rollback()  # the letter was never stored: its serial is given again
    assert issue_number(db.session, tugas, dt.date(2026, 3, 1))[1] == 2


def test_concurrent_issuing_is_unique_and_gap_free(app):
    """Several people issue letters at the same moment: every serial is given once, none is skipped.

    Each thread is one request issuing a letter (a POST: write intent, as the app sets it); on PostgreSQL the
    counter row lock queues them, on SQLite BEGIN IMMEDIATE does."""
    engine = db.engine
    tugas_id = _letter_type().id
    db.session.commit()
    workers, per_worker = 8, 10
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issue_many():
        write_intent.set(True)
        try:
            barrier.wait()
            for _ in range(per_worker):
                with Session(engine) as session, session.begin():
                    letter_type = session.get(LetterType, tugas_id)
                    _, serial = issue_number(session, letter_type, dt.date(2026, 5, 1))
                with lock:
                    results.append(serial)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue_many) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results) == list(range(1, workers * per_worker + 1))
    counter = db.session.execute(sa.select(LetterCounter).where(LetterCounter.letter_type_id == tugas_id, LetterCounter.year == 2026)).scalar_one()
    assert counter.last_serial == workers * per_worker
