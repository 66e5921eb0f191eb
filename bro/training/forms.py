"""Forms of the training pages (quiz answers are read from the request directly: their fields vary per quiz)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from bro import clock
from bro.submissions import OneTimeSubmission
from bro.training.operations import MAX_GRANT


class AssignForm(OneTimeSubmission, FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    who = SelectField(_l("Assign to"), validators=[DataRequired()],
                      description=_l("A staff member, or every staff member of a team."))
    due_date = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))

    def validate_due_date(self, field):
        if field.data is not None and field.data < clock.today():
            raise ValidationError(_l("The due date is in the past: pick today or a later day."))


class GrantAttemptsForm(FlaskForm):
    extra_attempts = IntegerField(_l("Extra attempts"), default=1,
                                  validators=[InputRequired(), NumberRange(min=1, max=MAX_GRANT)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Kept in the log with your name, for example: “read the lessons again with me”."))
    submit = SubmitField(_l("Grant"))
