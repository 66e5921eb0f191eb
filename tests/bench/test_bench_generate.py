"""The benchmark generator at a tiny size: deterministic from its seed, and consistent with the app's rules."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from bench import generate as gen

pytestmark = pytest.mark.no_db

END = date(2026, 11, 22)
FAST_HASH = "pbkdf2:sha256:1000"


def _generate(path, seed: int = 1) -> str:
    url = f"sqlite:///{path}"
    gen.generate(url, seed=seed, scale=0.001, end=END, password_method=FAST_HASH, show_progress=False)
    return url


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    return _generate(tmp_path_factory.mktemp("bench") / "tiny.sqlite3")


def test_full_scale_sizes_are_those_of_the_issue():
    sizes = gen.Sizes.for_scale(1.0)
    assert (sizes.teams, sizes.staff, sizes.audits, sizes.attempts) == (100, 2000, 200_000, 500_000)


def test_quarter_size_can_keep_the_organisation_and_shrink_the_history():
    sizes = gen.Sizes.for_scale(0.25, org_scale=1.0)
    assert (sizes.teams, sizes.staff, sizes.audits, sizes.attempts) == (100, 2000, 50_000, 125_000)


def test_same_seed_gives_the_same_rows(tiny, tmp_path):
    again = _generate(tmp_path / "again.sqlite3")
    assert gen.database_digest(again) == gen.database_digest(tiny)


def test_another_seed_gives_other_rows(tiny, tmp_path):
    other = _generate(tmp_path / "other.sqlite3", seed=2)
    tables = ["audits", "audit_ratings", "quiz_attempts"]
    assert gen.database_digest(other, tables) != gen.database_digest(tiny, tables)


def test_derived_tables_and_scores_agree_with_the_ratings_and_bro_scoring(tiny):
    assert gen.derived_table_problems(tiny) == []


@pytest.mark.parametrize("table, column", [("audit_step_weeks", "nonconforming"), ("audit_staff_weeks", "failed"),
                                           ("audit_staff_step_weeks", "rated"), ("audit_org_step_weeks", "rated")])
def test_the_consistency_check_notices_a_wrong_weekly_summary(tiny, tmp_path, table, column):
    copy = tmp_path / "tampered.sqlite3"
    copy.write_bytes(open(tiny.split("///", 1)[1], "rb").read())
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {column} = {column} + 1 "
                                f"WHERE week_start = (SELECT MIN(week_start) FROM {table})"))
    engine.dispose()
    assert any(f"{table} " in problem for problem in gen.derived_table_problems(f"sqlite:///{copy}"))


def test_every_audit_rates_every_step_and_sizes_match(tiny):
    sizes = gen.Sizes.for_scale(0.001)
    engine = create_engine(tiny)
    with engine.connect() as connection:
        audits = connection.execute(text("SELECT COUNT(*) FROM audits")).scalar()
        results = connection.execute(text("SELECT COUNT(*) FROM audit_step_results")).scalar()
        attempts = connection.execute(text("SELECT COUNT(*) FROM quiz_attempts")).scalar()
        staff = connection.execute(text("SELECT COUNT(*) FROM user_roles WHERE role = 'staff'")).scalar()
        latest = connection.execute(text("SELECT MAX(interacted_on) FROM audits")).scalar()
    engine.dispose()
    assert (audits, results, attempts, staff) == (sizes.audits, 12 * sizes.audits, sizes.attempts, sizes.staff)
    assert latest <= END.isoformat()


def test_stored_quiz_judgements_are_those_of_the_curricula_rules(tiny):
    from bro.curricula import document_from_dict, is_correct
    from bro.models.curricula import CourseModule, CourseVersion
    from bro.models.training import AttemptAnswer, QuizAttempt
    from sqlalchemy import select

    engine = create_engine(tiny)
    with engine.connect() as connection:
        quizzes = {}
        for module_id, key, document in connection.execute(
                select(CourseModule.id, CourseModule.key, CourseVersion.document)
                .join(CourseVersion, CourseVersion.id == CourseModule.course_version_id)):
            quizzes[module_id] = {q.id: q for q in document_from_dict(document).module(key).quiz.questions}
        rows = connection.execute(
            select(QuizAttempt.module_id, AttemptAnswer.question_key, AttemptAnswer.response, AttemptAnswer.correct)
            .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id).limit(300)).all()
    engine.dispose()
    assert rows
    assert all(is_correct(quizzes[module_id][key], response) == correct for module_id, key, response, correct in rows)


def test_the_generated_users_can_log_in_with_the_documented_password(tiny):
    from werkzeug.security import check_password_hash

    engine = create_engine(tiny)
    with engine.connect() as connection:
        hashed = connection.execute(text("SELECT password_hash FROM users WHERE email = :e"),
                                    {"e": gen.ADMIN_EMAIL}).scalar()
    engine.dispose()
    assert check_password_hash(hashed, gen.PASSWORD)


def test_every_generated_audit_has_a_lifecycle_whose_latest_event_gives_its_status(tiny):
    engine = create_engine(tiny)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.id, a.status, e.kind, e.number, a.revision_number, e.revision_number FROM audits a "
            "JOIN audit_events e ON e.audit_id = a.id "
            "AND e.number = (SELECT MAX(l.number) FROM audit_events l WHERE l.audit_id = a.id)")).all()
        audits = connection.execute(text("SELECT COUNT(*) FROM audits")).scalar()
        first = connection.execute(text("SELECT COUNT(*) FROM audit_events WHERE number = 1 AND kind = 'recorded'"))
        recorded = first.scalar()
    engine.dispose()
    from bro.models.audits import STATUS_AFTER

    assert len(rows) == audits == recorded
    assert all(status == STATUS_AFTER[kind] for _id, status, kind, *_rest in rows)
    assert all(current == at_event for *_rest, current, at_event in rows)


def _indexes(url: str) -> set[tuple]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")).all()
    engine.dispose()
    return {tuple(row) for row in rows}


def test_indexes_dropped_for_loading_are_recreated_as_the_migrations_made_them(tiny, tmp_path):
    migrated = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    gen.create_schema(gen.make_app(migrated, FAST_HASH))
    assert _indexes(tiny) == _indexes(migrated)
    assert any(name == "ix_audit_step_results_team_day" for name, _table, _sql in _indexes(tiny))


def test_the_generated_sqlite_file_is_left_in_wal_mode_as_the_app_uses_it(tiny):
    engine = create_engine(tiny)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()
    assert mode == "wal"


def test_memoized_quiz_answers_are_judged_by_the_curricula_rules_and_drawn_as_before():
    import random

    from bench import curricula as bench_curricula
    from bro.curricula import document_from_dict, is_correct

    course = document_from_dict(bench_curricula.course_document(1))
    questions = [question for module in course.modules for question in module.quiz.questions]
    answers, rng, again = gen.QuizAnswers(), random.Random(3), random.Random(3)
    for question in questions * 20:
        right = rng.random() < 0.6
        response, correct, _points = answers(question, right, rng)
        assert correct == is_correct(question, response)
        again.random()
        assert response == gen.quiz_response(question, right, answers.draw(question, right, again))
    assert rng.random() == again.random()  # the memo draws exactly what building each response draws
