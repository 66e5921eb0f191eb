"""Running sums for item analysis, kept as attempts are submitted (tables in bro.models.training).

`record_attempt` adds one submitted attempt's contribution in the submission's transaction: to scope "all",
and to scope "first" when it is the person's first submitted attempt at the module row (claimed in
quiz_first_attempts; a person has at most one open attempt at a module, so submissions come in id order and
the first submitted is also the lowest id, which is what the item analysis has always counted).
`read_sums` gives the item analysis page its figures from a few rows per question, and `rebuild` recomputes
every sum from the attempts (the migration's back-fill, the benchmark's generator, repairs).

What is summed, per question, over the attempts answering it: n, Σx (x = 1 for a correct answer), Σy, Σy²
and Σxy (y = the rest score, the attempt's points on its other questions, in thousandths of a point: integers,
exact on every database); answers per total score and how many were correct (Kelley's D); answers per
response and how many were correct (option counts, wrong typed answers). Nothing depends on the question
type: a new type (say `ordering`) is counted like the others.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select, text

from bro.database import add_counts, insert_new_rows
from bro.extensions import db
from bro.models.training import QuizFirstAttempt, QuizItemSum, QuizItemTally, QuizModuleSum
from bro.curricula import Question
from bro.curricula.questions import tallies as question_tallies
from bro.quality.items import ItemSums

SCOPES = ("all", "first")
MILLI = 1000  # rest scores in thousandths of a point (AttemptAnswer.points has 3 decimals)
SCORE_UNIT = 10000  # total scores in ten-thousandths (QuizAttempt.score has 4 decimals)


@dataclass(frozen=True)
class Answer:
    question_key: str
    correct: bool
    points: Decimal | float | int | None
    response: object


def _milli(points) -> int:
    return int((Decimal(str(points or 0)) * MILLI).to_integral_value())


def _score_value(score) -> str:
    return str(int((Decimal(str(score or 0)) * SCORE_UNIT).to_integral_value()))


def response_text(response) -> str:
    """A response as the JSON column stores it (the tally's value)."""
    return json.dumps(response)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def contribution(module_id: int, scopes: Sequence[str], score, passed: bool, answers: Sequence[Answer]):
    """The rows one attempt adds: (module sums, item sums, tallies), for each of ``scopes``."""
    earned = {answer.question_key: _milli(answer.points) for answer in answers}
    total = sum(earned.values())
    score_value = _score_value(score)
    modules, items, tallies = [], [], {}
    for scope in scopes:
        modules.append({"module_id": module_id, "scope": scope, "attempts": 1, "passed": int(bool(passed))})
        for answer in answers:
            x = int(bool(answer.correct))
            y = total - earned[answer.question_key]
            items.append({"module_id": module_id, "scope": scope, "question_key": answer.question_key, "n": 1,
                          "correct": x, "rest_sum": y, "rest_squares": y * y, "correct_rest": x * y})
            for kind, value in (("score", score_value), ("response", response_text(answer.response))):
                key = (scope, answer.question_key, kind, _hash(value))
                row = tallies.get(key)
                if row is None:
                    tallies[key] = {"module_id": module_id, "scope": scope, "question_key": answer.question_key,
                                    "kind": kind, "value_hash": key[3], "value": value, "count": 1, "correct": x}
                else:  # the same question twice in one attempt cannot happen; counted anyway
                    row["count"] += 1
                    row["correct"] += x
    return modules, items, list(tallies.values())


def record_attempt(*, attempt_id: int, module_id: int, user_id: int, score, passed: bool,
                   answers: Sequence[Answer]) -> None:
    """Add a just-submitted attempt to the running sums (three or four statements, whatever the quiz size)."""
    first = insert_new_rows(QuizFirstAttempt, [{"module_id": module_id, "user_id": user_id,
                                                "attempt_id": attempt_id}], unique=["module_id", "user_id"]) == 1
    modules, items, tallies = contribution(module_id, SCOPES if first else ("all",), score, passed, answers)
    add_counts(QuizModuleSum, modules, keys=("module_id", "scope"), counters=("attempts", "passed"))
    add_counts(QuizItemSum, items, keys=("module_id", "scope", "question_key"),
               counters=("n", "correct", "rest_sum", "rest_squares", "correct_rest"))
    add_counts(QuizItemTally, tallies, keys=("module_id", "scope", "question_key", "kind", "value_hash"),
               counters=("count", "correct"))


@dataclass
class ModuleSums:
    attempts: int
    passed: int
    items: dict[str, ItemSums]
    responses: dict[str, list[tuple[object, int, int]]]  # question -> (response, answers, correct)


def read_sums(module_id: int, scope: str, choice_questions: Mapping[str, Question]) -> ModuleSums:
    """The sums of one module row and scope: one row for the module, one per question, and its tallies.

    ``choice_questions``: the questions whose type counts something in a response (options chosen, places
    given), counted by the type's own ``tallies``."""
    choice = choice_questions
    module = db.session.get(QuizModuleSum, (module_id, scope))
    tallies = db.session.execute(
        select(QuizItemTally.question_key, QuizItemTally.kind, QuizItemTally.value, QuizItemTally.count,
               QuizItemTally.correct)
        .where(QuizItemTally.module_id == module_id, QuizItemTally.scope == scope)).all()
    by_score: dict[str, dict[float, tuple[int, int]]] = defaultdict(dict)
    options: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    responses: dict[str, list[tuple[object, int, int]]] = defaultdict(list)
    for question_key, kind, value, count, correct in tallies:
        if kind == "score":
            by_score[question_key][int(value) / SCORE_UNIT] = (int(count), int(correct))
            continue
        try:
            response = json.loads(value)
        except ValueError:
            response = value
        responses[question_key].append((response, int(count), int(correct)))
        if question_key in choice and response is not None:
            for key in question_tallies(choice[question_key], response):
                options[question_key][key] += int(count)
    items = {}
    for row in db.session.execute(select(QuizItemSum).where(QuizItemSum.module_id == module_id,
                                                            QuizItemSum.scope == scope)).scalars():
        items[row.question_key] = ItemSums(
            question=row.question_key, n=int(row.n), correct=int(row.correct), rest_sum=int(row.rest_sum),
            rest_squares=int(row.rest_squares), correct_rest=int(row.correct_rest),
            by_score=by_score.get(row.question_key, {}), option_counts=dict(options.get(row.question_key, {})))
    return ModuleSums(int(module.attempts) if module else 0, int(module.passed) if module else 0, items,
                      dict(responses))


# --- rebuilding from the attempts -----------------------------------------------------------------------------

_POINTS = "CAST(ROUND(COALESCE(x.points, 0) * 1000) AS BIGINT)"
_ANSWERS = f"""
    FROM attempt_answers x
    JOIN quiz_attempts a ON a.id = x.attempt_id
    JOIN (SELECT attempt_id, SUM(CAST(ROUND(COALESCE(points, 0) * 1000) AS BIGINT)) AS total
          FROM attempt_answers GROUP BY attempt_id) t ON t.attempt_id = x.attempt_id
    {{first}}
    WHERE a.submitted_at IS NOT NULL
"""
_FIRST_JOIN = "JOIN quiz_first_attempts f ON f.attempt_id = a.id"


def rebuild(connection) -> dict[str, int]:
    """Recompute every running sum from the submitted attempts (SQL, on SQLite and PostgreSQL), in the
    caller's transaction. Returns rows written per table."""
    for table in ("quiz_item_tallies", "quiz_item_sums", "quiz_module_sums", "quiz_first_attempts"):
        connection.execute(text(f"DELETE FROM {table}"))
    connection.execute(text(
        "INSERT INTO quiz_first_attempts (module_id, user_id, attempt_id) "
        "SELECT module_id, user_id, MIN(id) FROM quiz_attempts WHERE submitted_at IS NOT NULL "
        "GROUP BY module_id, user_id"))
    correct = "CASE WHEN x.correct THEN 1 ELSE 0 END"
    rest = f"(t.total - {_POINTS})"
    for scope in SCOPES:
        first = _FIRST_JOIN if scope == "first" else ""
        # Attempts with at least one answer, as the item analysis counts them.
        connection.execute(text(
            "INSERT INTO quiz_module_sums (module_id, scope, attempts, passed) "
            f"SELECT a.module_id, '{scope}', COUNT(*), SUM(CASE WHEN a.passed THEN 1 ELSE 0 END) "
            f"FROM quiz_attempts a {first} WHERE a.submitted_at IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM attempt_answers x WHERE x.attempt_id = a.id) GROUP BY a.module_id"))
        connection.execute(text(
            "INSERT INTO quiz_item_sums (module_id, scope, question_key, n, correct, rest_sum, rest_squares, "
            "correct_rest) "
            f"SELECT a.module_id, '{scope}', x.question_key, COUNT(*), SUM({correct}), SUM({rest}), "
            f"SUM({rest} * {rest}), SUM(CASE WHEN x.correct THEN {rest} ELSE 0 END) "
            + _ANSWERS.format(first=first) + " GROUP BY a.module_id, x.question_key"))
        # Tallies: grouped in SQL, keyed (hashed) here.
        score = "CAST(ROUND(COALESCE(a.score, 0) * 10000) AS BIGINT)"
        rows = []
        for module_id, question_key, value, count, right in connection.execute(text(
                f"SELECT a.module_id, x.question_key, {score}, COUNT(*), SUM({correct}) "
                + _ANSWERS.format(first=first) + f" GROUP BY a.module_id, x.question_key, {score}")):
            rows.append(_tally(module_id, scope, question_key, "score", str(int(value)), count, right))
        as_text = "CAST(x.response AS TEXT)"
        merged: dict[tuple, dict] = {}
        for module_id, question_key, raw, count, right in connection.execute(text(
                f"SELECT a.module_id, x.question_key, {as_text}, COUNT(*), SUM({correct}) "
                + _ANSWERS.format(first=first) + f" GROUP BY a.module_id, x.question_key, {as_text}")):
            # The same response stored in two spellings (drivers differ in spacing) is one tally row.
            try:
                value = response_text(json.loads(raw)) if raw is not None else response_text(None)
            except ValueError:
                value = response_text(raw)
            row = _tally(module_id, scope, question_key, "response", value, count, right)
            key = (module_id, question_key, row["value_hash"])
            if key in merged:
                merged[key]["count"] += row["count"]
                merged[key]["correct"] += row["correct"]
            else:
                merged[key] = row
        rows.extend(merged.values())
        for start in range(0, len(rows), 1000):
            connection.execute(QuizItemTally.__table__.insert(), rows[start:start + 1000])
    return {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
            for table in ("quiz_first_attempts", "quiz_module_sums", "quiz_item_sums", "quiz_item_tallies")}


def _tally(module_id, scope, question_key, kind, value, count, correct) -> dict:
    return {"module_id": module_id, "scope": scope, "question_key": question_key, "kind": kind,
            "value_hash": _hash(value), "value": value, "count": int(count), "correct": int(correct or 0)}


def clear_module(module_id: int) -> None:  # pragma: no cover - for repairs from a shell
    for model in (QuizItemTally, QuizItemSum, QuizModuleSum, QuizFirstAttempt):
        db.session.execute(delete(model).where(model.module_id == module_id))
