"""The home page: one section per area the user's roles reach."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from bro.home.queries import organisation_summary, team_member_counts
from bro.home.sections import sections_for

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@login_required
def index():
    return render_template("home/index.html", sections=sections_for(current_user))


def _my_teams(user):
    teams = user.supervised_teams
    if not teams:
        return None
    return {"teams": team_member_counts([team.id for team in teams])}


def _organisation(user):
    return {"summary": organisation_summary()}
