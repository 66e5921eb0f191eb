from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from bro.formfields import RecordSelectField
from bro.submissions import OneTimeSubmission

FORMAT_LABELS = {"auto": _l("From the file name (.csv or .jsonl)"), "csv": _l("CSV"), "jsonl": _l("JSON Lines")}


class InteractionImportForm(FlaskForm):
    file = FileField(_l("File"), validators=[
        FileRequired(message=_l("Choose a CSV or JSON Lines file.")),
        FileAllowed(["csv", "txt", "jsonl", "ndjson", "json"], message=_l("Upload a .csv or .jsonl file."))])
    file_format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()), default="auto")
    mapping = TextAreaField(
        _l("Column names (optional)"), validators=[Optional(), Length(max=2000)],
        description=_l("When your export names its columns differently, map them, one per line: "
                       "Ticket ID=external_id. Map a column to - to leave it out."))
    submit = SubmitField(_l("Import interactions"))


PERIOD_LABELS = {"month": _l("Month"), "week": _l("Week")}


class PlanForm(OneTimeSubmission, FlaskForm):
    team = RecordSelectField(_l("Team"))
    standard = SelectField(_l("Standard"), coerce=int)
    per_staff = IntegerField(_l("Audits per staff member"), validators=[
        InputRequired(message=_l("Enter how many audits per staff member.")),
        NumberRange(min=1, max=100, message=_l("Enter a number from 1 to 100."))])
    period = SelectField(_l("Every"), choices=list(PERIOD_LABELS.items()), default="month")
    by_channel = BooleanField(_l("Stratify by channel (each channel in proportion to its share)"))
    submit = SubmitField(_l("Save the plan"))


class DrawForm(FlaskForm):
    submit = SubmitField(_l("Draw this period"))


class ReassignForm(FlaskForm):
    assignee = RecordSelectField(_l("Reassign to"))
    submit = SubmitField(_l("Reassign"))


class LeaveForm(FlaskForm):
    staff = RecordSelectField(_l("Staff member"))
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))])
    submit = SubmitField(_l("Record leave"))
