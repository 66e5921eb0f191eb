from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from bro.validators import no_invisible_characters

SCOPE_LABELS = {
    "read": _l("read: see what you may see on the pages"),
    "write": _l("write: record interactions, audits and outcomes (includes read)"),
    "admin": _l("admin: create users and teams, deactivate users, change teams (includes write)"),
}
LIFETIMES = (7, 30, 90, 180, 365)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewTokenForm(FlaskForm):
    name = StringField(lazy_pgettext("a token's name", "Name"), validators=[DataRequired(), Length(max=80), no_invisible_characters],
                       description=_l("What the token is for, such as “CRM outcomes push”."))
    scopes = CheckboxListField(_l("Scopes"), default=["read"])
    days = SelectField(_l("Expires after"), coerce=int, default=90)
    submit = SubmitField(_l("Create token"))

    def __init__(self, *args, is_admin: bool = False, **kwargs):
        super().__init__(*args, prefix="token", **kwargs)
        offered = ["read", "write"] + (["admin"] if is_admin else [])
        self.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in offered]
        self.days.choices = [(days, lazy_ngettext("%(num)d day", "%(num)d days", days)) for days in LIFETIMES]

    def validate_scopes(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one scope."))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
