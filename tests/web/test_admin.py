"""Admins create, edit and deactivate users and teams in the browser; nothing is deleted."""
import re

from sqlalchemy import select

from bro.extensions import db
from bro.models.people import Role, Team, User
from tests.conftest import count_queries


def _user_form(**overrides):
    data = {"name": "Nina New", "email": "nina@example.com", "language": "pl", "roles": ["staff"],
            "team_id": "0", "active": "y", "password": "a-long-password"}
    data.update(overrides)
    return data


def test_admin_creates_a_staff_member(client, factory, login):
    login(factory.admin())
    team = factory.team("Front")
    response = client.post("/admin/users/new", data=_user_form(team_id=str(team.id)))
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.email == "nina@example.com")).scalar_one()
    assert user.roles == {Role.staff} and user.team_id == team.id and user.language == "pl"
    assert user.check_password("a-long-password")


def test_bad_user_form_rerenders_with_every_message(client, factory, login):
    admin = login(factory.admin())
    response = client.post("/admin/users/new", data=_user_form(email=admin.email, roles=[], password="short"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another user already has this email." in page
    assert "Choose at least one role." in page
    assert "Use at least 10 characters." in page


def test_staff_member_needs_a_team(client, factory, login):
    login(factory.admin())
    response = client.post("/admin/users/new", data=_user_form())
    assert response.status_code == 400
    assert "A staff member belongs to a team" in response.get_data(as_text=True)


def test_supervisor_needs_supervised_teams(client, factory, login):
    login(factory.admin())
    response = client.post("/admin/users/new", data=_user_form(roles=["supervisor"]))
    assert "A supervisor supervises at least one team" in response.get_data(as_text=True)


def test_admin_gives_several_roles_and_teams(client, factory, login):
    login(factory.admin())
    first, second = factory.team(), factory.team()
    user = factory.staff(team=first)
    response = client.post(f"/admin/users/{user.id}", data=_user_form(
        name=user.name, email=user.email, roles=["staff", "supervisor"], team_id=str(first.id),
        supervised_team_ids=[str(first.id), str(second.id)], password=""))
    assert response.status_code == 302
    assert user.roles == {Role.staff, Role.supervisor}
    assert {team.id for team in user.supervised_teams} == {first.id, second.id}


def test_deactivating_keeps_the_user(client, factory, login):
    login(factory.admin())
    user = factory.staff()
    data = _user_form(name=user.name, email=user.email, team_id=str(user.team_id), password="")
    data.pop("active")
    client.post(f"/admin/users/{user.id}", data=data)
    assert db.session.get(User, user.id).active is False


def test_empty_password_on_edit_keeps_the_old_one(client, factory, login):
    login(factory.admin())
    user = factory.staff()
    old_hash = user.password_hash
    client.post(f"/admin/users/{user.id}", data=_user_form(name=user.name, email=user.email,
                                                           team_id=str(user.team_id), password=""))
    assert user.password_hash == old_hash


def test_user_list_searches_by_name(client, factory, login):
    login(factory.admin())
    factory.staff(name="Zygmunt Unique")
    page = client.get("/admin/users?q=zygmunt").get_data(as_text=True)
    assert "Zygmunt Unique" in page


def test_user_list_query_count_does_not_grow_with_users(client, factory, login):
    login(factory.admin())
    for _ in range(3):
        factory.staff()
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(10):
        factory.staff()
    with count_queries() as many:
        client.get("/admin/users")
    assert many.count == few.count


def test_admin_creates_and_renames_a_team(client, factory, login):
    login(factory.admin())
    assert client.post("/admin/teams/new", data={"name": "Night shift"}).status_code == 302
    team = db.session.execute(select(Team).where(Team.name == "Night shift")).scalar_one()
    client.post(f"/admin/teams/{team.id}", data={"name": "Evening shift"})
    assert team.name == "Evening shift"


def test_duplicate_team_name_is_refused(client, factory, login):
    login(factory.admin())
    factory.team("Taken")
    response = client.post("/admin/teams/new", data={"name": "taken"})
    assert response.status_code == 400 and "exists already" in response.get_data(as_text=True)


def test_unknown_user_is_404(client, factory, login):
    login(factory.admin())
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_home_shows_real_organisation_figures(client, factory, login):
    login(factory.admin())
    factory.team("No supervisor here")
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"teams? without a supervisor", page)


def test_supervisor_home_lists_own_teams_with_member_counts(client, factory, login):
    team = factory.team("Harbour")
    factory.staff(team=team)
    factory.staff(team=team)
    login(factory.supervisor(team))
    page = client.get("/").get_data(as_text=True)
    assert "Harbour" in page and "2 members" in page


def test_staff_home_has_no_admin_or_team_sections(client, factory, login):
    login(factory.staff())
    page = client.get("/").get_data(as_text=True)
    assert "Organisation" not in page and "My teams" not in page
