"""Admins manage users and teams. Nothing is deleted: users are deactivated."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from bro.access import RecordViews, roles_required
from bro.admin.forms import TeamForm, UserForm
from bro.auth.forms import ConfirmForm
from bro.auth.resets import issue_reset_link
from bro.auth.throttle import account_states, locked_users, unlock
from bro.extensions import db
from bro.home.queries import team_member_counts
from bro.models.people import Role, Team, User
from bro.pagination import paginate
from bro.people import create_user, update_user
from bro.submissions import first_submission, saved

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
user_pages = RecordViews(bp, "user_id", lambda user_id: db.get_or_404(User, user_id), prefix="/users")
team_pages = RecordViews(bp, "team_id", lambda team_id: db.get_or_404(Team, team_id), prefix="/teams")


@bp.route("/users")
@roles_required(Role.admin)
def users():
    search = request.args.get("q", "").strip()
    query = select(User).options(selectinload(User.team)).order_by(User.name)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    page = paginate(query)
    return render_template("admin/users.html", page=page, search=search, locked=locked_users(),
                           states=account_states([user.email for user in page.items]),
                           confirm_form=ConfirmForm(prefix="confirm"))


@user_pages.route("/unlock", Role.admin, methods=["POST"])
def unlock_user(user: User):
    if ConfirmForm(prefix="confirm").validate_on_submit():
        unlock(user.email, by=current_user)
        db.session.commit()
        flash(_("%(name)s can log in again.", name=user.name), "success")
    return redirect(_back_to(url_for("admin.users")))


@user_pages.route("/reset-link", Role.admin, methods=["POST"])
def reset_link(user: User):
    """Issue a one-time password-reset link. It is shown on this answer only: bro keeps just its hash."""
    if not ConfirmForm(prefix="confirm").validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    if not user.active:
        flash(_("Activate %(name)s before issuing a password-reset link.", name=user.name), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    token, link = issue_reset_link(user, by=current_user)
    db.session.commit()
    return render_template("admin/reset_link.html", user=user, link=link,
                           url=url_for("auth.reset_password", token=token, _external=True))


def _back_to(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/admin/") else default


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def new_user():
    form = UserForm()
    if request.method == "POST" and (earlier := first_submission(form)) is not None:
        return redirect(earlier)  # a repeat of a form that already created its user (checked before the
        # email-taken validation, which the repeat would otherwise fail)
    if form.validate_on_submit():
        user = create_user(form.name.data, form.email.data, form.password.data, form.roles.data,
                           language=form.language.data,
                           team=db.session.get(Team, form.team_id.data) if form.team_id.data else None,
                           supervises=list(db.session.execute(
                               select(Team).where(Team.id.in_(form.supervised_team_ids.data or []))).scalars()))
        user.active = form.active.data
        return saved(form, url_for("admin.users"), _("User %(name)s created.", name=user.name))
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


@user_pages.route("", Role.admin, methods=["GET", "POST"])
def edit_user(user: User):
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.roles.data = sorted(role.value for role in user.roles)
        form.team_id.data = user.team_id or 0
        form.supervised_team_ids.data = [team.id for team in user.supervised_teams]
    if form.validate_on_submit():
        update_user(user, name=form.name.data, email=form.email.data, language=form.language.data,
                    roles={Role(r) for r in form.roles.data}, team_id=form.team_id.data,
                    supervised_team_ids=form.supervised_team_ids.data, active=form.active.data,
                    password=form.password.data or None)
        db.session.commit()
        flash(_("Changes to %(name)s saved.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, state=account_states([user.email])[user.email],
                           confirm_form=ConfirmForm(prefix="confirm")), 400 if form.errors else 200


@bp.route("/teams")
@roles_required(Role.admin)
def teams():
    supervisors = {
        team.id: team.supervisors
        for team in db.session.execute(select(Team).options(selectinload(Team.supervisors))).scalars()
    }
    return render_template("admin/teams.html", teams=team_member_counts(None), supervisors=supervisors)


@bp.route("/teams/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def new_team():
    form = TeamForm()
    if request.method == "POST" and (earlier := first_submission(form)) is not None:
        return redirect(earlier)
    if form.validate_on_submit():
        team = Team(name=form.name.data.strip())
        db.session.add(team)
        return saved(form, url_for("admin.teams"), _("Team %(name)s created.", name=team.name))
    return render_template("admin/team_form.html", form=form, team=None), 400 if form.errors else 200


@team_pages.route("", Role.admin, methods=["GET", "POST"])
def edit_team(team: Team):
    form = TeamForm(obj=team, editing=team)
    if form.validate_on_submit():
        team.name = form.name.data.strip()
        db.session.commit()
        flash(_("Team %(name)s saved.", name=team.name), "success")
        return redirect(url_for("admin.teams"))
    members = db.session.execute(
        select(User).where(User.team_id == team.id).order_by(User.name)).scalars().all()
    return render_template("admin/team_form.html", form=form, team=team, members=members), \
        400 if form.errors else 200

