"""The risk assessment form of step 3: one box per active indicator with its weight, the running score and level
as boxes are ticked (jangkau.js, the same rule as sop/risk.py), and the level an officer may raise but lower only
with a reason."""

from __future__ import annotations

from flask import flash, has_app_context
from flask_admin.helpers import get_form_data
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import BooleanField, SelectField
from wtforms.validators import ValidationError

from admin_app.extensions import db
from admin_app.models import (
    RiskAnswer,
    RiskIndicator,
    RiskLevel,
)
from admin_app.sop import completeness
from admin_app.sop.policy import load_risk_thresholds
from admin_app.sop.risk import IndicatorAnswer, computed_level, level_change_problem, risk_score
from admin_app.views.field_document_base import (
    FieldDocumentView,
)


class RiskAssessmentView(FieldDocumentView):
    """The checklist is built from the active indicators each time: the administrator may change them."""

    doc_code = "risk_assessment"
    per_victim = True
    column_list = ("case", "victim", "score", "final_level", "status")
    form_columns = ("final_level", "level_change_reason", "notes", "mark_complete")
    form_overrides = {"final_level": SelectField}
    form_args = {
        "final_level": {
            "choices": [("", "- sesuai hasil perhitungan -")] + [(lv.value, lv.value.capitalize()) for lv in RiskLevel],
            "coerce": lambda v: RiskLevel(v) if v else None,
        }
    }
    column_labels = dict(
        FieldDocumentView.column_labels,
        score="Skor",
        computed_level="Tingkat risiko hasil perhitungan",
        final_level="Tingkat risiko",
        answers="Indikator yang ada",
        level_change_reason="Alasan mengubah tingkat risiko",
        notes="Catatan",
    )
    column_descriptions = {
        "final_level": "Tingkat dihitung dari bobot indikator. Petugas boleh menaikkan; menurunkan wajib disertai alasan.",
    }
    column_details_list = ("case", "victim", "answers", "score", "computed_level", "final_level", "level_change_reason",
                           "notes", "status", "filled_by", "completed_at", "updated_at")
    column_formatters_detail = {"answers": lambda v, c, m, n: _present_indicators(m)}

    def _indicators(self):
        if not has_app_context():
            return []  # Flask-Admin builds a form at start-up; the real checklist is built per request
        return db.session.execute(
            select(RiskIndicator).where(RiskIndicator.active.is_(True)).order_by(RiskIndicator.sort_order)
        ).scalars().all()

    def _with_indicators(self, form_class):
        fields = {
            f"ind_{i.id}": BooleanField(
                f"{i.label} (bobot {i.weight}{', langsung tinggi' if i.forces_high else ''})",
                render_kw={"data-weight": i.weight, "data-forces-high": "1" if i.forces_high else "0"},
            )
            for i in self._indicators()
        }
        return type("RiskForm", (form_class,), fields)

    def render(self, template, **kwargs):
        if template in (self.create_template, self.edit_template):
            kwargs["risk_thresholds"] = load_risk_thresholds(db.session)
        return super().render(template, **kwargs)

    def get_create_form(self):
        return self._with_indicators(super().get_create_form())

    def get_edit_form(self):
        return self._with_indicators(super().get_edit_form())

    # The indicator list can change at any time, so the form class is built per request (not cached on the
    # shared view object), with the checklist first, as on the paper form.
    def create_form(self, obj=None):
        return self._checklist_first(self.get_create_form()(get_form_data(), obj=obj))

    def edit_form(self, obj=None):
        return self._checklist_first(self.get_edit_form()(get_form_data(), obj=obj))

    @staticmethod
    def _checklist_first(form):
        ordered = sorted(form._fields.items(), key=lambda item: (not item[0].startswith("ind_"),))
        form._fields = dict(ordered)
        return form

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        model = self.get_one(id)
        if model is None:
            return
        present = {a.indicator_id for a in model.answers if a.present}
        for name, field in form._fields.items():
            if name.startswith("ind_"):
                field.data = int(name[4:]) in present

    def validate_document(self, form, model):
        indicators = self._indicators()
        answers = {a.indicator_id: a for a in model.answers}
        checklist = []
        for indicator in indicators:
            present = bool(getattr(form, f"ind_{indicator.id}").data)
            answer = answers.get(indicator.id)
            if answer is None:
                answer = RiskAnswer(indicator_id=indicator.id)
                model.answers.append(answer)
            answer.present = present
            answer.weight = indicator.weight
            checklist.append(IndicatorAnswer(indicator.weight, indicator.forces_high, present))
        model.score = risk_score(checklist)
        model.computed_level = computed_level(checklist, load_risk_thresholds(db.session))
        if model.final_level is None:
            model.final_level = model.computed_level
        problem = level_change_problem(model.computed_level, model.final_level, model.level_change_reason)
        if problem:
            raise ValidationError(problem)

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        if model.final_level == RiskLevel.TINGGI:
            # The head is told (once per assessment; sop/notifications.py decides who and what).
            from flask_login import current_user

            from admin_app.views.base import case_process

            case_process().notifier.high_risk(model.case, current_user._get_current_object(), model.id)
            db.session.commit()
            flash(
                "RISIKO TINGGI: layanan darurat lebih dahulu (penyelamatan, kepolisian, kesehatan) sebelum asesmen "
                "selesai. Segera laporkan kepada Kepala UPTD PPA untuk rujukan layanan kedaruratan.",
                "error",
            )

    def missing(self, model):
        active = {i.id for i in self._indicators()}
        return completeness.risk_assessment_missing(model, active)


def _present_indicators(assessment) -> Markup:
    present = [a for a in assessment.answers if a.present]
    if not present:
        return Markup("Tidak ada indikator yang ada")
    items = "".join(f"<li>{escape(a.indicator.label)} (bobot {a.weight})</li>" for a in present)
    return Markup(f'<ul class="mb-0 pl-3" id="risk-answers">{items}</ul>')
