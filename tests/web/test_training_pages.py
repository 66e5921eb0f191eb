"""Training pages through the test client: what staff, supervisors and trainers see and may do."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.training import AttemptAnswer, Assignment, Certificate, LessonRead, QuizAttempt
from bro.quality import AttemptItems, item_analysis
from bro.training.operations import assign_course, start_attempt, submit_attempt
from tests.conftest import count_queries
from tests.web.world_training import correct_responses, import_training_course, module_of

SECRETS = ["Feedbackalpha", "Feedbackbravo", "Explanationcharlie", "Wordofmouthzulu", "word-of-mouth-zulu", "31.5"]


@pytest.fixture
def course(factory):
    return import_training_course()


@pytest.fixture
def team(factory):
    return factory.team("Counter")


@pytest.fixture
def staff(factory, team):
    return factory.staff(team=team, name="Sam Learner")


def html(response) -> str:
    return response.get_data(as_text=True)


# --- staff ------------------------------------------------------------------------------------------------


def test_quiz_page_contains_no_correctness_information(client, login, staff, course):
    attempt = start_attempt(staff, module_of(course, "basics"))
    login(staff)
    page = html(client.get(f"/learning/attempts/{attempt.id}"))
    assert "correct" not in page.lower()
    for secret in SECRETS:
        assert secret not in page
    assert "data-once" in page
    # Options appear in the attempt's fixed order, each input with its label.
    shown = re.findall(r'name="q-q-single" id="q-q-single-(\w)"', page)
    assert shown == attempt.option_order["q-single"]
    for option in shown:
        assert f'<label for="q-q-single-{option}">' in page
    questions = re.findall(r'data-question="([\w-]+)"', page)
    assert questions == attempt.question_order


def test_staff_takes_fails_retakes_and_passes_through_the_pages(client, login, staff, course):
    basics = module_of(course, "basics")
    login(staff)
    response = client.post(f"/learning/courses/{course.id}/modules/basics/quiz")
    assert response.status_code == 302
    attempt_url = response.headers["Location"]
    attempt_id = int(re.search(r"/attempts/(\d+)", attempt_url).group(1))
    response = client.post(f"/learning/attempts/{attempt_id}/submit", data={"q-q-single": "b", "q-q-tf": "true"})
    assert response.status_code == 200 and "3 questions are unanswered" in html(response)  # asked, not scored
    response = client.post(f"/learning/attempts/{attempt_id}/submit",
                           data={"q-q-single": "b", "q-q-tf": "true", "confirm_blank": "1"})
    assert response.headers["Location"].endswith(f"/learning/attempts/{attempt_id}/review")
    review = html(client.get(f"/learning/attempts/{attempt_id}/review"))
    assert "Not passed" in review and "20.0%" in review
    assert "Explanationcharlie" in review and "Feedbackbravo" in review and "Feedbackalpha" in review
    assert "Wordofmouthzulu" in review  # the right answers are shown after submission

    response = client.post(f"/learning/courses/{course.id}/modules/basics/quiz")
    second = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    assert second != attempt_id
    good = correct_responses(basics)
    data = {"q-q-single": good["q-single"], "q-q-multi": good["q-multi"], "q-q-tf": "true",
            "q-q-text": " wordofmouthZULU ", "q-q-num": "31.5"}
    client.post(f"/learning/attempts/{second}/submit", data=data)
    review = html(client.get(f"/learning/attempts/{second}/review"))
    assert "100.0%" in review and "Passed" in review


def test_submitting_a_quiz_reads_the_attempt_once_and_writes_one_statement_per_table(client, login, staff,
                                                                                    course):
    attempt = start_attempt(staff, module_of(course, "basics"))
    login(staff)
    client.get(f"/learning/attempts/{attempt.id}")
    with count_queries() as queries:
        response = client.post(f"/learning/attempts/{attempt.id}/submit",
                               data={"q-q-single": "a", "confirm_blank": "1"})
    assert response.headers["Location"].endswith(f"/learning/attempts/{attempt.id}/review")
    reads = [s for s in queries.statements
             if re.match(r"\s*SELECT\b.*\sFROM quiz_attempts\b.*\sWHERE quiz_attempts\.id = ", s, re.S)]
    assert len(reads) == 1, reads  # read once, before the checks; the conditional UPDATE settles double clicks
    writes = [re.match(r"\s*(?:INSERT INTO|UPDATE|DELETE FROM) (\w+)", s).group(1) for s in queries.statements
              if re.match(r"\s*(INSERT|UPDATE|DELETE)", s)]
    assert len(writes) == len(set(writes)), writes
    assert queries.count <= 18, "\n".join(q[:150] for q in queries.statements)


def test_double_submission_through_the_form_records_one_result(client, login, staff, course):
    attempt = start_attempt(staff, module_of(course, "basics"))
    login(staff)
    first = client.post(f"/learning/attempts/{attempt.id}/submit", data={"q-q-single": "a", "confirm_blank": "1"})
    again = client.post(f"/learning/attempts/{attempt.id}/submit", data={"q-q-tf": "true", "q-q-single": "a"})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).earned == 1
    assert db.session.execute(select(func.count()).select_from(AttemptAnswer)
                              .where(AttemptAnswer.attempt_id == attempt.id)).scalar() == 5
    # The back button to the quiz page lands on the result.
    assert client.get(f"/learning/attempts/{attempt.id}").headers["Location"].endswith("/review")


def test_attempt_limit_is_explained_not_crashed(client, login, staff, course):
    basics = module_of(course, "basics")
    for _ in range(3):
        submit_attempt(start_attempt(staff, basics), {})
    login(staff)
    response = client.post(f"/learning/courses/{course.id}/modules/basics/quiz", follow_redirects=True)
    assert response.status_code == 200
    assert "used every attempt" in html(response)


def test_lesson_is_sanitized_translated_and_counted_as_read(client, login, factory, team, course):
    polish = factory.staff(team=team, language="pl")
    login(polish)
    page = html(client.get(f"/learning/courses/{course.id}/modules/basics/lessons/hello"))
    assert "dzień dobry" in page
    english_only = html(client.get(f"/learning/courses/{course.id}/modules/basics/lessons/names"))
    assert "Use the customer" in english_only and 'lang="en"' in english_only
    reads = db.session.execute(select(LessonRead.lesson_key).where(LessonRead.user_id == polish.id)).scalars()
    assert sorted(reads) == ["hello", "names"]


def test_lesson_markdown_cannot_inject_script(client, login, staff, course):
    login(staff)
    page = html(client.get(f"/learning/courses/{course.id}/modules/basics/lessons/hello"))
    assert "<strong>hello</strong>" in page
    assert "<script>alert" not in page


def test_my_learning_shows_progress_due_dates_overdue_and_reasons(client, login, staff, course, factory, team,
                                                               monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 12, 0))
    boss = factory.supervisor(team, name="Bea Boss")
    assign_course(staff, course, date(2026, 5, 1), boss)
    assign_course(staff, course, date(2026, 6, 1), None, module_key="basics", reason="retraining", audit_id=77,
                  step_key="greet")
    login(staff)
    client.get(f"/learning/courses/{course.id}/modules/basics/lessons/hello")
    page = html(client.get("/learning/"))
    assert "Assigned by Bea Boss" in page
    assert ('Retraining after <a href="/audits/77">audit #77</a>, step “Greet the customer”' in page)
    assert "Overdue since" in page
    # Units: each lesson and each quiz of the required modules (2 + 1 and 1 + 1); one lesson read.
    assert re.search(r'<progress id="progress-\d+" max="5" value="1">', page)
    assert re.search(r'<progress id="progress-\d+" max="3" value="1">', page)


def test_home_warns_thirty_days_before_a_certificate_expires(client, login, staff, course, monkeypatch):
    now = datetime(2026, 5, 10, 12, 0)
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    db.session.add(Certificate(user_id=staff.id, course_id=course.id, course_version_id=course.current_version_id,
                               issued_at=now - timedelta(days=340), expires_on=(now + timedelta(days=25)).date()))
    db.session.flush()
    login(staff)
    home = html(client.get("/"))
    assert "expires on" in home and "World certified" in home


def test_expired_certificate_is_reassigned_when_the_learning_page_loads(client, login, staff, course, monkeypatch):
    now = datetime(2026, 5, 10, 12, 0)
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    db.session.add(Certificate(user_id=staff.id, course_id=course.id, course_version_id=course.current_version_id,
                               issued_at=now - timedelta(days=400), expires_on=(now - timedelta(days=35)).date()))
    db.session.flush()
    login(staff)
    page = html(client.get("/learning/"))
    assert "Recertification" in page
    assert db.session.execute(select(Assignment.reason).where(Assignment.user_id == staff.id)).scalar_one() == (
        "recertification")


def test_certificate_page_prints_and_names_the_holder(client, login, staff, course):
    for key in ("basics", "needs"):
        module = module_of(course, key)
        submit_attempt(start_attempt(staff, module), correct_responses(module))
    certificate = db.session.execute(select(Certificate)).scalar_one()
    login(staff)
    page = html(client.get(f"/learning/certificates/{certificate.id}"))
    assert "Sam Learner" in page and "World certified" in page
    assert "css/print.css" in page and 'media="print"' in page


# --- access -----------------------------------------------------------------------------------------------


def test_other_staff_cannot_see_or_submit_an_attempt(client, login, staff, course, factory, team):
    attempt = start_attempt(staff, module_of(course, "needs"))
    colleague = factory.staff(team=team)
    login(colleague)
    assert client.get(f"/learning/attempts/{attempt.id}").status_code == 404
    assert client.post(f"/learning/attempts/{attempt.id}/submit", data={"q-q1": "true"}).status_code == 404
    submit_attempt(attempt, {"q1": "true"})
    assert client.get(f"/learning/attempts/{attempt.id}/review").status_code == 404
    basics = module_of(course, "basics")
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert client.get(f"/learning/certificates/{certificate.id}").status_code == 404


def test_supervisor_sees_own_team_only(client, login, staff, course, factory, team):
    attempt = submit_attempt(start_attempt(staff, module_of(course, "needs")), {"q1": "false"})
    other_team = factory.team("Elsewhere")
    own = factory.supervisor(team)
    stranger = factory.supervisor(other_team)
    login(stranger)
    assert client.get(f"/learning/attempts/{attempt.id}/review").status_code == 404
    assert client.get(f"/learning/teams/{team.id}").status_code == 403
    assert "Sam Learner" not in html(client.get(f"/learning/teams?team={team.id}"))
    response = client.post("/learning/assign", data={"course_id": course.id, "who": f"user-{staff.id}"})
    assert response.status_code == 400
    assert db.session.execute(select(func.count()).select_from(Assignment)).scalar() == 0
    client.post("/logout")
    login(own)
    assert client.get(f"/learning/attempts/{attempt.id}/review").status_code == 200


def test_trainer_cannot_open_individual_attempts(client, login, staff, course, factory):
    attempt = submit_attempt(start_attempt(staff, module_of(course, "needs")), {"q1": "true"})
    login(factory.trainer())
    assert client.get(f"/learning/attempts/{attempt.id}/review").status_code == 403


# --- supervisors ------------------------------------------------------------------------------------------


def test_supervisor_assigns_a_course_to_a_whole_team(client, login, course, factory, team, staff):
    second = factory.staff(team=team, name="Second Learner")
    supervisor = factory.supervisor(team)
    login(supervisor)
    due = (clock.today() + timedelta(days=14)).isoformat()
    response = client.post("/learning/assign", data={"course_id": course.id, "who": f"team-{team.id}",
                                                     "due_date": due})
    assert response.status_code == 302
    rows = db.session.execute(select(Assignment.user_id, Assignment.assigned_by_id, Assignment.due_date)).all()
    assert sorted(rows) == sorted([(staff.id, supervisor.id, date.fromisoformat(due)),
                                   (second.id, supervisor.id, date.fromisoformat(due))])


def test_assigning_with_a_past_due_date_is_refused_with_a_message(client, login, course, team, staff, factory):
    login(factory.supervisor(team))
    response = client.post("/learning/assign", data={"course_id": course.id, "who": f"user-{staff.id}",
                                                     "due_date": "2001-01-01"})
    assert response.status_code == 400
    assert "in the past" in html(response)


def test_completion_matrix_shows_each_status(client, login, course, factory, team, staff, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 12, 0))
    failing = factory.staff(team=team, name="Fay Failing")
    late = factory.staff(team=team, name="Lee Late")
    reader = factory.staff(team=team, name="Rea Reader")
    submit_attempt(start_attempt(staff, module_of(course, "basics")), correct_responses(module_of(course, "basics")))
    submit_attempt(start_attempt(failing, module_of(course, "basics")), {})
    assign_course(late, course, date(2026, 5, 1), None)
    client_login = login(factory.supervisor(team))
    assert client_login
    client.get("/")  # warm the session
    db.session.add(LessonRead(user_id=reader.id, course_id=course.id, module_key="basics", lesson_key="hello"))
    db.session.flush()
    page = html(client.get(f"/learning/teams?team={team.id}&course={course.id}"))

    def row(name):
        return re.findall(r'class="status status-(\w+)"', re.search(rf"{name}</th>(.*?)</tr>", page, re.S).group(1))

    assert row("Sam Learner") == ["passed", "not_started", "not_started"]
    assert row("Fay Failing") == ["failed", "not_started", "not_started"]
    assert row("Lee Late") == ["overdue", "overdue", "not_started"]  # the optional module is not overdue
    assert row("Rea Reader") == ["in_progress", "not_started", "not_started"]
    assert "matrix-legend" in page
    # Supervisors open the last submitted attempt from its cell.
    sam = re.search(r"Sam Learner</th>(.*?)</tr>", page, re.S).group(1)
    assert re.search(r'href="/learning/attempts/\d+/review"', sam)


def test_learning_page_and_matrix_run_a_bounded_number_of_queries(client, login, course, factory, team, staff):
    for _ in range(6):
        other = factory.staff(team=team)
        assign_course(other, course, None, None)
        submit_attempt(start_attempt(other, module_of(course, "needs")), {"q1": "true"})
    for key in ("basics", "needs", "extra"):
        assign_course(staff, course, None, None, module_key=key)
    submit_attempt(start_attempt(staff, module_of(course, "basics")), {})
    login(staff)
    client.get("/learning/")
    with count_queries() as queries:
        assert client.get("/learning/").status_code == 200
    assert queries.count <= 16, "\n".join(q[:150] for q in queries.statements)
    client.post("/logout")
    login(factory.supervisor(team))
    client.get("/learning/teams")
    with count_queries() as queries:
        assert client.get(f"/learning/teams?team={team.id}&course={course.id}").status_code == 200
    assert queries.count <= 16, "\n".join(q[:150] for q in queries.statements)


# --- trainers ---------------------------------------------------------------------------------------------

# Which questions each of four people answers right (basics quiz, every question 1 point).
PATTERNS = {
    "A": {"q-single", "q-multi", "q-tf", "q-text", "q-num"},  # 100
    "B": {"q-single", "q-multi", "q-tf"},                     # 60
    "C": {"q-single"},                                        # 20
    "D": {"q-tf"},                                            # 20, picks option b in q-single
}


def test_item_analysis_matches_a_hand_computed_example(client, login, course, factory, team):
    basics = module_of(course, "basics")
    good = correct_responses(basics)
    for name, right in PATTERNS.items():
        person = factory.staff(team=team, name=f"Person {name}")
        responses = {qid: good[qid] for qid in right}
        if name == "D":
            responses["q-single"] = "b"
        submit_attempt(start_attempt(person, basics), responses)
    login(factory.trainer())
    index = html(client.get("/learning/items"))
    assert re.search(r">4</td>\s*<td class=\"num\">4</td>\s*<td class=\"num\">50%</td>", index)  # A and B pass
    page = html(client.get(f"/learning/items/{basics.id}"))

    def row(question):
        return re.search(rf'id="item-{question}">(.*?)</tr>', page, re.S).group(1)

    # q-single: right 3 of 4. Rest scores 4, 2, 0, 1 -> r = 0.75 / sqrt(0.75 * 8.75) = 0.29.
    assert "75%" in row("q-single") and "0.29" in row("q-single")
    # q-text: right 1 of 4 (A). Rest scores 4, 3, 1, 1 -> r = 1.75 / sqrt(0.75 * 6.75) = 0.78;
    # upper/lower groups of one (27% of 4 rounds to 1): A vs the first of the two lowest (C) -> D = 1.00.
    assert "25%" in row("q-text") and "0.78" in row("q-text") and "1.00" in row("q-text")
    # Option choices of q-single: a three times, b once.
    counts = re.findall(r'<span class="option-count">(\d+)</span>', page)
    assert counts[:3] == ["3", "1", "0"]
    assert "<svg" in page and "difficulty-chart" in page
    # The page agrees with the pure statistics.
    expected = item_analysis([AttemptItems(total_score=float(100 * len(r) / 5),
                                           items={q: q in r for q in good}) for r in PATTERNS.values()])
    assert {s.question: round(s.difficulty, 2) for s in expected}["q-text"] == 0.25


def test_item_analysis_is_per_version(client, login, course, factory, team, staff):
    from tests.web.world_training import TRAINING_YAML

    old = module_of(course, "basics")
    submit_attempt(start_attempt(staff, old), {})
    changed = import_training_course(TRAINING_YAML.replace("pass_mark: 60", "pass_mark: 70"))
    new = module_of(changed, "basics")
    login(factory.trainer())
    assert "Nobody has submitted" in html(client.get(f"/learning/items/{new.id}"))
    assert "1</span><span class=\"kpi-label\">first attempts" in html(client.get(f"/learning/items/{old.id}"))


def test_supervisor_home_counts_open_and_overdue_assignments_of_own_teams(client, login, staff, course, factory,
                                                                          team, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 12, 0))
    assign_course(staff, course, date(2026, 5, 1), None)
    assign_course(staff, course, date(2026, 6, 1), None, module_key="needs")
    elsewhere = factory.staff(team=factory.team("Far away"))
    assign_course(elsewhere, course, date(2026, 5, 1), None)
    login(factory.supervisor(team))
    home = html(client.get("/"))
    assert "Team learning" in home
    assert "2 open assignments" in home and "1 overdue" in home
    assert "Far away" not in home


def test_an_overdue_retraining_outranks_an_earlier_pass_in_the_matrix(client, login, course, factory, team, staff,
                                                                     monkeypatch):
    from bro.training.operations import assign_retraining

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 3, 1, 9, 0))
    basics = module_of(course, "basics")
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 4, 1, 9, 0))
    assign_retraining(staff, basics, audit_id=9, step_key="greet")
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 1, 9, 0))
    login(factory.supervisor(team))
    page = html(client.get(f"/learning/teams?team={team.id}&course={course.id}"))
    cells = re.findall(r'class="status status-(\w+)"', re.search(r"Sam Learner</th>(.*?)</tr>", page, re.S).group(1))
    assert cells == ["overdue", "not_started", "not_started"]


# --- item analysis: first attempts, evidence before flags, wrong typed answers ---------------------------------


def _attempt(person, module, responses):
    return submit_attempt(start_attempt(person, module), responses)


def test_item_analysis_uses_first_attempts_unless_all_are_asked_for(client, login, course, factory, team):
    basics = module_of(course, "basics")
    good = correct_responses(basics)
    person = factory.staff(team=team, name="Retaker")
    _attempt(person, basics, {})
    _attempt(person, basics, good)
    login(factory.trainer())
    first = html(client.get(f"/learning/items/{basics.id}"))
    assert "1</span><span class=\"kpi-label\">first attempts" in first
    assert re.search(r'id="item-q-tf">.*?>0%<', first, re.S)  # the first attempt was blank
    every = html(client.get(f"/learning/items/{basics.id}?attempts=all"))
    assert "2</span><span class=\"kpi-label\">submitted attempts" in every
    assert re.search(r'id="item-q-tf">.*?>50%<', every, re.S)


def test_item_analysis_shows_figures_without_flags_below_thirty_attempts(client, login, course, factory, team):
    basics = module_of(course, "basics")
    good = correct_responses(basics)
    for number in range(9):  # n = 9: q-tf right only for the weakest attempts -> negative discrimination
        person = factory.staff(team=team, name=f"Few {number}")
        responses = {"q-tf": good["q-tf"]} if number < 3 else {q: v for q, v in good.items() if q != "q-tf"}
        _attempt(person, basics, responses)
    login(factory.trainer())
    page = html(client.get(f"/learning/items/{basics.id}"))
    row = re.search(r'id="item-q-tf">(.*?)</tr>', page, re.S).group(1)
    assert "-" in row and "too few attempts to judge" in row
    assert "negative discrimination" not in row and "badge-bad" not in row
    assert "from 30 answers on" in page  # the threshold the code uses, stated on the page


def test_item_analysis_lists_the_most_common_wrong_typed_answers(client, login, course, factory, team):
    basics = module_of(course, "basics")
    typed = ["3,000", "3,000", " 3,000", "30", "Rumour", "rumour ", "gossip"]
    for number, answer in enumerate(typed):
        person = factory.staff(team=team, name=f"Typist {number}")
        _attempt(person, basics, {"q-num": answer if answer[0] in " 3" else "", "q-text": answer})
    login(factory.trainer())
    page = html(client.get(f"/learning/items/{basics.id}"))
    numbers = re.search(r'data-wrong-answers="q-num">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'option-count">(\d+)<.*?<code>(.*?)</code>', numbers, re.S) == [("3", "3,000"), ("1", "30")]
    texts = re.search(r'data-wrong-answers="q-text">(.*?)</ul>', page, re.S).group(1)
    shown = re.findall(r'option-count">(\d+)<.*?<code>(.*?)</code>', texts, re.S)
    assert shown[0] == ("3", "3,000") and ("2", "Rumour") in shown and ("1", "gossip") in shown
