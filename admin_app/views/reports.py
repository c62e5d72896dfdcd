"""The head's report screens: the recap in Simfoni's categories and the SOP compliance report, for a period and a
kecamatan, each with its charts beside the tables, printable on A4 and downloadable as XLSX.

The figures come from `reports/` (SQL aggregates); this module reads the request, draws the charts and sends the
files. Both screens are the head's; the recap holds aggregates only, the compliance report names late cases by
number, each linked to its case page (the head may see every case).
"""

from __future__ import annotations

import datetime as dt

from flask import Response, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin_app.documents.formatting import MONTHS
from admin_app.extensions import db
from admin_app.models import Region, RegionLevel, RoleCode, utcnow
from admin_app.reports.compliance import build_compliance, compliance_tables
from admin_app.reports.periods import PERIOD_KIND_LABELS, Period, PeriodError, PeriodKind, parse_period
from admin_app.reports.recaps import ChartKind, Recap, Row, Table, build_recap
from admin_app.reports.workbook import workbook_bytes
from admin_app.sop.deadlines import format_duration
from admin_app.views.auditing import audit_now
from admin_app.views.base import ProtectedView, unit_zone
from admin_app.views.charts import bar_chart, line_chart, stacked_chart

CATEGORY = "Laporan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportInputError(ValueError):
    pass


def _kecamatan_options() -> list[tuple[int, str]]:
    return db.session.execute(select(Region.id, Region.name).where(Region.level == RegionLevel.KECAMATAN)
                              .order_by(Region.code)).all()


def _kecamatan(options) -> int | None:
    raw = (request.args.get("kecamatan") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in {i for i, _ in options}:
        raise ReportInputError("Kecamatan tidak dikenal: pilih dari daftar.")
    return int(raw)


def _today() -> dt.date:
    return utcnow().astimezone(unit_zone()).date()


def _chart(table: Table):
    """The table's chart, or None. Stacked bars for the cross table (sex within each violence type)."""
    if table.chart is ChartKind.LINE:
        return line_chart([(r.label, r.counts) for r in table.rows], table.columns[1:], table.title)
    if table.chart is ChartKind.BAR:
        rows = [(r.label, r.counts[0]) for r in table.rows]
        if len(rows) > 16:  # long lists (kelurahan): the largest only, the table has every row
            rows = sorted(rows, key=lambda r: -r[1])[:16]
        return bar_chart(rows, f"{table.title} ({table.columns[1].lower()})")
    return None


def _sex_split(recap: Recap):
    cross = recap.table("silang")
    female = [i for i, c in enumerate(cross.columns[1:-1]) if c.endswith(" P")]
    male = [i for i, c in enumerate(cross.columns[1:-1]) if c.endswith(" L")]
    items = [(r.label, (sum(r.counts[i] for i in female), sum(r.counts[i] for i in male))) for r in cross.rows]
    return stacked_chart(items, ("Perempuan", "Laki-laki"), "Korban menurut bentuk kekerasan dan jenis kelamin")


class _ReportView(ProtectedView):
    allowed_roles = (RoleCode.KEPALA,)
    template = ""
    title = ""
    file_stem = ""
    with_kecamatan = True

    def _inputs(self):
        """(period, kecamatan, kecamatan options, errors). Only a report by kecamatan reads or checks one."""
        errors, period, kecamatan, options = [], None, None, []
        try:
            period = parse_period(request.args, _today())
        except PeriodError as exc:
            errors.append(str(exc))
        if self.with_kecamatan:
            options = _kecamatan_options()
            try:
                kecamatan = _kecamatan(options)
            except ReportInputError as exc:
                errors.append(str(exc))
        return period, kecamatan, options, errors

    def _form_context(self, period: Period | None, kecamatan: int | None, options) -> dict:
        today = _today()
        shown = period or Period.month(today.year, today.month)
        return {
            "kinds": [(k.value, PERIOD_KIND_LABELS[k]) for k in PeriodKind],
            "months": list(enumerate(MONTHS, start=1)),
            "years": list(range(today.year + 1, 2019, -1)),
            "kecamatan_options": options,
            "chosen": {"kind": request.args.get("periode") or PeriodKind.MONTH.value,
                       "year": shown.start.year, "month": shown.start.month,
                       "quarter": (shown.start.month - 1) // 3 + 1,
                       "start": request.args.get("dari") or shown.start.isoformat(),
                       "end": request.args.get("sampai") or shown.end.isoformat(), "kecamatan": kecamatan},
        }

    def _args(self, period: Period, kecamatan: int | None) -> dict:
        args = period.as_args()
        if kecamatan is not None:
            args["kecamatan"] = str(kecamatan)
        return args

    def _workbook(self, heading: list[tuple[str, str]], tables: list[Table], period: Period) -> Response:
        audit_now("export", object_type=self.endpoint, detail={"periode": period.label, "format": "xlsx"})
        body = workbook_bytes(self.title, heading, tables)
        name = f"{self.file_stem}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "no-store"})

    def _heading(self, period: Period, kecamatan_name: str | None) -> list[tuple[str, str]]:
        made = utcnow().astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M")
        where = [("Kecamatan", kecamatan_name or "Seluruh Kota Tangerang")] if self.with_kecamatan else []
        return [("Periode", period.label), *where, ("Dibuat", made)]

    def _errors_page(self, errors, period, kecamatan, options):
        return self.render(self.template, errors=errors, report=None, **self._form_context(period, kecamatan, options)), 400


class RecapView(_ReportView):
    template = "admin/recap.html"
    title = "Rekap Kasus Kekerasan terhadap Perempuan dan Anak"
    file_stem = "rekap"

    @expose("/")
    def index(self):
        period, kecamatan, options, errors = self._inputs()
        if errors:
            return self._errors_page(errors, period, kecamatan, options)
        recap = build_recap(db.session, period, kecamatan)
        charts = {t.code: _chart(t) for t in recap.tables}
        charts["silang"] = _sex_split(recap)
        return self.render(self.template, errors=[], report=recap, charts=charts, title=self.title,
                           args=self._args(period, kecamatan), heading=self._heading(period, recap.kecamatan),
                           **self._form_context(period, kecamatan, options))

    @expose("/xlsx")
    def xlsx(self):
        period, kecamatan, options, errors = self._inputs()
        if errors:
            return self._errors_page(errors, period, kecamatan, options)
        recap = build_recap(db.session, period, kecamatan)
        summary = Table("ringkasan", "Ringkasan", ("Ukuran", "Jumlah"),
                        tuple(_total_rows(recap)))
        return self._workbook(self._heading(period, recap.kecamatan), [summary, *recap.tables], period)


TOTAL_LABELS = {"kasus": "Kasus", "korban": "Korban", "korban_anak": "Korban anak (di bawah 18 tahun)",
                "pelaku": "Pelaku"}


def _total_rows(recap: Recap):
    return [Row(TOTAL_LABELS[key], (value,)) for key, value in recap.totals.items()]


class ComplianceView(_ReportView):
    template = "admin/compliance.html"
    title = "Kepatuhan Mutu Baku Waktu SOP Layanan Penjangkauan Korban"
    file_stem = "kepatuhan-sop"
    with_kecamatan = False  # the steps are the unit's, not a kecamatan's

    @expose("/")
    def index(self):
        period, _, options, errors = self._inputs()
        if errors:
            return self._errors_page(errors, period, None, options)
        zone = unit_zone()
        report = build_compliance(db.session, period, now=utcnow(), zone=zone)
        steps_chart = stacked_chart([(f"{f.step.number}. {f.step.title}", (f.counts.on_time, f.counts.late))
                                     for f in report.steps], ("Tepat waktu", "Terlambat"),
                                    "Langkah tepat waktu dan terlambat")
        trend = line_chart([(m.label, (None if m.counts.on_time_share is None else m.counts.on_time_share * 100,))
                            for m in report.months], ("% tepat waktu",), "Persentase tepat waktu per bulan",
                           percent=True)
        return self.render(self.template, errors=[], report=report, title=self.title, args=self._args(period, None),
                           steps_chart=steps_chart, trend_chart=trend, heading=self._heading(period, None),
                           fmt_duration=format_duration, seconds=lambda s: None if s is None else dt.timedelta(seconds=s),
                           case_url=lambda case_id: url_for("cases.details_view", id=case_id),
                           local=lambda m: m.astimezone(zone).strftime("%d-%m-%Y %H:%M"),
                           **self._form_context(period, None, options))

    @expose("/xlsx")
    def xlsx(self):
        period, _, options, errors = self._inputs()
        if errors:
            return self._errors_page(errors, period, None, options)
        zone = unit_zone()
        report = build_compliance(db.session, period, now=utcnow(), zone=zone)
        return self._workbook(self._heading(period, None), compliance_tables(report, zone), period)


def register(admin, database) -> None:
    admin.add_view(RecapView(name="Rekap Kasus", category=CATEGORY, endpoint="recap", url="/admin/rekap"))
    admin.add_view(ComplianceView(name="Kepatuhan SOP", category=CATEGORY, endpoint="compliance",
                                  url="/admin/kepatuhan"))
