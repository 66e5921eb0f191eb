from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from bro import clock
from bro.submissions import OneTimeSubmission


class CorrectiveActionForm(OneTimeSubmission, FlaskForm):
    target = SelectField(_l("Target step"), validators=[DataRequired(message=_l("Choose the step to improve."))])
    team_id = SelectField(_l("Team"), coerce=int)
    problem = TextAreaField(_l("Problem"), validators=[
        DataRequired(message=_l("Describe the problem.")), Length(max=4000)],
        description=_l("What goes wrong, where and since when — the numbers that show it."))
    root_cause = TextAreaField(_l("Root cause"), validators=[Optional(), Length(max=4000)],
                               description=_l("Why it happens (you may fill this in later, while planning)."))
    action = TextAreaField(_l("Action"), validators=[DataRequired(message=_l("Describe the action.")),
                                                     Length(max=4000)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    due_date = DateField(_l("Due date"), validators=[DataRequired(message=_l("Enter a due date (YYYY-MM-DD)."))])
    source = HiddenField()
    source_detail = HiddenField()
    submit = SubmitField(_l("Open action"))

    def validate_due_date(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError(_l("The due date cannot be in the past."))


class AdvanceForm(FlaskForm):
    expected_status = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)],
                         description=_l("What was done or found at this stage."))
    submit = SubmitField(_l("Move on"))


class BaselineForm(FlaskForm):
    first_day = DateField(_l("From"), validators=[DataRequired(message=_l("Enter the first day of the baseline (YYYY-MM-DD)."))],
                          description=_l("The first period of the new baseline; periods before it keep the baseline they had."))
    last_day = DateField(_l("To"), validators=[Optional()],
                         description=_l("Leave empty to use the first 12 periods with audits from the first day."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Say why the baseline changes.")),
                                                     Length(max=2000)],
                           description=_l("What changed in the process, so others can judge the new limits."))
    submit = SubmitField(_l("Set the baseline"))

    def validate_first_day(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The baseline cannot start in the future."))
        if field.data and field.data.year < 1900:
            raise ValidationError(_l("Enter a date after 1900."))

    def validate_last_day(self, field):
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day must not come before the first day."))


class NewBaselineForm(FlaskForm):
    """"Start a new baseline after this change", offered by a corrective action at its check stage."""

    submit = SubmitField(_l("Start a new baseline after this change"))
