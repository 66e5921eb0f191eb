from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from bro.config import LANGUAGES
from bro.i18n import LANGUAGE_NAMES

MIN_PASSWORD_LENGTH = 10


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email()], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Log in"))


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (the reset-link page; the account page adds the current one)."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH,
                                           message=lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.",
                                                                    MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Change password"))


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (log out everywhere, unlock, issue a reset link)."""

    submit = SubmitField(_l("Confirm"))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    submit = SubmitField(_l("Save"))
