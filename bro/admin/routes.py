"""Admins manage users and teams. Nothing is deleted: users are deactivated."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from bro.access import roles_required
from bro.admin.forms import TeamForm, UserForm
from bro.extensions import db
from bro.home.queries import team_member_counts
from bro.models.people import Role, Team, User
from bro.pagination import paginate
from bro.people import create_user, update_user
from bro.templating import register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/users")
@roles_required(Role.admin)
def users():
    search = request.args.get("q", "").strip()
    query = select(User).options(selectinload(User.team)).order_by(User.name)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    return render_template("admin/users.html", page=paginate(query), search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        user = create_user(form.name.data, form.email.data, form.password.data, form.roles.data,
                           language=form.language.data,
                           team=db.session.get(Team, form.team_id.data) if form.team_id.data else None,
                           supervises=list(db.session.execute(
                               select(Team).where(Team.id.in_(form.supervised_team_ids.data or []))).scalars()))
        user.active = form.active.data
        db.session.commit()
        flash(_("User %(name)s created.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
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
    return render_template("admin/user_form.html", form=form, user=user), 400 if form.errors else 200


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
    if form.validate_on_submit():
        team = Team(name=form.name.data.strip())
        db.session.add(team)
        db.session.commit()
        flash(_("Team %(name)s created.", name=team.name), "success")
        return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", form=form, team=None), 400 if form.errors else 200


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit_team(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
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


register_nav("admin.users", _l("Users"), Role.admin)
register_nav("admin.teams", _l("Teams"), Role.admin)
