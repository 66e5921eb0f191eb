"""The access policy: roles, admin, and which teams and staff a user may see."""
from bro.access import can_see_staff, can_see_team, may_enter, visible_team_ids
from bro.models.people import Role


def test_admin_enters_every_role_area(factory):
    admin = factory.admin()
    assert all(may_enter(admin, {role}) for role in Role)


def test_a_role_does_not_open_another_roles_area(factory):
    trainer = factory.trainer()
    assert may_enter(trainer, {Role.trainer})
    assert not may_enter(trainer, {Role.supervisor})
    assert not may_enter(trainer, {Role.admin})


def test_user_with_several_roles_enters_each(factory):
    team = factory.team()
    user = factory.user(Role.supervisor, Role.trainer, supervises=[team])
    assert may_enter(user, {Role.supervisor}) and may_enter(user, {Role.trainer})


def test_supervisor_sees_only_supervised_teams(factory):
    mine, theirs = factory.team(), factory.team()
    supervisor = factory.supervisor(mine)
    assert visible_team_ids(supervisor) == {mine.id}
    assert can_see_team(supervisor, mine.id)
    assert not can_see_team(supervisor, theirs.id)


def test_admin_sees_every_team(factory):
    assert visible_team_ids(factory.admin()) is None


def test_staff_see_themselves_but_not_colleagues(factory):
    team = factory.team()
    alice, bob = factory.staff(team=team), factory.staff(team=team)
    assert can_see_staff(alice, alice)
    assert not can_see_staff(alice, bob)


def test_supervisor_sees_staff_of_own_team_only(factory):
    mine, theirs = factory.team(), factory.team()
    supervisor = factory.supervisor(mine)
    assert can_see_staff(supervisor, factory.staff(team=mine))
    assert not can_see_staff(supervisor, factory.staff(team=theirs))


def test_trainer_sees_no_individual_staff(factory):
    trainer = factory.trainer()
    assert not can_see_staff(trainer, factory.staff())
