"""Notifications: derived once per person and event, shown with a bell, emailed each or as a digest."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from bro import clock
from bro.coaching.operations import plan_session
from bro.extensions import db
from bro.models.notifications import Notification, NotificationSetting
from bro.models.training import Assignment
from bro.notifications.collect import collect
from bro.notifications.mail import smtp_settings


@pytest.fixture(autouse=True)
def own_outbox(monkeypatch, tmp_path):
    """Each test writes its mail to its own folder."""
    monkeypatch.setattr("bro.notifications.mail.outbox_path", lambda: tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.fixture
def people(factory):
    team = factory.team("Front desk")
    staff = factory.staff(team=team, name="Anna Kowalska", language="pl")
    auditor, second = factory.supervisor(team, name="Siti"), factory.supervisor(team, name="Grace")
    version = factory.audit_standard()
    audit = factory.audit(staff, auditor, version)
    return staff, auditor, second, version, audit


def notifications(user) -> list[Notification]:
    return db.session.execute(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).scalars().all()


def test_collecting_twice_stores_each_event_once(app, people):
    staff, *_rest = people
    with app.test_request_context("/"):
        assert collect() >= 1
        assert collect() == 0
    assert [n.kind for n in notifications(staff)] == ["audit_to_acknowledge"]


def test_a_dispute_notifies_a_supervisor_other_than_the_auditor_and_its_decision_the_staff(app, people):
    from bro.audits.operations import dispute_audit, resolve_dispute

    staff, auditor, second, _version, audit = people
    dispute = dispute_audit(audit, staff, "I did greet the customer.")
    with app.test_request_context("/"):
        collect()
        assert [n.kind for n in notifications(second)] == ["dispute_raised"]
        assert notifications(auditor) == []
        resolve_dispute(dispute, by=second, upheld=False, reason="The recording shows no greeting.")
        collect()
    assert "dispute_rejected" in [n.kind for n in notifications(staff)]


def test_the_bell_counts_unread_and_opening_one_marks_it_read(client, login, app, people):
    staff, *_rest, audit = people
    with app.test_request_context("/"):
        collect()
    login(staff)
    page = client.get("/").get_data(as_text=True)
    assert 'class="bell-count">1<' in page
    notification = notifications(staff)[0]
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/audits/{audit.id}")
    assert notifications(staff)[0].read_at is not None
    assert "bell-count" not in client.get("/notifications/").get_data(as_text=True)


def test_nobody_opens_another_persons_notification(client, login, app, people):
    staff, auditor, *_rest = people
    with app.test_request_context("/"):
        collect()
    login(auditor)
    assert client.post(f"/notifications/{notifications(staff)[0].id}/open").status_code == 404


def outbox(app, user) -> list[Path]:
    from bro.notifications import mail

    return sorted(mail.outbox_path().glob(f"*-{user.id}-*.eml"))


def subject_of(path: Path) -> str:
    return str(make_header(decode_header(message_from_bytes(path.read_bytes())["Subject"])))


def test_notify_writes_three_kinds_of_eml_in_the_recipients_language_and_never_twice(app, people, factory):
    staff, auditor, *_rest = people
    course = factory.course_version().course
    db.session.add(Assignment(user_id=staff.id, course_id=course.id, due_date=clock.today() + timedelta(days=2)))
    plan_session(staff, by=auditor, scheduled_for=clock.utcnow() + timedelta(days=1))
    db.session.flush()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["bro", "notify"])
    assert first.exit_code == 0, first.output
    files = outbox(app, staff)
    assert {n.kind for n in notifications(staff)} == {"audit_to_acknowledge", "assignment_due", "coaching_scheduled"}
    assert len(files) == 3
    assert {message_from_bytes(f.read_bytes())["Content-Language"] for f in files} == {"pl"}
    subjects = " ".join(subject_of(f) for f in files)
    assert "audyt" in subjects and "Sesja coachingowa" in subjects  # Polish, the recipient's language
    second = runner.invoke(args=["bro", "notify"])
    assert "0 emails sent" in second.output and len(outbox(app, staff)) == 3


def test_a_digest_reader_gets_one_summary_a_day(app, people):
    staff, auditor, *_rest = people
    plan_session(staff, by=auditor, scheduled_for=clock.utcnow() + timedelta(days=1))
    db.session.add(NotificationSetting(user_id=staff.id, email="digest"))
    db.session.flush()
    runner = app.test_cli_runner()
    runner.invoke(args=["bro", "notify"])
    files = outbox(app, staff)
    assert len(files) == 1 and files[0].name.endswith("-digest.eml")
    body = message_from_bytes(files[0].read_bytes()).get_payload(decode=True).decode()
    assert body.count("\n- ") == 2  # both notifications in one summary
    assert all(n.emailed_at is not None for n in notifications(staff))
    runner.invoke(args=["bro", "notify"])
    assert len(outbox(app, staff)) == 1


def test_email_off_marks_without_sending_and_the_choice_is_saved_from_the_page(client, login, people):
    staff, *_rest = people
    login(staff)
    assert client.post("/notifications/email", data={"email": "off"}).status_code == 302
    assert db.session.get(NotificationSetting, staff.id).email == "off"
    assert client.post("/notifications/email", data={"email": "carrier-pigeon"}).status_code == 302
    assert db.session.get(NotificationSetting, staff.id).email == "off"


def test_smtp_url_settings():
    assert smtp_settings("smtp://bro%40x.example:s3cret@mail.example.com:587?starttls=1") == {
        "host": "mail.example.com", "port": 587, "username": "bro@x.example", "password": "s3cret",
        "use_ssl": False, "use_tls": True, "timeout": 30}
    assert smtp_settings("smtps://mail.example.com")["port"] == 465
    with pytest.raises(ValueError):
        smtp_settings("http://mail.example.com")


def test_notify_does_nothing_while_another_server_holds_its_lock(app, people, monkeypatch):
    from bro import database

    monkeypatch.setattr(database, "run_once_across_servers", lambda session, job: False)
    staff, auditor, *_rest = people
    plan_session(staff, by=auditor, scheduled_for=clock.utcnow() + timedelta(days=1))
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["bro", "notify"])
    assert result.exit_code == 0 and "Another server" in result.output
    assert not notifications(staff)
