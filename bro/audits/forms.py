"""Forms of the audits area. Rating fields are built per standard version (one radio group per step)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField, DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from bro.models.curricula import StandardVersion
from bro.submissions import OneTimeSubmission
from bro.validators import no_invisible_characters

RATING_LABELS = {
    "met": _l("Met"),
    "partial": _l("Partial"),
    "not_met": _l("Not met"),
    "na": _l("N/A"),
}
CHANNEL_LABELS = {
    "phone": _l("Phone"),
    "email": _l("Email"),
    "chat": _l("Chat"),
    "in_person": _l("In person"),
    "meeting": _l("Meeting"),
}
RELATIONSHIP_LABELS = {"b2c": _l("B2C (consumer)"), "b2b": _l("B2B (business partner)"), "any": _l("Any")}
STATUS_LABELS = {
    "recorded": _l("Awaiting acknowledgement"),
    "acknowledged": _l("Acknowledged"),
    "disputed": _l("Disputed"),
    "dispute_upheld": _l("Dispute upheld"),
    "dispute_rejected": _l("Dispute rejected"),
    "reopened": _l("Reopened by an admin"),
}
# An event that moves the audit to a status reads as that status, except the first and corrections.
EVENT_LABELS = {**STATUS_LABELS, "recorded": _l("Recorded"), "corrected": _l("Corrected by the auditor")}
REVISION_KIND_LABELS = {
    "original": _l("Original"),
    "correction": _l("Correction by the auditor"),
    "dispute_upheld": _l("Dispute upheld"),
}


def rating_field_name(step_key: str) -> str:
    return f"rating-{step_key}"


def note_field_name(step_key: str) -> str:
    return f"note-{step_key}"


def with_rating_fields(base: type[FlaskForm], version: StandardVersion) -> type[FlaskForm]:
    """A subclass of ``base`` with a rating radio group (no `partial` on critical steps) and a note per step."""

    class RatedForm(base):
        pass

    for step in version.steps:
        choices = [(value, label) for value, label in RATING_LABELS.items()
                   if not (step.critical and value == "partial")]
        setattr(RatedForm, rating_field_name(step.key), RadioField(
            step.key, choices=choices,
            validators=[InputRequired(message=_l("Rate this step (choose N/A if it did not apply)."))]))
        setattr(RatedForm, note_field_name(step.key), TextAreaField(
            _l("Note"), validators=[Optional(), Length(max=2000)]))
    RatedForm.version = version
    return RatedForm


_RATED_FORM_CLASSES: dict[tuple, type[FlaskForm]] = {}


def rated_form(base: type[FlaskForm], version: StandardVersion, **kwargs) -> FlaskForm:
    """An instance of ``with_rating_fields(base, version)``; the class is built once per base and step layout
    (keys and critical flags — all the fields depend on) and reused, since building a form class per request
    is costly. The version is set on the instance (the cached class holds no database object)."""
    layout = (base, tuple((step.key, bool(step.critical)) for step in version.steps))
    form_class = _RATED_FORM_CLASSES.get(layout)
    if form_class is None:
        form_class = with_rating_fields(base, version)
        form_class.version = None
        if len(_RATED_FORM_CLASSES) > 256:
            _RATED_FORM_CLASSES.clear()
        _RATED_FORM_CLASSES[layout] = form_class
    form = form_class(**kwargs)
    form.version = version
    return form


class RatingsMixin:
    version: StandardVersion

    def ratings(self) -> dict[str, str]:
        return {step.key: self[rating_field_name(step.key)].data for step in self.version.steps}

    def step_notes(self) -> dict[str, str]:
        return {step.key: self[note_field_name(step.key)].data for step in self.version.steps}

    def fill_ratings(self, revision) -> None:
        for row in revision.ratings:
            if rating_field_name(row.step_key) in self:
                self[rating_field_name(row.step_key)].data = row.rating
                self[note_field_name(row.step_key)].data = row.note or ""


class AuditForm(OneTimeSubmission, RatingsMixin, FlaskForm):
    """A new audit. `prefill` fills in a fresh form: from the imported interaction it rates, if any."""

    staff_id = SelectField(_l("Staff member"), coerce=int,
                           validators=[DataRequired(message=_l("Choose the staff member you audited."))])
    interacted_on = DateField(_l("Date of the interaction"),
                              validators=[DataRequired(message=_l("Enter the date as YYYY-MM-DD."))])
    channel = SelectField(_l("Channel"), choices=list(CHANNEL_LABELS.items()))
    customer_ref = StringField(_l("Customer or account reference"),
                               validators=[DataRequired(message=_l("Enter the customer or account reference.")),
                                           Length(max=120), no_invisible_characters])
    note = TextAreaField(_l("Overall note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record audit"))

    def prefill(self, interaction, staff_id: int, today) -> None:
        if interaction is not None:
            self.staff_id.data = interaction.staff_id
            self.interacted_on.data = interaction.started_at.date()
            self.channel.data = interaction.channel
            self.customer_ref.data = interaction.customer_ref
        else:
            self.staff_id.data = staff_id
            self.interacted_on.data = today


class RevisionForm(RatingsMixin, FlaskForm):
    """Correct an audit (the auditor): new ratings and the reason, kept with the revision."""
    note = TextAreaField(_l("Overall note"), validators=[Optional(), Length(max=5000)])
    reason = TextAreaField(_l("Reason for the correction"),
                           validators=[DataRequired(message=_l("Say why the ratings change.")), Length(max=2000)])
    submit = SubmitField(_l("Save correction"))


class ResolveForm(RatingsMixin, FlaskForm):
    decision = RadioField(_l("Decision"), choices=[
        ("upheld", _l("Uphold: correct the ratings below")),
        ("rejected", _l("Reject: the audit stands")),
    ], validators=[InputRequired(message=_l("Uphold or reject the dispute."))])
    reason = TextAreaField(_l("Reason for the decision"),
                           validators=[DataRequired(message=_l("Give the reason for your decision.")),
                                       Length(max=2000)])
    submit = SubmitField(_l("Resolve dispute"))


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong in this audit?"),
                           validators=[DataRequired(message=_l("Say what you think is wrong in this audit.")),
                                       Length(max=2000)])
    submit = SubmitField(_l("Dispute audit"))


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen this audit?"), validators=[
        DataRequired(message=_l("Say why the audit is reopened: the reason is kept in its history.")),
        Length(max=2000)])
    submit = SubmitField(_l("Reopen audit"))


def order_value_in_range(form, field) -> None:
    """Finite, 0 or more, and within the Numeric(12, 2) column (Infinity, NaN and 1e30 parse as decimals)."""
    from bro.audits.operations import order_value_problem

    if field.data is not None:
        problem = order_value_problem(field.data)
        if problem:
            raise StopValidation(problem)


YES_NO = [("", _l("Unknown")), ("yes", _l("Yes")), ("no", _l("No"))]


class OutcomesForm(OneTimeSubmission, FlaskForm):
    csat = IntegerField(_l("Satisfaction (1–5)"), validators=[
        Optional(), NumberRange(min=1, max=5, message=_l("Satisfaction is a whole number from 1 to 5."))])
    repeat_purchase = SelectField(_l("Repeat purchase"), choices=YES_NO, default="")
    referral_made = SelectField(_l("Referral made"), choices=YES_NO, default="")
    retained_90d = SelectField(_l("Retained at 90 days"), choices=YES_NO, default="")
    order_value = DecimalField(_l("Order value"), places=2, validators=[Optional(), order_value_in_range])
    submit = SubmitField(_l("Save outcomes"))

    @staticmethod
    def flag(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)

    def fill(self, audit) -> None:
        self.csat.data = audit.csat
        value = audit.order_value
        # A value the column should never have held (not finite) is shown empty rather than breaking the page.
        self.order_value.data = value if value is None or value.is_finite() else None
        for name in ("repeat_purchase", "referral_made", "retained_90d"):
            value = getattr(audit, name)
            getattr(self, name).data = "" if value is None else ("yes" if value else "no")


class OutcomesImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], message=_l("Upload a .csv file."))])
    clear_empty = BooleanField(_l("Empty cells clear the value"),
                               description=_l("Without this, an empty cell or a missing column leaves the value "
                                              "as it is."))
    submit = SubmitField(_l("Preview changes"))


class OutcomesApplyForm(OneTimeSubmission, FlaskForm):
    """Apply a previewed import: ``token`` carries the uploaded file, signed (see outcomes_import)."""
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Apply changes"))


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CalibrationSessionForm(OneTimeSubmission, FlaskForm):
    standard_version_id = SelectField(_l("Standard"), coerce=int)
    reference = StringField(_l("Interaction reference"), validators=[
        DataRequired(message=_l("Enter a reference for the interaction.")), Length(max=120),
        no_invisible_characters])
    description = TextAreaField(_l("Transcript or description"), validators=[
        DataRequired(message=_l("Describe the interaction or paste its transcript.")), Length(max=20000)],
        render_kw={"rows": 10})
    participant_ids = CheckboxListField(_l("Raters (two or more supervisors)"), coerce=int)
    benchmark_id = SelectField(_l("Benchmark rater"), coerce=int, default=0, description=_l(
        "Optional: the owner or an expert whose ratings the others are compared with. The benchmark rates "
        "blind too, and is invited as a rater."))
    submit = SubmitField(_l("Open session"))


class CalibrationRatingForm(RatingsMixin, FlaskForm):
    submit = SubmitField(_l("Submit my ratings"))


class CloseSessionForm(FlaskForm):
    submit = SubmitField(_l("Close session and show results"))


__all__ = [
    "AcknowledgeForm", "AuditForm", "CHANNEL_LABELS", "EVENT_LABELS", "OutcomesApplyForm", "ReopenForm", "CalibrationRatingForm",
    "CalibrationSessionForm", "CloseSessionForm", "DisputeForm", "OutcomesForm", "OutcomesImportForm",
    "RATING_LABELS", "RELATIONSHIP_LABELS", "REVISION_KIND_LABELS", "ResolveForm", "RevisionForm", "STATUS_LABELS",
    "note_field_name", "rated_form", "rating_field_name", "with_rating_fields",
]
