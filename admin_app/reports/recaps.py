"""The unit's recap for a period, in Simfoni PPA's categories: cases, victims and perpetrators by each
category, a cross-tabulation, the time from incident to report, and the month-by-month trend.

Every figure is one SQL GROUP BY over the cases of the period (their report date in it, optionally in one
kecamatan). A category of the case (violence type, place, channel, region) counts cases and their victims; a
category of the victim (sex, age, education ...) counts victims and the cases they belong to; a category of the
perpetrator counts perpetrators and their cases, as Simfoni's recaps do. A case with two violence types counts in
both rows, so a column may add up to more than the total (the table says so). Only aggregates: no names.

Length (about 330 lines): the categories are declared here once, in the order the recap shows them.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Boolean, Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from admin_app.documents.formatting import CASE_KIND_LABELS, EMPTY, sex_label
from admin_app.models import (
    Case,
    CaseIdentification,
    CaseKind,
    InterventionPlan,
    InterventionPlanItem,
    Perpetrator,
    PlanItemStatus,
    ReferenceValue,
    Region,
    RegionLevel,
    Sex,
    Victim,
    case_violence_types,
)
from admin_app.models.reference import (
    AmpkCategory,
    DisabilityKind,
    Education,
    IncidentPlace,
    IntakeChannel,
    MaritalStatus,
    Occupation,
    PerpetratorRelation,
    ServiceType,
    ViolenceType,
)
from admin_app.reports.periods import Period, month_label
from admin_app.reports.sql import age_years, days_between, year_month

NOT_FILLED = "Tidak diisi"

# Simfoni's age groups (DOMAIN.md), at the incident date (the report date when the incident date is unknown).
AGE_GROUPS: tuple[tuple[int, int | None, str], ...] = (
    (0, 5, "0-5"), (6, 12, "6-12"), (13, 17, "13-17"), (18, 24, "18-24"), (25, 44, "25-44"), (45, 59, "45-59"),
    (60, None, "60+"),
)


def age_group(years: int | None) -> str | None:
    """The Simfoni age group of an age in years (None when unknown)."""
    if years is None:
        return None
    return next((label for low, high, label in AGE_GROUPS if low <= years and (high is None or years <= high)), None)


# GBVIMS's buckets of the time from the incident to the report, in days.
REPORT_DELAY_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 3, "0-3 hari"), (4, 5, "4-5 hari"), (6, 14, "6-14 hari"), (15, 30, "15 hari - 1 bulan"),
    (31, None, "Lebih dari 1 bulan"),
)
# Services the plan gives (not those cancelled): what the victim receives, as Simfoni's "layanan yang diterima".
SERVICE_GIVEN = (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS, PlanItemStatus.DONE)


class Subject(str, enum.Enum):
    """What a row of a table counts first: its own unit, then the cases."""

    CASE = "kasus"
    VICTIM = "korban"
    PERPETRATOR = "pelaku"


MEASURES = {Subject.CASE: ("Kasus", "Korban"), Subject.VICTIM: ("Korban", "Kasus"),
            Subject.PERPETRATOR: ("Pelaku", "Kasus")}


class ChartKind(str, enum.Enum):
    BAR = "bar"
    STACKED = "stacked"
    LINE = "line"


@dataclass(frozen=True)
class Row:
    label: str
    counts: tuple  # numbers; a report of durations or shares may carry their text


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    columns: tuple[str, ...]  # the label column's heading first, then one per count
    rows: tuple[Row, ...]
    note: str | None = None
    chart: ChartKind | None = None
    sheet: str | None = None  # a short name for its XLSX sheet (Excel allows 31 characters); else the title


@dataclass(frozen=True)
class Recap:
    period: Period
    kecamatan: str | None  # the filter's name, None: the whole city
    totals: dict[str, int]
    tables: tuple[Table, ...] = field(default_factory=tuple)

    def table(self, code: str) -> Table:
        return next(t for t in self.tables if t.code == code)


# ---------------------------------------------------------------------------------------- the categories
def _age_group(age) -> object:
    whens = [((age <= high) if high is not None else (age >= low), label) for low, high, label in AGE_GROUPS]
    return case((age.is_(None), literal(NOT_FILLED)), *whens, else_=literal(NOT_FILLED))


def _bucket(days) -> object:
    whens = [((days <= high) if high is not None else (days >= low), label) for low, high, label in REPORT_DELAY_BUCKETS]
    return case((days.is_(None), literal(NOT_FILLED)), (days < 0, literal(NOT_FILLED)), *whens)


def _incident_day():
    return func.coalesce(Case.incident_date, Case.reported_date)


@dataclass(frozen=True)
class Category:
    """One recap table: what it groups by (`key`, over the FROM of its subject after `join`), the labels of every
    key in order (`labels`: reference values, enum labels or the declared groups), its chart."""

    code: str
    title: str
    subject: Subject
    key: Callable[[], object]
    labels: Callable[[Labels], list[tuple[object, str]]]
    join: Callable[[object], object] | None = None  # the key's table joined to the subject's rows
    chart: ChartKind | None = ChartKind.BAR
    note: str | None = None
    sheet: str | None = None
    # Groups of a costly key (an age): the key is computed once per row in a materialised CTE, then grouped.
    bucket: Callable[[object], object] | None = None
    # The joined table has at most one row per subject row (a victim's identification, a case's kelurahan): the
    # category is counted with the others of its subject (`_counts_together`).
    one_to_one: bool = False
    heading: str = "Kategori"  # the label column's heading


class Labels:
    """Every category's labels from two queries per recap (all reference values, all regions), not one each."""

    def __init__(self, session: Session):
        self.session = session
        self._references: dict[str, list[tuple[object, str]]] | None = None
        self._regions: dict[RegionLevel, list[tuple[object, str]]] | None = None

    def reference(self, list_code: str) -> list[tuple[object, str]]:
        if self._references is None:
            self._references = defaultdict(list)
            rows = self.session.execute(select(ReferenceValue.list_code, ReferenceValue.id, ReferenceValue.label)
                                        .order_by(ReferenceValue.sort_order, ReferenceValue.label))
            for code, value_id, label in rows:
                self._references[code].append((value_id, label))
        return self._references.get(list_code, [])

    def region(self, level: RegionLevel) -> list[tuple[object, str]]:
        if self._regions is None:
            self._regions = defaultdict(list)
            for value_id, name, region_level in self.session.execute(
                    select(Region.id, Region.name, Region.level).order_by(Region.code)):
                self._regions[RegionLevel(region_level)].append((value_id, name))
        return self._regions.get(level, [])


def _reference(model: type[ReferenceValue]) -> Callable[[Labels], list[tuple[object, str]]]:
    list_code = model.__mapper__.polymorphic_identity
    return lambda labels: labels.reference(list_code)


def _fixed(pairs: list[tuple[object, str]]) -> Callable[[Labels], list[tuple[object, str]]]:
    return lambda labels: pairs


def _groups(groups) -> Callable[[Labels], list[tuple[object, str]]]:
    return _fixed([(label, label) for _, _, label in groups])


_SEXES = [(s.value, sex_label(s)) for s in (Sex.PEREMPUAN, Sex.LAKI_LAKI)]
_MANY = "Satu kasus dapat tercatat pada lebih dari satu baris, sehingga jumlah baris dapat melebihi total."


def _region(level: RegionLevel) -> Callable[[Labels], list[tuple[object, str]]]:
    return lambda labels: labels.region(level)


_incident_kelurahan = Region.__table__.alias("incident_kelurahan")
_identification = CaseIdentification.__table__.alias("identification")
_plan = InterventionPlan.__table__.alias("plan")
_plan_item = InterventionPlanItem.__table__.alias("plan_item")


def _with_identification(query):
    return query.outerjoin(_identification, _identification.c.victim_id == Victim.id)  # one per victim (unique)


def _with_incident_kelurahan(query):
    return query.outerjoin(_incident_kelurahan, _incident_kelurahan.c.id == Case.incident_region_id)


def _victim_age():
    return age_years(Victim.birth_date, Victim.age_estimate, _incident_day())


def _perpetrator_age():
    return age_years(Perpetrator.birth_date, Perpetrator.age_estimate, _incident_day())


CATEGORIES: tuple[Category, ...] = (
    Category("bentuk_kekerasan", "Bentuk kekerasan", Subject.CASE, lambda: case_violence_types.c.violence_type_id,
             _reference(ViolenceType),
             join=lambda q: q.outerjoin(case_violence_types, case_violence_types.c.case_id == Case.id), note=_MANY),
    Category("korban_jenis_kelamin", "Korban menurut jenis kelamin", Subject.VICTIM, lambda: Victim.sex,
             _fixed(_SEXES), chart=ChartKind.BAR),
    Category("korban_usia", "Korban menurut kelompok usia", Subject.VICTIM, _victim_age, _groups(AGE_GROUPS),
             bucket=_age_group),
    Category("korban_pendidikan", "Korban menurut pendidikan", Subject.VICTIM, lambda: Victim.education_id,
             _reference(Education)),
    Category("korban_pekerjaan", "Korban menurut pekerjaan", Subject.VICTIM, lambda: Victim.occupation_id,
             _reference(Occupation)),
    Category("korban_status_perkawinan", "Korban menurut status perkawinan", Subject.VICTIM,
             lambda: Victim.marital_status_id, _reference(MaritalStatus), sheet="Korban status perkawinan"),
    Category("korban_disabilitas", "Korban penyandang disabilitas", Subject.VICTIM,
             lambda: case((Victim.has_disability.is_(True), func.coalesce(Victim.disability_kind_id, -1)), else_=0),
             lambda session: [(0, "Bukan penyandang disabilitas"), (-1, "Disabilitas (jenis tidak diisi)"),
                              *_reference(DisabilityKind)(session)], chart=None, sheet="Korban disabilitas"),
    Category("jenis_kasus", "Jenis kasus (KTP/KTA)", Subject.VICTIM, lambda: _identification.c.case_kind,
             _fixed([(k.value, CASE_KIND_LABELS[k]) for k in CaseKind]), join=_with_identification, sheet="Jenis kasus KTP-KTA",
             one_to_one=True),
    Category("tppo", "Tindak pidana perdagangan orang (TPPO)", Subject.VICTIM,
             lambda: _identification.c.is_trafficking,
             _fixed([(True, "TPPO"), (False, "Bukan TPPO")]), join=_with_identification, chart=None, sheet="TPPO",
             one_to_one=True),
    Category("ampk", "Anak memerlukan perlindungan khusus (AMPK)", Subject.VICTIM,
             lambda: _identification.c.ampk_category_id, _reference(AmpkCategory), join=_with_identification,
             chart=None, sheet="AMPK", one_to_one=True),
    Category("tempat_kejadian", "Tempat kejadian", Subject.CASE, lambda: Case.incident_place_id,
             _reference(IncidentPlace)),
    Category("hubungan_pelaku", "Hubungan pelaku dengan korban", Subject.PERPETRATOR,
             lambda: Perpetrator.relation_id, _reference(PerpetratorRelation), sheet="Hubungan pelaku"),
    Category("pelaku_jenis_kelamin", "Pelaku menurut jenis kelamin", Subject.PERPETRATOR, lambda: Perpetrator.sex,
             _fixed(_SEXES), chart=None),
    Category("pelaku_usia", "Pelaku menurut kelompok usia", Subject.PERPETRATOR,
             _perpetrator_age, _groups(AGE_GROUPS), chart=None, bucket=_age_group),
    Category("pelaku_pendidikan", "Pelaku menurut pendidikan", Subject.PERPETRATOR,
             lambda: Perpetrator.education_id, _reference(Education), chart=None),
    Category("pelaku_pekerjaan", "Pelaku menurut pekerjaan", Subject.PERPETRATOR,
             lambda: Perpetrator.occupation_id, _reference(Occupation), chart=None),
    Category("kecamatan", "Kecamatan tempat kejadian", Subject.CASE, lambda: _incident_kelurahan.c.parent_id,
             _region(RegionLevel.KECAMATAN),
             join=_with_incident_kelurahan, sheet="Kecamatan", one_to_one=True),
    Category("kelurahan", "Kelurahan tempat kejadian", Subject.CASE, lambda: Case.incident_region_id,
             _region(RegionLevel.KELURAHAN), chart=None, sheet="Kelurahan"),
    Category("kanal", "Sumber informasi / kanal pengaduan", Subject.CASE, lambda: Case.intake_channel_id,
             _reference(IntakeChannel), sheet="Kanal pengaduan"),
    Category("layanan", "Layanan yang diberikan (rencana intervensi, kecuali yang batal)", Subject.VICTIM,
             lambda: _plan_item.c.service_type_id, _reference(ServiceType),
             join=lambda q: q.outerjoin(_plan, _plan.c.case_id == Victim.case_id).outerjoin(
                 _plan_item, and_(_plan_item.c.plan_id == _plan.c.id,
                                  _plan_item.c.status.in_([s.value for s in SERVICE_GIVEN]))),
             note=_MANY + " Korban dihitung pada setiap layanan dalam rencana intervensi kasusnya.", sheet="Layanan"),
    Category("waktu_lapor", "Waktu dari kejadian sampai dilaporkan", Subject.CASE,
             lambda: _bucket(days_between(Case.reported_date, Case.incident_date)), _groups(REPORT_DELAY_BUCKETS), sheet="Waktu kejadian sampai laporan"),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}


# ---------------------------------------------------------------------------------------- the queries
def period_cases(period: Period, kecamatan_id: int | None = None):
    """Which cases count: reported in the period (and in the kecamatan). A condition on `cases`, which every
    figure's FROM joins."""
    condition = Case.reported_date.between(period.start, period.end)
    if kecamatan_id is not None:
        in_kecamatan = select(Region.id).where(or_(Region.parent_id == kecamatan_id, Region.id == kecamatan_id))
        condition = and_(condition, Case.incident_region_id.in_(in_kecamatan))
    return condition


def _subject_rows(subject: Subject, scope, *keys):
    """SELECT key_0 .. key_n, first id, second id: one row per subject (and per row of a many-valued key) of the
    period."""
    labelled = [key.label(f"key_{i}") for i, key in enumerate(keys)]
    if subject is Subject.CASE:
        query = select(*labelled, Case.id.label("first"), Victim.id.label("second")).select_from(Case).outerjoin(
            Victim, Victim.case_id == Case.id)
    elif subject is Subject.VICTIM:
        query = select(*labelled, Victim.id.label("first"), Victim.case_id.label("second")).select_from(
            Victim).join(Case, Case.id == Victim.case_id)
    else:
        query = select(*labelled, Perpetrator.id.label("first"), Perpetrator.case_id.label("second")).select_from(
            Perpetrator).join(Case, Case.id == Perpetrator.case_id)
    return query.where(scope)


def _normalise(value):
    # SQLite hands back booleans as 0/1 and enum columns as their stored string.
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _measures(category: Category, rows_of) -> tuple:
    # Without a joined key table a victim or perpetrator is one row (its count needs no DISTINCT), and so is a
    # case's victim (counted where present); a case repeats once per victim, a case of victims once per victim.
    single = category.join is None
    first = func.count(rows_of.c.first) if single and category.subject is not Subject.CASE else \
        func.count(func.distinct(rows_of.c.first))
    second = func.count(rows_of.c.second) if single and category.subject is Subject.CASE else \
        func.count(func.distinct(rows_of.c.second))
    return first, second


def _counts(session: Session, category: Category, scope) -> dict:
    """value -> (first, second) of one category: its own GROUP BY (a category that joins a table of its own)."""
    rows = _subject_rows(category.subject, scope, category.key())
    rows_of = (category.join(rows) if category.join else rows).cte(f"rows_{category.code}")
    if category.bucket is not None:
        rows_of = rows_of.prefix_with("MATERIALIZED")  # SQLite and PostgreSQL: the key once per row
    key = category.bucket(rows_of.c.key_0) if category.bucket is not None else rows_of.c.key_0
    query = select(key, *_measures(category, rows_of)).group_by(key)
    return {_normalise(value): (int(first), int(second)) for value, first, second in session.execute(query).all()}


def _counts_together(session: Session, subject: Subject, categories: list[Category], scope) -> dict[str, dict]:
    """The counts of several categories of one subject that join no table of their own (or one row of one), from
    one statement: the subject's rows of the period read once (a materialised CTE carrying every category's key,
    an age computed once per row), then grouped by each key in turn (UNION ALL, the key as text). Reading the
    period's victims once for six tables instead of six times took the year recap at 100k cases from 1.6 s to
    0.9 s."""
    rows = _subject_rows(subject, scope, *(c.key() for c in categories))
    for join in dict.fromkeys(c.join for c in categories if c.join is not None):  # each table joined once
        rows = join(rows)
    rows_of = rows.cte(f"rows_{subject.value}").prefix_with("MATERIALIZED")
    parts = []
    for i, category in enumerate(categories):
        key = rows_of.c[f"key_{i}"]
        key = category.bucket(key) if category.bucket is not None else key
        # a boolean as 0/1 on both databases (PostgreSQL would write "true"), as `_as_text` reads it
        text = cast(cast(key, Integer), String) if isinstance(key.type, Boolean) else cast(key, String)
        parts.append(select(literal(i).label("category"), text.label("value"),
                            *_measures(category, rows_of)).group_by(key))
    counted: dict[str, dict] = {c.code: {} for c in categories}
    for index, value, first, second in session.execute(union_all(*parts)).all():
        counted[categories[index].code][value] = (int(first), int(second))
    return counted


def _as_text(value) -> str | None:
    """A label's key as the database writes it as text (`_counts_together`)."""
    value = _normalise(value)
    if isinstance(value, bool):
        return str(int(value))
    return None if value is None else str(value)


def _table(category: Category, counted: dict, labels: Labels, as_text: bool = False) -> Table:
    rows, seen = [], set()
    for value, label in category.labels(labels):
        value = _as_text(value) if as_text else value
        rows.append(Row(label, counted.get(value, (0, 0))))
        seen.add(value)
    unknown = [counts for value, counts in counted.items() if value not in seen]
    if unknown:  # not filled: shown, never dropped
        rows.append(Row(NOT_FILLED, tuple(sum(c[i] for c in unknown) for i in range(2))))
    return Table(category.code, category.title, (category.heading, *MEASURES[category.subject]), tuple(rows),
                 note=category.note, chart=category.chart, sheet=category.sheet)


def category_table(session: Session, category: Category, scope, labels: Labels | None = None) -> Table:
    return _table(category, _counts(session, category, scope), labels or Labels(session))


# The whole period per subject, counted with its categories: the recap's totals (`_totals`).
_ALL = "semua"


def _whole(subject: Subject) -> Category:
    return Category(f"{_ALL}_{subject.value}", _ALL, subject, lambda: literal(_ALL), _fixed([(_ALL, _ALL)]))


def _trend(period: Period) -> Category:
    """The month-by-month trend: cases and their victims by the month of the report date, every month shown."""
    return Category("tren", "Tren bulanan", Subject.CASE, lambda: year_month(Case.reported_date),
                    _fixed([(y * 100 + m, month_label(y, m)) for y, m in period.months()]), chart=ChartKind.LINE,
                    heading="Bulan")


def category_tables(session: Session, scope, labels: Labels | None = None, extra: tuple[Category, ...] = ()
                    ) -> dict[str, Table]:
    """The table of every category (CATEGORIES and `extra`) by code: those that join no table of their own, or one
    with a row per subject row, counted together per subject (`_counts_together`), the others one statement each."""
    labels = labels or Labels(session)
    everything = (*CATEGORIES, *extra)
    together: dict[str, dict] = {}
    for subject in Subject:
        plain = [c for c in everything if c.subject is subject and (c.join is None or c.one_to_one)]
        if plain:
            together.update(_counts_together(session, subject, plain, scope))
    return {c.code: _table(c, together[c.code], labels, as_text=True) if c.code in together else
            category_table(session, c, scope, labels) for c in everything}


def _totals(tables: dict[str, Table]) -> dict[str, int]:
    """The period's cases, victims (children among them: the age groups under 18) and perpetrators, from the
    whole-period rows counted with the categories."""
    def whole(subject: Subject) -> int:
        return int(tables[f"{_ALL}_{subject.value}"].rows[0].counts[0])

    children = [label for low, high, label in AGE_GROUPS if high is not None and high < 18]
    return {"kasus": whole(Subject.CASE), "korban": whole(Subject.VICTIM),
            "korban_anak": sum(int(r.counts[0]) for r in tables["korban_usia"].rows if r.label in children),
            "pelaku": whole(Subject.PERPETRATOR)}


def cross_table(session: Session, scope, labels: Labels | None = None) -> Table:
    """Victims by violence type (rows) x age group x sex (columns), as Simfoni's recap crosses them."""
    # One row per (victim, violence type of the case): a plain COUNT, the age group computed once per row.
    facts = (select(case_violence_types.c.violence_type_id.label("type_id"), _victim_age().label("age"),
                    Victim.sex.label("sex"))
             .select_from(Victim).join(Case, Case.id == Victim.case_id)
             .join(case_violence_types, case_violence_types.c.case_id == Case.id).where(scope)
             .cte("facts").prefix_with("MATERIALIZED"))
    group = _age_group(facts.c.age)
    query = select(facts.c.type_id, group, facts.c.sex, func.count()).group_by(facts.c.type_id, group, facts.c.sex)
    counted = {(t, a, _normalise(s)): n for t, a, s, n in session.execute(query).all()}
    columns = [(group, sex) for _, _, group in AGE_GROUPS for sex, _ in _SEXES]
    rows = []
    for type_id, label in _reference(ViolenceType)(labels or Labels(session)):
        counts = [counted.get((type_id, group, sex), 0) for group, sex in columns]
        rows.append(Row(label, (*counts, sum(counted.get((type_id, a, s), 0) for (t, a, s) in counted
                                             if t == type_id))))
    headings = tuple(f"{group} {'P' if sex == Sex.PEREMPUAN.value else 'L'}" for group, sex in columns)
    return Table("silang", "Korban menurut bentuk kekerasan, kelompok usia dan jenis kelamin",
                 ("Bentuk kekerasan", *headings, "Jumlah"), tuple(rows),
                 note="P: perempuan, L: laki-laki. Jumlah termasuk korban yang usia atau jenis kelaminnya tidak "
                      "diisi. " + _MANY, chart=None, sheet="Silang kekerasan-usia-kelamin")


def build_recap(session: Session, period: Period, kecamatan_id: int | None = None) -> Recap:
    scope = period_cases(period, kecamatan_id)
    kecamatan = None
    if kecamatan_id is not None:
        kecamatan = session.execute(select(Region.name).where(Region.id == kecamatan_id)).scalar_one_or_none() or EMPTY
    labels = Labels(session)
    trend = _trend(period)
    counted = category_tables(session, scope, labels, extra=(trend, *(_whole(s) for s in Subject)))
    tables = [counted[c.code] for c in CATEGORIES]
    tables.insert(1, cross_table(session, scope, labels))
    tables.append(counted[trend.code])
    return Recap(period, kecamatan, _totals(counted), tuple(tables))
