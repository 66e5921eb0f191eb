"""Log in, log out, own password and language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from bro.access import client_address
from bro.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from bro.auth.throttle import is_locked_out, record_attempt
from bro.extensions import db
from bro.models.people import User

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = client_address()
        if is_locked_out(email, address):
            record_attempt(email, address, succeeded=False)
            db.session.commit()
            flash(_("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                    minutes=current_app.config["BRO_LOGIN_LOCK_MINUTES"]), "error")
            return render_template("auth/login.html", form=form), 429
        user = db.session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
        if user is not None and user.active and user.check_password(form.password.data):
            record_attempt(email, address, succeeded=True)
            db.session.commit()
            session.pop("language", None)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        record_attempt(email, address, succeeded=False)
        db.session.commit()
        # Same words whether or not the account exists.
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", language=current_user.language)
    if password_form.submit.data and password_form.validate_on_submit():
        if current_user.check_password(password_form.current_password.data):
            current_user.set_password(password_form.new_password.data,
                                      method=current_app.config["BRO_PASSWORD_HASH_METHOD"])
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
        password_form.current_password.errors.append(_("This is not your current password."))
    elif language_form.submit.data and language_form.validate_on_submit():
        current_user.language = language_form.language.data
        db.session.commit()
        return redirect(url_for("auth.account"))
    status = 400 if (password_form.errors or language_form.errors) else 200
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form), status


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
