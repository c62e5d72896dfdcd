"""The system administrator's screens: users and their staff data, roles, and every reference list.

None of these shows victim data; the sysadmin role reaches no case screen.
"""

from __future__ import annotations

import re

from flask import current_app, flash, g, request
from flask_admin.actions import action
from flask_admin.form import rules
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from wtforms import PasswordField, SelectField
from wtforms.validators import Optional, ValidationError

from admin_app.documents.formatting import format_nip
from admin_app.extensions import db
from admin_app.models import (
    REFERENCE_LISTS,
    HolidayOverride,
    LetterType,
    Region,
    RiskIndicator,
    Role,
    RoleCode,
    RoleGrant,
    Setting,
    User,
    utcnow,
)
from admin_app.models.users import GRANT_STATUS_LABELS, RecoveryCode
from admin_app.security.grants import GrantRefused, decide, request_roles
from admin_app.security.passwords import hash_password, password_problem
from admin_app.settings import SettingError, choices_of, validate_setting, value_label
from admin_app.sop.numbering import NumberPatternError, validate_pattern
from admin_app.views.auditing import audit
from admin_app.views.base import SecureModelView, unit_zone

SYSADMIN = (RoleCode.SYSADMIN,)
CATEGORY_USERS = "Akun"
CATEGORY_REFERENCE = "Data Referensi"


def _nip_validator(form, field):
    if field.data:
        digits = re.sub(r"\s+", "", field.data)
        if not re.fullmatch(r"\d{18}", digits):
            raise ValidationError("NIP harus 18 digit angka (spasi boleh, mis. 19860926 201505 1 001).")
        field.data = digits


def _new_password_validator(form, field):
    # The one password policy (security/passwords.py): length 12..128, no common or guessable passwords.
    if field.data:
        problem = password_problem(field.data, username=getattr(form, "username", None) and form.username.data)
        if problem:
            raise ValidationError(problem)


def _username_validator(form, field):
    if field.data and not re.fullmatch(r"[a-z0-9._-]{3,64}", field.data):
        raise ValidationError("Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau strip.")


class UserView(SecureModelView):
    allowed_roles = SYSADMIN
    can_delete = False  # accounts are deactivated, never deleted: the audit trail and letters refer to them
    column_list = (
        "username", "full_name", "nip", "position", "roles", "is_active_account", "totp_enabled_at", "locked_until",
        "last_login_at",
    )
    column_searchable_list = ("username", "full_name", "nip")
    column_filters = ("is_active_account", "roles.name")
    column_default_sort = "username"
    column_labels = {
        "username": "Nama pengguna",
        "full_name": "Nama lengkap (dengan gelar)",
        "nip": "NIP",
        "rank": "Pangkat/Golongan",
        "position": "Jabatan",
        "phone": "Telepon",
        "email": "Surel",
        "notify_email": "Pemberitahuan lewat surel",
        "notify_whatsapp": "Pemberitahuan lewat WhatsApp",
        "roles": "Peran",
        "is_active_account": "Aktif",
        "last_login_at": "Masuk terakhir",
        "must_change_password": "Wajib ganti kata sandi",
        "totp_enabled_at": "Verifikasi 2 langkah",
        "locked_until": "Dikunci sampai",
        "failed_login_count": "Gagal masuk berturut-turut",
        "password_changed_at": "Kata sandi diganti",  # a label, not a password # nosec B105
        "new_password": "Kata sandi baru",
        "roles.name": "Peran",
    }
    column_descriptions = {
        "nip": "18 digit; kosongkan untuk tenaga kontrak (non-PNS).",
        "full_name": "Ditulis seperti pada tanda tangan surat, mis. \"Dra. Siti Aminah, M.Si.\"",
        "new_password": (  # a description, not a password # nosec B105
            "Isi untuk menetapkan kata sandi sementara (sekali pakai): pengguna wajib menggantinya saat masuk. "
            "Minimal 12 karakter; kata sandi umum ditolak. Kosongkan untuk tidak mengubah."
        ),
    }
    column_details_exclude_list = ("password_hash", "session_version", "totp_secret", "totp_last_counter")
    column_formatters = {
        "nip": lambda v, c, m, n: format_nip(m.nip),  # as it is read and printed: 19860926 201505 1 001
        "last_login_at": lambda v, c, m, n: m.last_login_at.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M") if m.last_login_at else "-",
        "totp_enabled_at": lambda v, c, m, n: "Aktif" if m.two_factor_enabled else "-",
        "locked_until": lambda v, c, m, n: (
            m.locked_until.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M") if m.is_locked(utcnow()) else "-"
        ),
        "password_changed_at": lambda v, c, m, n: (
            m.password_changed_at.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M") if m.password_changed_at else "-"
        ),
    }
    form_columns = (
        "username",
        "new_password",
        "full_name",
        "nip",
        "rank",
        "position",
        "phone",
        "email",
        "roles",
        "is_active_account",
        "must_change_password",
    )
    form_extra_fields = {
        "new_password": PasswordField("Kata sandi baru", validators=[Optional(), _new_password_validator]),
    }
    form_args = {
        "username": {"validators": [_username_validator]},
        "nip": {"validators": [_nip_validator], "filters": [lambda v: v or None]},
    }
    form_rules = [
        rules.FieldSet(("username", "new_password", "is_active_account", "must_change_password"), "Akun"),
        rules.FieldSet(("full_name", "nip", "rank", "position", "phone", "email"), "Data kepegawaian (untuk surat)"),
        rules.FieldSet(("roles",), "Peran"),
    ]

    @action("end_sessions", "Akhiri semua sesi", "Akhiri semua sesi pengguna terpilih? Mereka harus masuk kembali.")
    def action_end_sessions(self, ids):
        # Ids arrive as text; PostgreSQL will not compare them with an integer key.
        wanted = [int(i) for i in ids if str(i).isdigit()]
        users = self.get_query().filter(User.id.in_(wanted)).all()
        for user in users:
            user.session_version = (user.session_version or 0) + 1
        db.session.commit()
        for user in users:
            audit("user_change", object_type="users", object_id=user.id, detail={"tindakan": "akhiri semua sesi"})
        flash(f"Sesi {len(users)} pengguna diakhiri.", "success")

    @action("unlock", "Buka kunci akun", "Buka kunci akun terpilih yang dikunci karena terlalu banyak percobaan gagal?")
    def action_unlock(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        users = self.get_query().filter(User.id.in_(wanted)).all()
        for user in users:
            user.failed_login_count = 0
            user.locked_until = None
        db.session.commit()
        for user in users:
            audit("user_change", object_type="users", object_id=user.id, detail={"tindakan": "buka kunci akun"})
        flash(f"Kunci {len(users)} akun dibuka.", "success")

    @action(
        "reset_2fa",
        "Hapus verifikasi dua langkah",
        "Hapus verifikasi dua langkah pengguna terpilih (mis. ponsel hilang)? Mereka harus mendaftar ulang; "
        "peran yang wajib 2FA diminta mendaftar saat masuk berikutnya.",
    )
    def action_reset_2fa(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        users = self.get_query().filter(User.id.in_(wanted)).all()
        for user in users:
            user.totp_secret = None
            user.totp_enabled_at = None
            user.totp_last_counter = None
            user.session_version = (user.session_version or 0) + 1  # whoever holds a session re-authenticates
            db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete(synchronize_session=False)
        db.session.commit()
        for user in users:
            audit("2fa_disabled", object_type="users", object_id=user.id,
                  detail={"tindakan": "verifikasi dua langkah dihapus oleh administrator sistem"})
        flash(f"Verifikasi dua langkah {len(users)} pengguna dihapus.", "success")

    def on_model_change(self, form, model, is_created):
        self._apply_role_rules(model, is_created)
        if form.new_password.data:
            model.password_hash = hash_password(
                form.new_password.data, fast=current_app.config.get("PASSWORD_HASH_FAST", False)
            )
            model.session_version = (model.session_version or 0) + 1
            # A password the sysadmin knows is a one-time password: the user must replace it at first login.
            model.must_change_password = True
            model.password_changed_at = utcnow()
            model.failed_login_count = 0
            model.locked_until = None
            g.one_time_password_set = True
        elif is_created:
            raise ValidationError("Akun baru memerlukan kata sandi awal.")
        if not model.is_active_account and not is_created:
            # Deactivation ends every session of that user at once.
            model.session_version = (model.session_version or 0) + 1

    def _apply_role_rules(self, model, is_created):
        """Separation of duties (security/grants.py): a role reading case data becomes a pending grant."""
        state = sa_inspect(model)
        history = state.attrs.roles.history
        old_roles = [] if is_created else [*history.unchanged, *history.deleted]
        active = state.attrs.is_active_account.history
        was_active = active.deleted[0] if active.deleted else None
        try:
            g.role_grants = request_roles(db.session, current_user._get_current_object(), model, list(model.roles),
                                          was_active=was_active, old_roles=old_roles)
        except GrantRefused as exc:
            raise ValidationError(str(exc)) from None

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        for grant in g.pop("role_grants", []):
            audit("role_requested", object_type="role_grants", object_id=grant.id,
                  detail={"peran": grant.role.code, "pengguna": model.username})
            flash(f"Peran {grant.role.name} untuk {model.full_name} menunggu persetujuan Kepala UPTD PPA (selain "
                  "yang mengajukan); sebelum disetujui peran itu belum berlaku.", "info")
        if g.pop("one_time_password_set", False):
            audit("password_changed", object_type="users", object_id=model.id,
                  detail={"tindakan": "kata sandi sementara (sekali pakai) ditetapkan administrator sistem"})


class RoleGrantView(SecureModelView):
    """Pending role grants: a head (not the one who asked, not the account itself) approves or refuses them."""

    allowed_roles = (RoleCode.KEPALA, RoleCode.SYSADMIN)
    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("user", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    column_default_sort = ("id", True)
    column_labels = {"user": "Pengguna", "role": "Peran", "status": "Status", "requested_by": "Diajukan oleh",
                     "requested_at": "Diajukan", "decided_by": "Diputuskan oleh", "decided_at": "Diputuskan"}
    column_formatters = {
        "status": lambda v, c, m, n: GRANT_STATUS_LABELS[m.status],
        "requested_at": lambda v, c, m, n: _local(m.requested_at),
        "decided_at": lambda v, c, m, n: _local(m.decided_at),
    }

    def is_action_allowed(self, name):
        return current_user.has_role(RoleCode.KEPALA) and super().is_action_allowed(name)

    def _decide(self, ids, approve: bool):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        grants = self.get_query().filter(RoleGrant.id.in_(wanted)).all()
        approver = current_user._get_current_object()
        done, problems = [], []
        for grant in grants:
            try:
                with db.session.begin_nested():
                    decide(db.session, approver, grant, approve)
                done.append(grant)
            except GrantRefused as exc:
                problems.append(f"{grant.user.full_name} ({grant.role.name}): {exc}")
        db.session.commit()
        for grant in done:
            audit("role_decided", object_type="role_grants", object_id=grant.id,
                  detail={"peran": grant.role.code, "pengguna": grant.user.username, "keputusan": grant.status.value})
        if done:
            flash(f"{len(done)} permohonan peran {'disetujui' if approve else 'ditolak'}.", "success")
        for problem in problems:
            flash(problem, "error")

    @action("approve", "Setujui", "Setujui permohonan peran terpilih? Peran itu langsung berlaku.")
    def action_approve(self, ids):
        self._decide(ids, True)

    @action("refuse", "Tolak", "Tolak permohonan peran terpilih?")
    def action_refuse(self, ids):
        self._decide(ids, False)


def _local(moment):
    return moment.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M") if moment else "-"


class RoleView(SecureModelView):
    """The four roles are fixed by the SOP: names and descriptions may be edited, codes may not (not shown)."""

    allowed_roles = SYSADMIN
    can_create = False
    can_delete = False
    column_list = ("name", "description")
    column_details_list = ("name", "description")
    form_columns = ("name", "description")
    column_labels = {"name": "Nama", "description": "Keterangan"}


class CodeFromLabelMixin:
    """Staff name a value; its internal code (what the program and the seeds refer to) is made from the label on
    creation and never changes, so no code is ever typed or shown."""

    def on_model_change(self, form, model, is_created):
        if is_created and not model.code:
            base = re.sub(r"[^a-z0-9]+", "_", (model.label or "").lower()).strip("_")[:34] or "nilai"
            code, n = base, 1
            while db.session.execute(select(type(model).id).where(type(model).code == code)).first():
                n += 1
                code = f"{base}_{n}"
            model.code = code
        super().on_model_change(form, model, is_created)


class ReferenceListView(CodeFromLabelMixin, SecureModelView):
    allowed_roles = SYSADMIN
    category = CATEGORY_REFERENCE
    can_delete = False  # values in use by cases are deactivated instead
    column_list = ("label", "sort_order", "active")
    column_details_list = ("label", "description", "sort_order", "active", "updated_at")
    column_searchable_list = ("label",)
    column_filters = ("active",)
    column_default_sort = ("sort_order", False)
    form_columns = ("label", "sort_order", "active", "description")
    column_labels = {
        "label": "Nama (sesuai Simfoni PPA)",
        "sort_order": "Urutan",
        "active": "Aktif",
        "description": "Keterangan",
    }


class RegionView(SecureModelView):
    allowed_roles = SYSADMIN
    can_delete = False
    column_list = ("code", "name", "level", "parent", "active")
    column_searchable_list = ("code", "name")
    column_filters = ("level", "active")
    column_default_sort = "code"
    form_columns = ("code", "name", "level", "parent", "active")
    column_labels = {"code": "Kode Kemendagri", "name": "Nama", "level": "Tingkat", "parent": "Induk", "active": "Aktif"}


class RiskIndicatorView(CodeFromLabelMixin, SecureModelView):
    allowed_roles = SYSADMIN
    can_delete = False
    column_list = ("label", "weight", "forces_high", "sort_order", "active")
    column_details_list = ("label", "weight", "forces_high", "description", "sort_order", "active", "updated_at")
    column_default_sort = ("sort_order", False)
    form_columns = ("label", "weight", "forces_high", "description", "sort_order", "active")
    column_labels = {
        "label": "Indikator",
        "weight": "Bobot",
        "forces_high": "Langsung risiko tinggi",
        "description": "Keterangan",
        "sort_order": "Urutan",
        "active": "Aktif",
    }
    column_descriptions = {
        "weight": "0-100; dijumlahkan bila indikator ada.",
        "forces_high": "Jika indikator ini ada, tingkat risiko langsung tinggi (mis. nyawa terancam).",
    }


class LetterTypeView(SecureModelView):
    """The letter types are those the SOP issues (a new one comes with its program code): their names, archive
    classification and number patterns are the unit's to set."""

    allowed_roles = SYSADMIN
    can_create = False
    can_delete = False
    column_list = ("name", "classification", "number_pattern", "active")
    column_details_list = ("name", "classification", "number_pattern", "active", "updated_at")
    form_columns = ("name", "classification", "number_pattern", "active")
    column_labels = {
        "name": "Jenis surat",
        "classification": "Kode klasifikasi arsip",
        "number_pattern": "Pola nomor",
        "active": "Aktif",
    }
    column_formatters = {"number_pattern": lambda v, c, m, n: Markup(f"<code>{escape(m.number_pattern)}</code>")}
    column_descriptions = {
        # Plain text: the list shows it as a tooltip, where markup would be read out as tags.
        "number_pattern": (
            "Penanda yang tersedia: {klasifikasi}, {urut} (atau {urut:03d}), {bulan}, {bulan_romawi}, {tahun}. "
            "Contoh: {klasifikasi}/{urut:03d}/UPTD-PPA/{bulan_romawi}/{tahun}"
        ),
    }

    def on_model_change(self, form, model, is_created):
        try:
            validate_pattern(model.number_pattern)
        except NumberPatternError as exc:
            raise ValidationError(str(exc)) from None
        # Two types with the same classification and pattern would give two letters the same number.
        clash = db.session.execute(
            select(LetterType.name).where(
                LetterType.id != model.id,
                LetterType.classification == model.classification,
                LetterType.number_pattern == model.number_pattern,
            )
        ).scalar()
        if clash:
            raise ValidationError(
                f"Kode klasifikasi dan pola nomor sama dengan jenis surat \"{clash}\": nomor surat bisa kembar. "
                "Bedakan polanya, misalnya dengan kode jenis surat."
            )


class HolidayOverrideView(SecureModelView):
    allowed_roles = SYSADMIN
    column_list = ("date", "is_holiday", "description")
    column_default_sort = ("date", True)
    form_columns = ("date", "is_holiday", "description")
    column_labels = {"date": "Tanggal", "is_holiday": "Hari libur", "description": "Keterangan"}
    column_descriptions = {
        "is_holiday": (
            "Centang untuk menambah hari libur/cuti bersama; kosongkan untuk menjadikan tanggal itu hari kerja "
            "(mis. cuti bersama yang dibatalkan)."
        ),
    }


class SettingView(SecureModelView):
    """Settings by what they mean (their description), values by their label; the internal key stays hidden."""

    allowed_roles = SYSADMIN
    can_create = False
    can_delete = False
    column_list = ("description", "value")
    column_details_list = ("description", "value", "updated_at")
    form_columns = ("value",)
    column_labels = {"value": "Nilai", "description": "Pengaturan"}
    column_formatters = {"value": lambda v, c, m, n: value_label(m.key, m.value)}
    column_default_sort = "key"

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        choices = choices_of(obj.key) if obj is not None else None
        if choices:
            # One of a list: offered as a list, by label.
            field = SelectField("Nilai", choices=choices, default=obj.value)
            form._fields["value"] = field.bind(form=form, name="value", prefix=form._prefix,
                                               translations=form.meta.get_translations(form))
            form._fields["value"].process(request.form if request.method == "POST" else None, obj.value)
            form.value = form._fields["value"]
        return form

    def on_model_change(self, form, model, is_created):
        try:
            model.value = validate_setting(model.key, model.value)
        except SettingError as exc:
            raise ValidationError(str(exc)) from None


def register(admin, session) -> None:
    admin.add_view(UserView(User, session, name="Pengguna", category=CATEGORY_USERS, endpoint="users"))
    admin.add_view(RoleView(Role, session, name="Peran", category=CATEGORY_USERS, endpoint="roles"))
    admin.add_view(RoleGrantView(RoleGrant, session, name="Persetujuan Peran", category=CATEGORY_USERS,
                                 endpoint="role_grants"))
    for model in REFERENCE_LISTS:
        admin.add_view(
            ReferenceListView(
                model, session, name=model.list_label, category=CATEGORY_REFERENCE, endpoint=f"ref_{model.__mapper__.polymorphic_identity}"
            )
        )
    admin.add_view(RegionView(Region, session, name="Wilayah", category=CATEGORY_REFERENCE, endpoint="regions"))
    admin.add_view(
        RiskIndicatorView(RiskIndicator, session, name="Indikator Risiko", category=CATEGORY_REFERENCE, endpoint="risk_indicators")
    )
    admin.add_view(LetterTypeView(LetterType, session, name="Jenis Surat", category=CATEGORY_REFERENCE, endpoint="letter_types"))
    admin.add_view(
        HolidayOverrideView(HolidayOverride, session, name="Hari Libur Tambahan", category=CATEGORY_REFERENCE, endpoint="holidays")
    )
    admin.add_view(SettingView(Setting, session, name="Pengaturan", category=CATEGORY_REFERENCE, endpoint="settings"))
