"""The shared base of every screen: login and role checked below the UI, Indonesian form messages, and no raw
exception text ever shown to a user."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from babel.support import NullTranslations, Translations
from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.babel import gettext as admin_gettext  # noqa: F401 - Flask-Admin's own catalogue
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import BaseForm, rules
from flask_admin.model.form import converts
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename
from wtforms.fields import DateField, DateTimeLocalField, HiddenField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from admin_app.extensions import db
from admin_app.models import Case, RoleCode, utcnow
from admin_app.security.audit import describe_changes, describe_search
from admin_app.security.exports import neutralise_formula
from admin_app.sop.access import visible_case, visible_case_ids_clause
from admin_app.sop.process import CaseProcess
from admin_app.views.auditing import audit, audit_now
from admin_app.views.lean_list import LeanListMixin
from admin_app.views.list_count import CappedCountQuery
from admin_app.views.presentation import COMMON_LABELS, EXPORT_FORMATTERS, HIDDEN_COLUMNS, TYPE_FORMATTERS
from admin_app.views.request_policy import deadline_policy, unit_zone  # noqa: F401 - re-exported

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

MSG_INTEGRITY = "Data tidak dapat disimpan karena bentrok dengan data lain (misalnya kode atau nama sudah dipakai)."
MSG_STALE = "Data ini telah diubah oleh orang lain sejak Anda membukanya. Muat ulang halaman dan ulangi perubahan Anda."
MSG_FAILED = "Terjadi kesalahan saat menyimpan. Perubahan tidak disimpan; silakan coba lagi atau hubungi administrator."


@lru_cache(maxsize=4)
def form_translations(locale: str = "id") -> NullTranslations:
    """WTForms messages in Indonesian, falling back to Flask-Admin's catalogue (which WTForms fields also use)."""
    wtforms = Translations.load(str(TRANSLATIONS_DIR), [locale], domain="wtforms")
    admin = Translations.load(str(TRANSLATIONS_DIR), [locale], domain="admin")
    wtforms.add_fallback(admin)
    return wtforms


class JangkauForm(BaseForm):
    class Meta:
        def get_translations(self, form):
            return form_translations("id")


class DomainError(Exception):
    """A refusal with a message meant for the user (Bahasa Indonesia). Raised by services, shown as is."""


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this app (one leading "/", no scheme, host, backslash or control character);
    None otherwise. The one check for `next=` after login, `url=` back links and the return after saving."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def seconds_now() -> float:
    """The wall clock of session limits, in seconds: `time.time`, or the clock a test injects as `app.config["CLOCK"]`."""
    import time

    return current_app.config.get("CLOCK", time.time)()


def user_can(*roles: str) -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(*roles))


class AccessMixin:
    """Login and role required for every endpoint of the view, checked on each request (below the menu)."""

    allowed_roles: tuple[str, ...] = ()

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        return not self.allowed_roles or current_user.has_role(*self.allowed_roles)

    def _run_view(self, fn, *args, **kwargs):
        # Flask-Admin retries a view that raised TypeError as fn(cls=self): the real error (and its traceback)
        # is replaced by "unexpected keyword argument 'cls'". We expose no plug views, so no retry.
        return fn(self, *args, **kwargs)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        audit("refused", object_type=self.endpoint, outcome="refused", detail={"url": request.path})
        abort(403)


class ProtectedView(AccessMixin, BaseView):
    pass


class ProtectedIndexView(AccessMixin, AdminIndexView):
    pass


class HiddenRule(rules.Field):
    """A form rule that renders a hidden input only (no label, no wrapper)."""

    def __call__(self, form, form_opts=None, field_args=None):
        field = getattr(form, self.field_name, None)
        return Markup(field()) if field is not None else ""


class JangkauModelConverter(AdminModelConverter):
    """Dates as the browser's own date input: localised by the phone or PC, big enough to tap (Flask-Admin's
    picker is English and small)."""

    def _model_select_field(self, prop, multiple, remote_model, **kwargs):
        if not multiple:
            kwargs.setdefault("blank_text", "- tidak ada -")  # not Flask-Admin's "__None"
        return super()._model_select_field(prop, multiple, remote_model, **kwargs)

    @converts("Date")
    def convert_date(self, field_args, **extra):
        field_args["widget"] = DateInput()
        return DateField(**field_args)


class SecureModelView(AccessMixin, LeanListMixin, ModelView):
    form_base_class = JangkauForm
    model_form_converter = JangkauModelConverter
    page_size = 20
    # How every screen reads (views/presentation.py): labels by column name, one formatter per type.
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    details_template = "admin/details_grouped.html"
    # Headings of the details page, in the paper form's order: (heading, column names). Read from the form's
    # FieldSet rules when not given; columns in none of them come last under "Lainnya".
    details_groups: list[tuple[str, tuple[str, ...]]] | None = None
    # The page-size menu's labels are built at run time by Flask-Admin and cannot be translated: left out.
    can_set_page_size = False
    can_view_details = True
    # Editable list columns post to ajax/update, which skips can_edit: never offered (the lean list has no
    # editable cells either).
    column_editable_list: list = []

    audit_object_type: str | None = None  # defaults to the table name
    max_search_length = 100
    export_max_rows = 10_000  # an export is built in memory (see _export_csv): bounded
    max_page = 100_000

    def _get_list_extra_args(self):
        # Flask-Admin hands ?page= to the database as OFFSET: a negative or huge page is a 500 otherwise.
        args = super()._get_list_extra_args()
        if args.page is not None and not 0 <= args.page <= self.max_page:
            args.page = 0
        return args

    def get_count_query(self):
        return CappedCountQuery([func.count("*")], session=db.session()).select_from(self.model)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # A search term longer than any name or number is cut: a huge LIKE pattern is refused by SQLite.
        return super()._apply_search(query, count_query, joins, count_joins, (search or "")[: self.max_search_length])

    # --- exports (web hardening): every exported cell is neutralised against spreadsheet formulas ---
    def get_export_value(self, model, name):
        return neutralise_formula(super().get_export_value(model, name))

    def _export_csv(self, return_url):
        """The whole CSV built while the request's session is open, then sent. Flask-Admin streams rows after the
        request's teardown, where lazy attributes of the rows can no longer load (a real server sent the header
        and died). Exports are bounded by `export_max_rows`."""
        count, data = self._export_data()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(title) for _, title in self._export_columns])
        for row in data:
            writer.writerow([self.get_export_value(row, name) for name, _ in self._export_columns])
        filename = self.get_export_name(export_type="csv")
        response = Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv")  # BOM: Excel reads UTF-8
        response.headers["Content-Disposition"] = f"attachment; filename={secure_filename(filename)}"
        return response
    # --- end exports ---

    # --- no lost updates: the edit form carries the row version it was based on ---
    def __init__(self, model, *args, **kwargs):
        own = dict(self.column_labels or {})
        self.column_labels = {**COMMON_LABELS, **own}
        hidden = set(self.column_details_exclude_list or ()) | set(HIDDEN_COLUMNS)
        self.column_details_exclude_list = [*hidden]
        rules_in_use = self.form_edit_rules or self.form_rules
        if rules_in_use and "version" in model.__table__.c:
            # Flask-Admin drops form fields its rules do not name: name the hidden version fields.
            self.form_create_rules = self.form_create_rules or self.form_rules
            self.form_edit_rules = [*rules_in_use, HiddenRule("row_version"), HiddenRule("row_loaded_at")]
        super().__init__(model, *args, **kwargs)
        for flt in self._filters or ():
            flt.validate = _never_raises(flt.validate)

    def grouped_details(self, details_columns) -> list[tuple[str, list[tuple[str, str]]]]:
        """The details page's rows under headings, in the order of the paper form."""
        groups = self.details_groups
        if groups is None:
            groups = [_fieldset_group(rule) for rule in (self.form_edit_rules or self.form_rules or [])
                      if isinstance(rule, rules.FieldSet)]
        labels = dict(details_columns)
        placed: set[str] = set()
        out = []
        for heading, names in groups:
            rows = [(n, labels[n]) for n in names if n in labels and n not in placed]
            placed.update(n for n, _ in rows)
            if rows:
                out.append((heading, rows))
        rest = [(n, label) for n, label in details_columns if n not in placed]
        if rest:
            out.append(("Lainnya" if out else "", rest))
        return out

    def get_edit_form(self):
        form_class = super().get_edit_form()
        if "version" not in self.model.__table__.c:
            return form_class
        return type(form_class.__name__, (form_class,), {"row_version": HiddenField(), "row_loaded_at": HiddenField()})

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        model = self.get_one(id)
        if model is not None and hasattr(form, "row_version"):
            form.row_version.data = str(model.version)
            form.row_loaded_at.data = utcnow().isoformat()

    def update_model(self, form, model):
        if not version_matches(form, model):
            return False  # nothing is overwritten; the form keeps what the user typed
        return super().update_model(form, model)

    def _on_model_change(self, form, model, is_created):
        # Flask-Admin calls this after the form filled the row and before commit: the moment the changes are known.
        super()._on_model_change(form, model, is_created)
        g.audit_changes = changed_fields(model)

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        audit(
            "create" if is_created else "update",
            object_type=self.audit_object_type or model.__tablename__,
            object_id=getattr(model, "id", None),
            case_id=case_id_of(model),
            detail={"fields": describe_changes(type(model), g.pop("audit_changes", {}))},
        )

    def handle_view_exception(self, exc: Exception) -> bool:
        db.session.rollback()
        if isinstance(exc, (ValidationError, DomainError)):
            flash(str(exc), "error")
        elif isinstance(exc, StaleDataError):
            flash(MSG_STALE, "error")
        elif isinstance(exc, IntegrityError):
            # The constraint's name only: a driver's message may quote the values (PostgreSQL's "Key (..)=(..)").
            log.warning("integrity error in %s: %s", type(self).__name__, _constraint_of(exc))
            flash(MSG_INTEGRITY, "error")
        elif isinstance(exc, SQLAlchemyError):
            log.exception("database error in %s", type(self).__name__)
            flash(MSG_FAILED, "error")
        else:
            log.exception("unexpected error in %s", type(self).__name__)
            if current_app.config.get("RAISE_UNEXPECTED_VIEW_ERRORS"):
                raise exc  # the test suite must see bugs, not a polite message
            flash(MSG_FAILED, "error")
        # True: handled, Flask-Admin must not flash the raw exception text.
        return True


MSG_NO_VERSION = (
    "Formulir ini tidak membawa versi data yang Anda buka, sehingga tidak dapat dipastikan tidak menimpa perubahan "
    "orang lain. Perubahan TIDAK disimpan: buka ulang halaman ini, lalu ulangi perubahan Anda."
)


def version_matches(form, model) -> bool:
    """An edit is saved only against the row version it was opened on; a form without one is refused (it would
    overwrite silently). Flashes why when it does not match."""
    if "version" not in model.__table__.c:
        return True
    posted = getattr(form, "row_version", None)
    if posted is None or not (posted.data or "").strip():
        flash(MSG_NO_VERSION, "error")
        return False
    if posted.data.strip() != str(model.version):
        loaded = getattr(form, "row_loaded_at", None)
        flash(stale_edit_message(model, loaded.data if loaded is not None else None), "error")
        return False
    return True


def _never_raises(validate):
    """A filter value from the URL that a filter cannot read (e.g. an enum name Flask-Admin's enum filter does not
    know) is refused with the usual message, never a 500."""

    def checked(value):
        try:
            return validate(value)
        except Exception:  # noqa: BLE001 - any malformed value is just invalid
            return False

    return checked


def _fieldset_group(fieldset) -> tuple[str, tuple[str, ...]]:
    """(heading, field names) of a form's FieldSet rule, as declared (names or Field rules)."""
    heading = next((r.default_args.get("text", "") for r in fieldset.rules if isinstance(r, rules.Header)), "")
    names = tuple(r if isinstance(r, str) else getattr(r, "field_name", "") for r in fieldset.rules
                  if not isinstance(r, rules.Header))
    return str(heading), names


def changed_fields(model) -> dict:
    """Column and relationship changes of a row since it was loaded: name -> (old, new)."""
    from sqlalchemy import inspect

    state = inspect(model)
    changes = {}
    for attr in state.mapper.attrs:
        if attr.key in ("version", "updated_at", "created_at"):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted and len(history.deleted) == 1 else list(history.deleted)
            new = history.added[0] if history.added and len(history.added) == 1 else list(history.added)
            if hasattr(attr, "columns") or old or new:
                changes[attr.key] = (old if old != [] else None, new if new != [] else None)
    return changes


def case_id_of(model) -> int | None:
    if isinstance(model, Case):
        return model.id
    return getattr(model, "case_id", None)


def stale_edit_message(model, loaded_at: str | None) -> str:
    """Someone else saved this row after the user opened it: say who, when and which fields (from the trail)."""
    from admin_app.models import AuditEvent

    since = None
    try:
        since = dt.datetime.fromisoformat(loaded_at) if loaded_at else None
    except ValueError:
        since = None
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == model.__tablename__,
        AuditEvent.object_id == str(model.id),
        AuditEvent.action == "update",
    )
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    changes = db.session.execute(stmt.order_by(AuditEvent.id)).scalars().all()
    parts = []
    for event in changes:
        fields = ", ".join(sorted((event.detail or {}).get("fields", {}))) or "-"
        when = event.at.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M")
        parts.append(f"{event.username} pada {when} (kolom: {fields})")
    who = "; ".join(parts) if parts else "pengguna lain"
    return (
        f"Data ini telah diubah oleh {who} sejak Anda membukanya. Perubahan Anda TIDAK disimpan agar tidak "
        "menimpa perubahan tersebut. Buka ulang halaman ini, lalu ulangi perubahan Anda."
    )


def case_process():
    """The process engine for this request, with the deadline policy the administrator set."""
    if "case_process" not in g:
        g.case_process = CaseProcess(db.session, deadline_policy())
    return g.case_process


class CaseScopedView(SecureModelView):
    """A view over rows that belong to a case: only rows of cases the current user may see, for every URL.

    List, count, details, edit, delete, export, actions and ajax updates all fetch through `get_query` or
    `get_one`; both are scoped here, so no id in a URL reaches another officer's case.
    """

    allowed_roles = (RoleCode.PETUGAS, RoleCode.KEPALA, RoleCode.ADMINISTRASI)
    case_id_attr = "case_id"  # the model's attribute holding the case id; Case itself uses "id"

    def _case_column(self):
        return getattr(self.model, self.case_id_attr)

    def _scope(self, query):
        visible = visible_case_ids_clause(self._case_column(), current_user)
        return query if visible is None else query.filter(visible)

    def _with_options(self, query):  # what a subclass loads with its rows (lists and single rows alike)
        return query

    def _list_options(self, query):  # what a list (and an export) loads, when it differs from one row's
        return self._with_options(query)

    def case_from_args(self) -> Case:
        """The case named by `?case_id=` in the URL, if this user may see it; 404 otherwise (never a form field)."""
        try:
            case_id = int(request.args.get("case_id", ""))
        except ValueError:
            abort(404)
        case = visible_case(db.session, current_user, case_id)
        if case is None:
            abort(404)
        return case

    def get_query(self):
        return self._scope(self._list_options(super().get_query()))

    def get_count_query(self):
        return self._scope(super().get_count_query())

    def get_one(self, id):
        try:
            key = int(str(id))
        except (TypeError, ValueError):
            return None  # a malformed id is simply not found
        pk = self.model.__mapper__.primary_key[0]
        try:
            query = self._scope(self._with_options(super().get_query()))
            found = query.filter(pk == key).one_or_none()
        except SQLAlchemyError:
            db.session.rollback()
            return None
        table = self.model.__tablename__
        if found is None:
            if db.session.get(self.model, key) is not None:  # it exists, but not for this user
                audit("refused", object_type=table, object_id=key, outcome="refused", once_per_request=True,
                      detail={"url": request.path})
            return None
        if request.method == "GET":
            audit_now("view", object_type=table, object_id=key, case_id=case_id_of(found), once_per_request=True)
        return found

    @expose("/")
    def index_view(self):
        search = request.args.get("search")
        if search:
            audit("search", object_type=self.model.__tablename__, detail={"pencarian": describe_search(search)},
                  once_per_request=True)
        return super().index_view()

    @expose("/export/<export_type>/")
    def export(self, export_type):
        # Filters are kept (which list was exported); a search term only as its fingerprint.
        filters = {k: v for k, v in request.args.items() if k != "search"}
        detail = {"format": export_type, "saringan": dict(list(filters.items())[:20])}
        if request.args.get("search"):
            detail["pencarian"] = describe_search(request.args["search"])
        audit_now("export", object_type=self.model.__tablename__, detail=detail)
        return super().export(export_type)


class OfficerFormsMixin:
    """Screens whose records officers fill: create and edit offered to petugas; the engine decides per case."""

    @property
    def can_create(self):
        return current_user.is_authenticated and current_user.has_role(RoleCode.PETUGAS)

    @property
    def can_edit(self):
        return current_user.is_authenticated and current_user.has_role(RoleCode.PETUGAS)


class LocalDateTimeField(DateTimeLocalField):
    """A date-time typed in office time and stored as timezone-aware UTC."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=unit_zone()).astimezone(dt.timezone.utc)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return self.data.astimezone(unit_zone()).strftime(self.format[0])


def _constraint_of(exc: IntegrityError) -> str:
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return f"constraint {name}"
    text = str(exc.orig).split("\n", 1)[0]
    return text if text.startswith(("UNIQUE constraint failed", "NOT NULL constraint failed", "FOREIGN KEY", "CHECK")) \
        else type(exc.orig).__name__
