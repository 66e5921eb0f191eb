"""Forms of the training pages (quiz answers are read from the request directly: their fields vary per quiz)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from bro import clock
from bro.submissions import OneTimeSubmission


class AssignForm(OneTimeSubmission, FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    who = SelectField(_l("Assign to"), validators=[DataRequired()],
                      description=_l("A staff member, or every staff member of a team."))
    due_date = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))

    def validate_due_date(self, field):
        if field.data is not None and field.data < clock.today():
            raise ValidationError(_l("The due date is in the past: pick today or a later day."))
