from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from bro.auth.forms import MIN_PASSWORD_LENGTH
from bro.config import LANGUAGES
from bro.extensions import db
from bro.i18n import LANGUAGE_NAMES, ROLE_LABELS
from bro.models.people import Role, Team, User
from bro.people import is_last_active_admin
from bro.submissions import OneTimeSubmission
from bro.validators import no_invisible_characters


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(OneTimeSubmission, FlaskForm):
    name = StringField(lazy_pgettext("a person's name", "Name"), validators=[DataRequired(), Length(max=120), no_invisible_characters])
    email = StringField(_l("Email"), validators=[DataRequired(), no_invisible_characters, Email(), Length(max=254)])
    language = SelectField(_l("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    roles = CheckboxListField(_l("Roles"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()])
    team_id = SelectField(_l("Team (as staff)"), coerce=int, validators=[Optional()])
    supervised_team_ids = CheckboxListField(_l("Supervises"), coerce=int)
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH,
                                       message=lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.",
                                                                    MIN_PASSWORD_LENGTH))],
        description=_l("Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
        self.team_id.choices = [(0, _l("No team"))] + [(team_id, name) for team_id, name in teams]
        self.supervised_team_ids.choices = [(team_id, name) for team_id, name in teams]
        if editing is None:
            self.password.validators = [DataRequired(), *self.password.validators[1:]]
            self.password.description = ""

    def validate_email(self, field):
        email = field.data.strip().lower()
        query = select(User.id).where(func.lower(User.email) == email)
        if self.editing is not None:
            query = query.where(User.id != self.editing.id)
        if db.session.execute(query).first():
            raise ValidationError(_l("Another user already has this email."))

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))
        if (self.editing is not None and Role.admin.value not in field.data
                and is_last_active_admin(self.editing)):
            raise ValidationError(_l("This is the last active admin: make someone else an admin first."))

    def validate_active(self, field):
        if self.editing is not None and not field.data and is_last_active_admin(self.editing):
            raise ValidationError(_l("The last active admin cannot be deactivated: make someone else an admin "
                                     "first."))

    def validate_team_id(self, field):
        if Role.staff.value in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("A staff member belongs to a team: choose one."))

    def validate_supervised_team_ids(self, field):
        if Role.supervisor.value in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("A supervisor supervises at least one team: choose one or more."))


class TeamForm(OneTimeSubmission, FlaskForm):
    name = StringField(lazy_pgettext("a team's name", "Name"), validators=[DataRequired(), Length(max=120), no_invisible_characters])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_name(self, field):
        query = select(Team.id).where(func.lower(Team.name) == field.data.strip().lower())
        if self.editing is not None:
            query = query.where(Team.id != self.editing.id)
        if db.session.execute(query).first():
            raise ValidationError(_l("A team with this name exists already."))
