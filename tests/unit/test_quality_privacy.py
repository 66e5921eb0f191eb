"""The one privacy rule for aggregates shown to people who may not see the audits one by one."""

from bro.quality.privacy import MIN_AUDITS, MIN_STAFF, too_few_to_show


def test_groups_under_five_people_or_five_audits_are_hidden_from_restricted_viewers():
    assert (MIN_STAFF, MIN_AUDITS) == (5, 5)
    assert too_few_to_show(staff=1, audits=40)
    assert too_few_to_show(staff=4, audits=400)
    assert too_few_to_show(staff=9, audits=4)
    assert not too_few_to_show(staff=5, audits=5)


def test_viewers_who_may_see_the_audits_see_every_group():
    assert not too_few_to_show(staff=1, audits=1, restricted=False)
