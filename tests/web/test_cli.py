"""`flask bro create-user` and `flask bro demo`."""
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.people import Role, User


def test_create_first_admin_from_the_cli(app):
    result = app.test_cli_runner().invoke(args=["bro", "create-user", "--name", "First Admin", "--email",
                                                "first@example.com", "--role", "admin", "--password",
                                                "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "first@example.com")).scalar_one()
    assert user.roles == {Role.admin} and user.check_password("a-long-password")


def test_create_user_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["bro", "create-user", "--name", "X", "--email", "x@example.com",
                                                "--role", "admin", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_create_staff_needs_a_team(app):
    result = app.test_cli_runner().invoke(args=["bro", "create-user", "--name", "X", "--email", "x@example.com",
                                                "--role", "staff", "--password", "a-long-password"])
    assert result.exit_code != 0 and "--team" in result.output


def test_create_user_refuses_a_taken_email(app, factory):
    user = factory.staff()
    result = app.test_cli_runner().invoke(args=["bro", "create-user", "--name", "X", "--email", user.email,
                                                "--role", "admin", "--password", "a-long-password"])
    assert result.exit_code != 0 and "exists already" in result.output


def test_demo_creates_every_role_and_prints_passwords_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bro", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@example.com" in result.output
    roles = {role for user in db.session.execute(select(User)).scalars() for role in user.roles}
    assert roles == set(Role)
    again = runner.invoke(args=["bro", "demo", "--if-empty"])
    assert again.exit_code == 0 and "admin@example.com" not in again.output
    assert db.session.execute(select(func.count(User.id))).scalar_one() == len(result.output.splitlines()) - 1


def test_demo_passwords_are_random_and_work(app):
    result = app.test_cli_runner().invoke(args=["bro", "demo"])
    line = next(line for line in result.output.splitlines() if "admin@example.com" in line)
    password = line.split()[1]
    admin = db.session.execute(select(User).where(User.email == "admin@example.com")).scalar_one()
    assert admin.check_password(password) and len(password) >= 12
