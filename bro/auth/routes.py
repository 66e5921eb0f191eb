"""Log in, log out, own password and language, one-time password-reset links."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from bro import clock
from bro.access import client_address
from bro.auth.forms import ChangePasswordForm, ConfirmForm, LanguageForm, LoginForm, NewPasswordForm
from bro.auth.resets import use_reset_link, valid_reset_link
from bro.auth.throttle import account_state, address_wait_seconds, record_attempt
from bro.extensions import db
from bro.models.people import LoginOutcome, User, check_password_of_nobody

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


def _minutes(count: int) -> str:
    return ngettext("%(num)d minute", "%(num)d minutes", count)


def _refuse(form, message: str, retry_after: int):
    flash(message, "error")
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(retry_after)
    return response


def _verify(email: str, password: str) -> User | None:
    """The user whose password this is, or None. Unknown emails are checked against a dummy hash and
    deactivated users' passwords are checked too, so every refusal takes as long as a real check."""
    user = db.session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    if user is None:
        return check_password_of_nobody(password, method=current_app.config["BRO_PASSWORD_HASH_METHOD"]) or None
    return user if user.check_password(password) and user.active else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = client_address()
        wait = address_wait_seconds(address, email)
        if wait:
            record_attempt(email, address, LoginOutcome.slowed)
            db.session.commit()
            return _refuse(form, ngettext("Many failed logins came from your network. Wait %(num)d second and "
                                          "try again.", "Many failed logins came from your network. Wait "
                                          "%(num)d seconds and try again.", wait), wait)
        state = account_state(email)
        if state.locked:
            seconds = state.seconds_left(clock.utcnow())
            record_attempt(email, address, LoginOutcome.locked)
            db.session.commit()
            return _refuse(form, _("This account is locked after too many failed attempts. Try again in "
                                   "%(time)s, or ask an administrator to unlock it.",
                                   time=_minutes(-(-seconds // 60))), seconds)
        user = _verify(email, form.password.data)
        if user is not None:
            method = current_app.config["BRO_PASSWORD_HASH_METHOD"]
            if user.password_needs_rehash(method):
                # A hash made with an older cost still verifies; it is replaced by one with today's cost.
                user.set_password(form.password.data, method=method)
            record_attempt(email, address, LoginOutcome.success)
            db.session.commit()
            session.pop("language", None)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        record_attempt(email, address, LoginOutcome.failure)
        after = account_state(email)
        db.session.commit()
        lock_minutes = current_app.config["BRO_LOGIN_LOCK_MINUTES"]
        limit = current_app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        # Same words whether or not the account exists (unknown emails are counted and locked alike).
        if after.locked:
            flash(_("Wrong email or password. The account is now locked for %(time)s.",
                    time=_minutes(lock_minutes)), "error")
        elif after.failures == limit - 1:
            flash(_("Wrong email or password. One attempt left before the account is locked for %(time)s.",
                    time=_minutes(lock_minutes)), "error")
        else:
            flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def end_every_session(user: User) -> None:
    """Rotate the session token: every session and remember-me cookie of `user` stops working."""
    user.rotate_session_token()
    db.session.commit()
    logout_user()


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_every_session(current_user)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if ConfirmForm(prefix="everywhere").validate_on_submit():
        end_every_session(current_user)
        flash(_("You have been logged out on every device."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", language=current_user.language)
    if password_form.submit.data and password_form.validate_on_submit():
        if current_user.check_password(password_form.current_password.data):
            user = current_user._get_current_object()
            remembered = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
            user.set_password_and_end_sessions(password_form.new_password.data,
                                               method=current_app.config["BRO_PASSWORD_HASH_METHOD"])
            db.session.commit()
            # Other devices are logged out by the new session token; this one carries on with it.
            login_user(user, remember=remembered)
            flash(_("Your password has been changed. Other devices where you were logged in are logged out."),
                  "success")
            return redirect(url_for("auth.account"))
        password_form.current_password.errors.append(_("This is not your current password."))
    elif language_form.submit.data and language_form.validate_on_submit():
        current_user.language = language_form.language.data
        db.session.commit()
        return redirect(url_for("auth.account"))
    status = 400 if (password_form.errors or language_form.errors) else 200
    return render_template("auth/account.html", password_form=password_form, language_form=language_form,
                           everywhere_form=ConfirmForm(prefix="everywhere")), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The page a one-time link opens: the user chooses a new password."""
    link = valid_reset_link(token)
    if link is None:
        return render_template("auth/reset.html", form=None, user=None), 404
    form = NewPasswordForm(prefix="reset")
    if form.validate_on_submit():
        if use_reset_link(link, form.new_password.data):
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
        db.session.rollback()
        return render_template("auth/reset.html", form=None, user=None), 404
    return render_template("auth/reset.html", form=form, user=link.user), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
def choose_language():
    """The language switcher in the footer, for visitors and users alike."""
    form = LanguageForm(prefix="switch", meta={"csrf": False})  # CSRFProtect guards every POST
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
        else:
            session["language"] = form.language.data
    return redirect(_safe_next(request.form.get("next")))
