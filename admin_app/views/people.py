"""Victims, reporters and perpetrators of a case: identity fields validated (NIK, No. KK, phone, RT/RW, dates),
opened from the case (`?case_id=`), editable by the officer at step 1 or the team at step 3."""

from __future__ import annotations

import re

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.form import rules
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from admin_app.extensions import db
from admin_app.models import (
    DisabilityKind,
    Education,
    MaritalStatus,
    Nationality,
    Occupation,
    Perpetrator,
    PerpetratorRelation,
    Region,
    RegionLevel,
    Religion,
    Reporter,
    Sex,
    Victim,
    utcnow,
)
from admin_app.models.encryption import mask, nik_index
from admin_app.search import search_words, searched, victim_name_matches
from admin_app.sop.errors import ProcessError
from admin_app.sop.validation import (
    FieldInvalid,
    check_incident_after_birth,
    check_not_future,
    clean_family_card_number,
    clean_nik,
    clean_phone,
    clean_rt_rw,
    nik_warnings,
)
from admin_app.views.base import CaseScopedView, OfficerFormsMixin, case_process, local_path, unit_zone

CATEGORY = "Dokumen Lapangan"


def _cleaner(clean):
    """A WTForms validator from a `sop.validation` cleaner: the cleaned value replaces what was typed."""

    def validator(form, field):
        try:
            field.data = clean(field.data)
        except FieldInvalid as exc:
            raise ValidationError(str(exc)) from None

    return validator


def _active(model):
    return lambda: db.session.execute(select(model).where(model.active.is_(True)).order_by(model.sort_order)).scalars().all()


def _kelurahan():
    return db.session.execute(
        select(Region).where(Region.level == RegionLevel.KELURAHAN, Region.active.is_(True)).order_by(Region.name)
    ).scalars().all()


def _enum_select(enum_cls, labels):
    return {
        "choices": [("", "- pilih -")] + [(m.value, labels[m]) for m in enum_cls],
        "coerce": lambda v: enum_cls(v) if v else None,
    }


PERSON_LABELS = {
    "full_name": "Nama lengkap",
    "alias": "Nama panggilan/alias",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "age_estimate": "Perkiraan umur (tahun, bila tanggal lahir tidak diketahui)",
    "nik": "NIK",
    "family_card_number": "Nomor KK",
    "phone": "Nomor telepon",
    "nationality": "Kewarganegaraan",
    "address": "Alamat (jalan, nomor rumah)",
    "rt": "RT",
    "rw": "RW",
    "region": "Kelurahan (Kota Tangerang)",
    "address_outside_city": "Alamat di luar Kota Tangerang (kelurahan, kecamatan, kota/kabupaten)",
    "religion": "Agama",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
    "marital_status": "Status perkawinan",
    "has_disability": "Penyandang disabilitas",
    "disability_kind": "Jenis disabilitas",
    "disability_notes": "Penyesuaian layanan yang dibutuhkan",
    "is_pregnant": "Sedang hamil",
    "relation_to_victim": "Hubungan dengan korban",
    "institution": "Lembaga (bila pelapor dari instansi)",
    "is_victim": "Pelapor adalah korban sendiri",
    "relation": "Hubungan dengan korban",
    "lives_with_victim": "Tinggal serumah dengan korban",
    "case": "Kasus",
}

PERSON_ARGS = {
    "full_name": {"filters": [lambda v: v.strip() if isinstance(v, str) else v]},
    "nik": {"validators": [_cleaner(clean_nik)], "description": "16 digit; boleh dikosongkan bila tidak ada."},
    "family_card_number": {"validators": [_cleaner(clean_family_card_number)]},
    "phone": {"validators": [_cleaner(clean_phone)], "description": "Contoh: 0812-3456-7890; disimpan sebagai +62..."},
    "rt": {"validators": [_cleaner(clean_rt_rw)]},
    "rw": {"validators": [_cleaner(clean_rt_rw)]},
    "sex": _enum_select(Sex, {Sex.LAKI_LAKI: "Laki-laki", Sex.PEREMPUAN: "Perempuan"}),
    "nationality": {"choices": [(n.value, n.value) for n in Nationality], "coerce": Nationality},
    "region": {"query_factory": _kelurahan, "blank_text": "- di luar Kota Tangerang / tidak diketahui -"},
    "religion": {"query_factory": _active(Religion), "blank_text": "- pilih -"},
    "education": {"query_factory": _active(Education), "blank_text": "- pilih -"},
    "occupation": {"query_factory": _active(Occupation), "blank_text": "- pilih -"},
    "marital_status": {"query_factory": _active(MaritalStatus), "blank_text": "- pilih -"},
}

IDENTITY = ("full_name", "alias", "sex", "birth_place", "birth_date", "age_estimate", "nik", "family_card_number", "nationality")
ADDRESS = ("address", "rt", "rw", "region", "address_outside_city", "phone")
SOCIAL = ("religion", "education", "occupation", "marital_status")


class PersonView(OfficerFormsMixin, CaseScopedView):
    can_delete = False
    create_template = "admin/document_form.html"
    edit_template = "admin/document_form.html"
    column_list = ("case", "full_name", "sex", "birth_date")
    column_labels = PERSON_LABELS
    # The encrypted columns hold ciphertext in the database; in the form they are plain text inputs.
    form_overrides = {
        "sex": SelectField,
        "nationality": SelectField,
        "nik": StringField,
        "family_card_number": StringField,
        "phone": StringField,
    }
    form_args = PERSON_ARGS
    column_details_exclude_list = ("version", "created_at", "updated_at", "nik_hash")
    column_searchable_list = ("full_name",)
    # Identifiers are shown masked everywhere outside the edit form of the team (the list, the details page).
    column_formatters = {
        "nik": lambda v, c, m, n: mask(m.nik),
        "family_card_number": lambda v, c, m, n: mask(m.family_card_number),
        "phone": lambda v, c, m, n: mask(m.phone),
    }

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # A full NIK is searched exactly through its keyed hash (the NIK itself is encrypted).
        digits = re.sub(r"[\s.\-]", "", search or "")
        if re.fullmatch(r"\d{16}", digits):
            return searched(self.model.nik_hash == nik_index(digits), query, count_query, joins, count_joins)
        if self.model is Victim and search_words(search):
            # part of a name through the name index (admin_app/search.py), not LIKE over every victim
            wanted = victim_name_matches((search or "")[: self.max_search_length],
                                         db.session.get_bind().dialect.name)
            return searched(wanted, query, count_query, joins, count_joins)
        return super()._apply_search(query, count_query, joins, count_joins, search)

    def _ensure_editable(self, case):
        case_process().ensure_people_editable(current_user._get_current_object(), case)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        case = self.case_from_args()
        try:
            self._ensure_editable(case)
        except ProcessError as exc:
            flash(str(exc), "error")
            return redirect(url_for("cases.details_view", id=case.id))
        return super().create_view()

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        case = model.case if model is not None else (self.case_from_args() if request.args.get("case_id") else None)
        kwargs.setdefault("doc_title", self.name)
        kwargs.setdefault("doc_case", case)
        back = local_path(request.args.get("url"))
        kwargs.setdefault("case_url", back or (url_for("cases.details_view", id=case.id) if case else None))
        return super().render(template, **kwargs)

    def get_save_return_url(self, model, is_created=False):
        return local_path(request.args.get("url")) or url_for("cases.details_view", id=model.case_id)

    def on_model_change(self, form, model, is_created):
        # Flask-Admin has already added the new row to the session: no flush before its case is set.
        with db.session.no_autoflush:
            self._apply_model_change(form, model, is_created)

    def _apply_model_change(self, form, model, is_created):
        if is_created:
            case = self.case_from_args()
            model.case_id = case.id
            model.case = case
        try:
            self._ensure_editable(model.case)
        except ProcessError as exc:
            raise ValidationError(str(exc)) from None
        today = utcnow().astimezone(unit_zone()).date()
        try:
            check_not_future(model.birth_date, today, "Tanggal lahir")
            check_incident_after_birth(model.case.incident_date, model.birth_date)
        except FieldInvalid as exc:
            raise ValidationError(str(exc)) from None
        if model.age_estimate is not None and not 0 <= model.age_estimate <= 120:
            raise ValidationError("Perkiraan umur harus antara 0 dan 120 tahun.")
        if model.region is not None and model.address_outside_city:
            raise ValidationError("Isi kelurahan Kota Tangerang atau alamat di luar kota, tidak keduanya.")

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        for warning in nik_warnings(model.nik, model.birth_date, model.sex.value if model.sex else None):
            flash("Periksa kembali: " + warning, "warning")
        if model.nik_hash:
            # Duplicate detection without revealing other cases (need to know): only a count, ask the head.
            others = db.session.execute(
                select(func.count(func.distinct(self.model.case_id))).where(
                    self.model.nik_hash == model.nik_hash, self.model.case_id != model.case_id
                )
            ).scalar_one()
            if others:
                flash(f"NIK ini juga tercatat pada {others} kasus lain. Koordinasikan dengan Kepala UPTD PPA.", "warning")


class VictimView(PersonView):
    form_columns = IDENTITY + ADDRESS + SOCIAL + ("has_disability", "disability_kind", "disability_notes", "is_pregnant")
    form_args = dict(PERSON_ARGS, disability_kind={"query_factory": _active(DisabilityKind), "blank_text": "- pilih -"})
    form_rules = [
        rules.FieldSet(IDENTITY, "Identitas korban"),
        rules.FieldSet(ADDRESS, "Alamat dan kontak"),
        rules.FieldSet(SOCIAL, "Data sosial"),
        rules.FieldSet(("has_disability", "disability_kind", "disability_notes", "is_pregnant"), "Kebutuhan khusus"),
    ]


class ReporterView(PersonView):
    form_columns = ("is_victim", "full_name", "relation_to_victim", "institution", "sex", "phone", "nik") + ADDRESS[:-1]
    form_rules = [
        rules.FieldSet(("is_victim", "full_name", "relation_to_victim", "institution", "sex", "phone", "nik"), "Pelapor"),
        rules.FieldSet(ADDRESS[:-1], "Alamat"),
    ]


class PerpetratorView(PersonView):
    form_columns = IDENTITY + ("relation", "lives_with_victim") + ADDRESS + SOCIAL
    form_args = dict(PERSON_ARGS, relation={"query_factory": _active(PerpetratorRelation), "blank_text": "- pilih -"})
    form_rules = [
        rules.FieldSet(IDENTITY, "Identitas terlapor"),
        rules.FieldSet(("relation", "lives_with_victim"), "Hubungan dengan korban"),
        rules.FieldSet(ADDRESS, "Alamat dan kontak"),
        rules.FieldSet(SOCIAL, "Data sosial"),
    ]


def register(admin, database) -> None:
    admin.add_view(VictimView(Victim, database, name="Korban", category=CATEGORY, endpoint="victims"))
    admin.add_view(ReporterView(Reporter, database, name="Pelapor", category=CATEGORY, endpoint="reporters"))
    admin.add_view(PerpetratorView(Perpetrator, database, name="Terlapor", category=CATEGORY, endpoint="perpetrators"))
