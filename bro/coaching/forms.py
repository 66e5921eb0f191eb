from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, FieldList, FormField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from bro.formfields import RecordSelectField
from bro.submissions import OneTimeSubmission

ACTION_ROWS = 3


class PlanSessionForm(OneTimeSubmission, FlaskForm):
    staff = RecordSelectField(_l("Staff member"))
    scheduled_for = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M",
                                       validators=[InputRequired(message=_l("Enter the date and time."))])
    submit = SubmitField(_l("Plan the session"))


class ActionRow(FlaskForm):
    class Meta:
        csrf = False

    text = StringField(_l("Agreed action"), validators=[Optional(), Length(max=500)])
    due_on = DateField(_l("Due"), validators=[Optional()])


class RecordSessionForm(FlaskForm):
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(message=_l("Write what you discussed.")),
                                                   Length(max=10_000)])
    actions = FieldList(FormField(ActionRow), min_entries=ACTION_ROWS, max_entries=ACTION_ROWS)
    submit = SubmitField(_l("Record the session"))


class AcknowledgeSessionForm(FlaskForm):
    comment = TextAreaField(_l("Your comment (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Acknowledge"))
