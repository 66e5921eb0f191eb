"""Generate a large organisation deterministically from a seed, fast.

    python -m bench.generate --seed 1 --scale 1.0 --database-url sqlite:///bench/bench.sqlite3

At scale 1: 2,000 staff in 100 teams (a supervisor per team, a few supervising several teams, trainers, an
admin), one standard of 12 steps and three courses imported through the real curricula import path, 200,000
audits (2.4 million step ratings) over two years ending at ``--end``, and 500,000 quiz attempts.
``--scale`` multiplies every size; ``--org-scale`` (default: ``--scale``) the organisation alone, so a run
can keep the organisation and shrink only the history (the quarter-size comparison).

Speed comes from bulk inserts: plain DB-API ``executemany`` in one transaction with
``PRAGMA synchronous=OFF`` and no write-ahead log while loading on SQLite, ``COPY`` on PostgreSQL; the
indexes of the big tables (and on PostgreSQL their keys and foreign keys) are dropped first and rebuilt from
the database's own definitions afterwards; values are converted once per distinct value, quiz answers judged
once per distinct response. Scores come from ``bro.scoring``, quiz judgements from
``bro.curricula.is_correct``; the derived audit tables (step results and weekly summaries) are filled with the
rows ``bro.audits.operations`` would write for the same audits.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable, Iterable, Sequence

import click
from sqlalchemy import Table, create_engine, event, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from bench import curricula as bench_curricula

PASSWORD = "bench-password-1"
EMAIL_DOMAIN = "bench.example"
HISTORY_DAYS = 730
AUDIT_CHUNK = 5_000
ATTEMPT_CHUNK = 10_000
SCORE_PLACES = Decimal("0.001")  # Audit.score / AuditRevision.score: Numeric(6, 3), bro.scoring.score_key
EXACT_PLACES = Decimal("0.0001")  # Audit.score_earned / score_possible: Numeric(14, 4), exact
QUIZ_SCORE_PLACES = Decimal("0.0001")  # QuizAttempt.score: Numeric(8, 4)
POINT_PLACES = Decimal("0.001")
CHANNELS = ("phone", "email", "chat", "in_person", "meeting")
LANGUAGES = ("en", "en", "en", "id", "pl")
FIRST_NAMES = ("Ada", "Budi", "Celina", "Dewi", "Emil", "Fajar", "Gosia", "Hadi", "Irena", "Joko", "Kasia",
               "Lestari", "Marek", "Nur", "Ola", "Putri", "Rafał", "Sari", "Tomasz", "Wulan")
LAST_NAMES = ("Nowak", "Santoso", "Kowalski", "Wijaya", "Wiśniewska", "Halim", "Lewandowski", "Susanto",
              "Zielińska", "Gunawan", "Mazur", "Pratama", "Krawczyk", "Hidayat", "Jankowska", "Saputra")


# --------------------------------------------------------------------------------------------- sizes
@dataclass(frozen=True)
class Sizes:
    teams: int
    staff: int
    spanning_supervisors: int
    trainers: int
    audits: int
    attempts: int
    courses: int = 3

    @classmethod
    def for_scale(cls, scale: float, org_scale: float | None = None) -> Sizes:
        org = scale if org_scale is None else org_scale
        teams = max(2, round(100 * org))
        return cls(
            teams=teams,
            staff=max(2 * teams, round(2000 * org)),
            spanning_supervisors=max(1, round(4 * org)),
            trainers=max(1, round(5 * org)),
            audits=max(24, round(200_000 * scale)),
            attempts=max(24, round(500_000 * scale)),
        )


@dataclass
class Report:
    database_url: str
    seed: int
    scale: float
    org_scale: float | None
    end: str
    sizes: dict
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    schema: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"database_url": redact(self.database_url), "seed": self.seed, "scale": self.scale,
                "org_scale": self.org_scale, "end": self.end, "sizes": self.sizes, "rows": self.rows,
                "total_rows": self.total_rows, "seconds": round(self.seconds, 2),
                "rows_per_second": round(self.rows_per_second), "schema": self.schema, "notes": self.notes}


def redact(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}" if ":" in credentials else url
    return url


# --------------------------------------------------------------------------------------------- database
def fresh_database(url: str) -> None:
    """Start from nothing: remove a SQLite file, or drop everything in the PostgreSQL database's public schema."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def create_schema(app) -> str:
    """``flask db upgrade``; if it fails or leaves tables of the models missing, ``db.create_all()`` instead."""
    from flask_migrate import upgrade

    from bro.extensions import db

    with app.app_context():
        try:
            upgrade()
        except BaseException as error:  # noqa: BLE001 (Alembic raises SystemExit/CommandError alike)
            reason = f"flask db upgrade failed ({type(error).__name__}: {str(error)[:200]})"
        else:
            existing = set(inspect(db.engine).get_table_names())
            missing = sorted(set(db.metadata.tables) - existing)
            if not missing:
                return "flask db upgrade"
            reason = f"flask db upgrade left {len(missing)} tables missing ({', '.join(missing[:6])}...)"
        db.session.remove()
        db.engine.dispose()
    fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        db.create_all()
    return f"db.create_all() — {reason}"


APP_PASSWORD_METHOD = "scrypt:8192:8:10"  # bro.models.people.PASSWORD_HASH_METHOD (users log in without a rehash)


def make_app(url: str, password_method: str = APP_PASSWORD_METHOD):
    from bro import create_app

    os.environ.setdefault("BRO_INSTANCE_PATH", str(Path(__file__).resolve().parent / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-generate",
                       "BRO_PASSWORD_HASH_METHOD": password_method})


class BulkWriter:
    """Insert many rows fast: DB-API executemany on SQLite, COPY on PostgreSQL. Rows are tuples of Python values."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.dialect = connection.dialect
        self.driver = connection.connection.driver_connection
        self.rows: dict[str, int] = defaultdict(int)
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[str, list]] = {}

    def _plan(self, table: Table, columns: Sequence[str]):
        key = (table.name, tuple(columns))
        if key not in self._plans:
            converters: dict[int, Callable] = {}
            for index, name in enumerate(columns):
                column_type = table.c[name].type
                affinity = column_type._type_affinity.__name__
                if self.dialect.name == "postgresql":
                    processor = _json_text if affinity == "JSON" else None
                else:
                    processor = column_type._cached_bind_processor(self.dialect)
                if processor is not None:
                    # Few distinct values (days, scores, flags): convert each once. JSON values are lists and
                    # dicts the generator shares between rows: convert each object once per batch.
                    converters[index] = (ValueMemo(processor) if affinity in MEMO_BY_VALUE
                                         else ObjectMemo(processor) if affinity == "JSON" else processor)
            quoted = ", ".join(self.dialect.identifier_preparer.quote(name) for name in columns)
            table_name = self.dialect.identifier_preparer.quote(table.name)
            if self.dialect.name == "postgresql":
                sql = f"COPY {table_name} ({quoted}) FROM STDIN"
            else:
                sql = f"INSERT INTO {table_name} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
            object_memos = [converter for converter in converters.values() if isinstance(converter, ObjectMemo)]
            self._plans[key] = (sql, row_converter(len(columns), converters) if converters else None, object_memos)
        return self._plans[key]

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        sql, convert, object_memos = self._plan(table, columns)
        if convert is not None:
            rows = list(map(convert, rows))
            for memo in object_memos:
                memo.clear()
        if self.dialect.name == "postgresql":
            with self.driver.cursor() as cursor, cursor.copy(sql) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            cursor = self.driver.cursor()
            cursor.executemany(sql, rows)
            cursor.close()
        self.rows[table.name] += len(rows)

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        if self.dialect.name != "postgresql":
            return
        for table in tables:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


MEMO_BY_VALUE = frozenset({"Date", "Numeric", "Boolean"})  # SQLite: str, float, int of a value: equal values, one result


class ValueMemo(dict):
    """A column type's bind processor, memoized by value (None stays NULL): ``memo[value]``."""

    def __init__(self, processor: Callable):
        super().__init__()
        self.processor = processor

    def __missing__(self, value):
        converted = self[value] = None if value is None else self.processor(value)
        return converted


class ObjectMemo(dict):
    """A column type's bind processor, memoized by object identity while one batch holds the objects:
    ``memo(value)``; cleared after each batch."""

    def __init__(self, processor: Callable):
        super().__init__()
        self.processor = processor

    def __call__(self, value):
        if value is None:
            return None
        converted = self.get(id(value), self)
        if converted is self:
            converted = self[id(value)] = self.processor(value)
        return converted


def row_converter(width: int, converters: dict[int, Callable]) -> Callable[[tuple], tuple]:
    """One function that converts a row: each column with a converter through it (None left as NULL), the
    others as they are. Compiled once per table and column list: the loader's inner loop."""
    namespace: dict[str, Callable] = {}
    cells = []
    for index in range(width):
        converter = converters.get(index)
        if converter is None:
            cells.append(f"row[{index}]")
        elif isinstance(converter, ValueMemo):
            namespace[f"c{index}"] = converter
            cells.append(f"c{index}[row[{index}]]")
        else:
            namespace[f"c{index}"] = converter
            cells.append(f"(None if row[{index}] is None else c{index}(row[{index}]))")
    return eval(f"lambda row: ({', '.join(cells)},)", namespace)  # noqa: S307 (source built above from indexes)


_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def _json_text(value) -> str:
    return _compact_json(value)


# PostgreSQL, for the loading transaction: no wait for the WAL flush at commit (a crash loses only this run), and
# memory to sort while building the indexes and to aggregate the item-analysis sums.
LOADING_SETTINGS = ("synchronous_commit = off", "maintenance_work_mem = '512MB'", "work_mem = '128MB'")
# The tables filled row by row from Python: their indexes are built once, after loading.
BULK_TABLES = ("audits", "audit_revisions", "audit_ratings", "audit_step_results", "audit_events", "audit_weeks",
               "audit_step_weeks", "audit_staff_weeks", "audit_staff_step_weeks", "audit_org_step_weeks", "quiz_attempts", "attempt_answers")


class DeferredIndexes:
    """Drop the indexes of the bulk-loaded tables (on PostgreSQL also their keys and every foreign key to or from
    them) before loading, and recreate them afterwards from the definitions the database itself reports
    (``sqlite_master.sql``; ``pg_get_indexdef`` / ``pg_get_constraintdef``), so the schema ends exactly as the
    migrations made it. Building an index once over sorted rows is much faster than keeping it up to date row by
    row, and PostgreSQL then checks each foreign key with one join instead of a trigger per row. SQLite keeps the
    keys declared in CREATE TABLE (they cannot be dropped; the rows arrive in their order anyway)."""

    def __init__(self, connection: Connection, tables: Sequence[str]):
        self.connection = connection
        self.tables = list(tables)
        self.statements: list[str] = []  # what recreates them, in order

    def drop(self) -> None:
        if self.connection.dialect.name == "postgresql":
            self._drop_postgresql()
        else:
            self._drop_sqlite()

    def _drop_sqlite(self) -> None:
        names = ", ".join(f"'{name}'" for name in self.tables)
        indexes = self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names}) ORDER BY rowid").all()
        for name, sql in indexes:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
            self.statements.append(sql)

    def _drop_postgresql(self) -> None:
        tables = {"tables": self.tables}
        constraints = self.connection.execute(text(
            "SELECT c.contype, c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace "
            "AND ((c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY(:tables)) OR (c.contype = 'f' AND "
            "(c.conrelid::regclass::text = ANY(:tables) OR c.confrelid::regclass::text = ANY(:tables)))) "
            "ORDER BY c.conrelid::regclass::text, c.conname"), tables).all()
        indexes = self.connection.execute(text(
            "SELECT quote_ident(x.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid::regclass::text = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY x.relname"), tables).all()
        keys = [row for row in constraints if row[0] != "f"]
        foreign = [row for row in constraints if row[0] == "f"]
        for _kind, table, name, _definition in foreign + keys:
            self.connection.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            self.connection.exec_driver_sql(f"DROP INDEX {name}")
        self.statements = ([f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
                            for _kind, table, name, definition in keys]
                           + [definition for _name, definition in indexes]
                           + [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
                              for _kind, table, name, definition in foreign])

    def restore(self) -> None:
        for statement in self.statements:
            self.connection.exec_driver_sql(statement)
        self.statements = []


def bulk_engine(url: str) -> Engine:
    """An engine tuned for loading: SQLite without fsync and with a large cache."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # No write-ahead log while loading (every page would be written twice, and the log would grow as
            # large as the database); generate() switches the finished file back to WAL, as the app uses it.
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")
    return engine


# --------------------------------------------------------------------------------------------- the organisation
@dataclass
class Organisation:
    team_ids: list[int]
    staff_ids: list[int]
    staff_team: dict[int, int]
    team_supervisor: dict[int, int]
    team_spanning: dict[int, list[int]]
    supervisor_ids: list[int]
    trainer_ids: list[int]
    admin_id: int


def password_hash(password: str, method: str, seed: int) -> str:
    """One hash for every generated user (same password), with a salt derived from the seed (deterministic)."""
    from werkzeug import security

    salt = hashlib.sha256(f"bench-salt-{seed}".encode()).hexdigest()[:16]
    try:
        digest, actual_method = security._hash_internal(method, salt, password)  # noqa: SLF001
        return f"{actual_method}${salt}${digest}"
    except Exception:  # noqa: BLE001 (private helper changed: fall back to a random salt)
        return security.generate_password_hash(password, method=method)


def user_email(kind: str, number: int) -> str:
    width = {"staff": 5, "sup": 3, "span": 2, "trainer": 2}[kind]
    return f"{kind}-{number:0{width}d}@{EMAIL_DOMAIN}"


ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"


def write_organisation(writer: BulkWriter, tables, sizes: Sizes, rng: random.Random, start: datetime,
                       hashed: str) -> Organisation:
    teams_t, users_t, roles_t, supervises_t = (tables["teams"], tables["users"], tables["user_roles"],
                                               tables["team_supervisors"])
    team_ids = list(range(1, sizes.teams + 1))
    writer.insert(teams_t, ["id", "name", "created_at"], [(t, f"Team {t:03d}", start) for t in team_ids])
    users, roles, supervises = [], [], []
    next_id = 1

    def person(email: str, team_id: int | None, role_names: Sequence[str]) -> int:
        nonlocal next_id
        user_id = next_id
        next_id += 1
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        # Flask-Login's id; derived, not random, so one seed gives the same rows (cookies are signed anyway).
        session_token = hashlib.sha256(f"{hashed}:{user_id}".encode()).hexdigest()
        users.append((user_id, name, email, hashed, rng.choice(LANGUAGES), True, team_id, start, session_token))
        roles.extend((user_id, role) for role in role_names)
        return user_id

    admin_id = person(ADMIN_EMAIL, None, ["admin"])
    trainer_ids = [person(user_email("trainer", n), None, ["trainer"]) for n in range(1, sizes.trainers + 1)]
    team_supervisor = {}
    for team_id in team_ids:
        team_supervisor[team_id] = person(user_email("sup", team_id), None, ["supervisor"])
        supervises.append((team_id, team_supervisor[team_id]))
    team_spanning: dict[int, list[int]] = defaultdict(list)
    spanning_ids = []
    for number in range(1, sizes.spanning_supervisors + 1):
        user_id = person(user_email("span", number), None, ["supervisor"])
        spanning_ids.append(user_id)
        first = ((number - 1) * 10) % sizes.teams
        for offset in range(min(10, sizes.teams)):
            team_id = team_ids[(first + offset) % sizes.teams]
            if user_id not in team_spanning[team_id]:
                team_spanning[team_id].append(user_id)
                supervises.append((team_id, user_id))
    staff_ids, staff_team = [], {}
    for number in range(1, sizes.staff + 1):
        team_id = team_ids[(number - 1) % sizes.teams]
        user_id = person(user_email("staff", number), team_id, ["staff"])
        staff_ids.append(user_id)
        staff_team[user_id] = team_id
    writer.insert(users_t, ["id", "name", "email", "password_hash", "language", "active", "team_id", "created_at",
                            "session_token"], users)
    writer.insert(roles_t, ["user_id", "role"], roles)
    writer.insert(supervises_t, ["team_id", "user_id"], supervises)
    return Organisation(team_ids, staff_ids, staff_team, team_supervisor, dict(team_spanning),
                        list(team_supervisor.values()) + spanning_ids, trainer_ids, admin_id)


# --------------------------------------------------------------------------------------------- curricula
@dataclass
class StepInfo:
    key: str
    weight: Decimal
    critical: bool


@dataclass
class ModuleInfo:
    id: int
    course_id: int
    key: str
    quiz: object  # bro.curricula.Quiz


@dataclass
class Curricula:
    standard_id: int
    standard_version_id: int
    pass_score: Decimal
    steps: list[StepInfo]
    modules: list[ModuleInfo]


def import_curricula(app, course_count: int, imported_by_id: int | None) -> Curricula:
    """The standard and courses as YAML, checked and imported by the real import path (so versions exist)."""
    from bro.authoring.operations import import_documents
    from bro.curricula import check_text, document_from_dict
    from bro.extensions import db
    from bro.models.curricula import CourseModule, CourseVersion, StandardVersion
    from bro.models.people import User

    documents = [bench_curricula.standard_document()] + [
        bench_curricula.course_document(index) for index in range(1, course_count + 1)]
    text_ = "---\n".join(bench_curricula.to_yaml(document) for document in documents)
    with app.app_context():
        result = check_text(text_, "bench-curricula.yaml")
        result.raise_for_errors()
        user = db.session.get(User, imported_by_id) if imported_by_id else None
        import_documents(result, imported_by=user, sources="bench-curricula.yaml")
        db.session.commit()
        version = db.session.execute(select(StandardVersion)).scalar_one()
        steps = [StepInfo(step.key, step.weight, step.critical) for step in version.steps]
        modules = []
        rows = db.session.execute(
            select(CourseModule, CourseVersion.document).join(CourseVersion, CourseModule.course_version_id ==
                                                             CourseVersion.id)
            .order_by(CourseModule.course_id, CourseModule.position)).all()
        for module, document in rows:
            course = document_from_dict(document)
            quiz = course.module(module.key).quiz
            modules.append(ModuleInfo(module.id, module.course_id, module.key, quiz))
        info = Curricula(version.standard_id, version.id, version.pass_score, steps, modules)
        db.session.remove()
        db.engine.dispose()  # no connection left open: the loader changes the SQLite journal mode
    return info


# --------------------------------------------------------------------------------------------- audits
def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def quantize(value: float, places: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP)


class AuditScorer:
    """bro.scoring.score_audit, memoized on the ratings (a few thousand distinct patterns repeat)."""

    def __init__(self, curricula: Curricula):
        from bro.scoring import StepSpec

        self.specs = [StepSpec(step.key, step.weight, step.critical) for step in curricula.steps]
        self.keys = [step.key for step in curricula.steps]
        self.pass_score = curricula.pass_score
        self._cache: dict[tuple[str, ...], tuple[tuple[Decimal, Decimal, Decimal], bool]] = {}

    def __call__(self, ratings: tuple[str, ...]) -> tuple[tuple[Decimal, Decimal, Decimal], bool]:
        """((score_earned, score_possible, score), passed): the exact sums and the truncated score key."""
        hit = self._cache.get(ratings)
        if hit is None:
            from bro.scoring import score_audit, score_key

            result = score_audit(self.specs, dict(zip(self.keys, ratings)), self.pass_score)
            columns = (exact_places(result.earned), exact_places(result.possible), score_key(result))
            hit = self._cache[ratings] = (columns, result.passed)
        return hit


def exact_places(value) -> Decimal:
    """An exact sum of weights (3 decimals) x credits (halves) as a 4-decimal Decimal, as the app stores it."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(EXACT_PLACES)


class WeeklySummaries:
    """The weekly summary rows for a batch of audits: AuditWeek and AuditStepWeek, the same per staff member
    (AuditStaffWeek, AuditStaffStepWeek) and the step counts over every team (AuditOrgStepWeek)."""

    def __init__(self):
        self.weeks: dict[tuple[int, int, date], list] = {}
        self.step_weeks: dict[tuple[int, int, str, date], list] = {}
        self.staff_weeks: dict[tuple[int, int, date, int], list] = {}
        self.staff_step_weeks: dict[tuple[int, int, date, int, str], list] = {}
        self.org_step_weeks: dict[tuple[int, date, str], list] = {}

    def add(self, team_id: int, standard_id: int, day: date, score: tuple, passed: bool,
            ratings: Sequence[tuple[str, str]], staff_id: int) -> None:
        week = week_start(day)
        for counts in (self.weeks.setdefault((team_id, standard_id, week), [0, 0, Decimal(0)]),
                       self.staff_weeks.setdefault((team_id, standard_id, week, staff_id), [0, 0, Decimal(0)])):
            counts[0] += 1
            counts[1] += 0 if passed else 1
            counts[2] += score[2]  # the score key, as the app sums it
        for step_key_, rating in ratings:
            # A row for every step of a recorded audit, even when rated na (counts 0), as record_audit writes.
            rated, nonconforming = rating != "na", rating in ("partial", "not_met")
            for step in (self.step_weeks.setdefault((team_id, standard_id, step_key_, week), [0, 0]),
                         self.staff_step_weeks.setdefault((team_id, standard_id, week, staff_id, step_key_), [0, 0]),
                         self.org_step_weeks.setdefault((standard_id, week, step_key_), [0, 0])):
                step[0] += rated
                step[1] += nonconforming

    def week_rows(self) -> list[tuple]:
        return [(*key, *values) for key, values in sorted(self.weeks.items())]

    def step_week_rows(self) -> list[tuple]:
        return [(*key, *values) for key, values in sorted(self.step_weeks.items())]

    def staff_week_rows(self) -> list[tuple]:
        return [(*key, *values) for key, values in sorted(self.staff_weeks.items())]

    def staff_step_week_rows(self) -> list[tuple]:
        return [(*key, *values) for key, values in sorted(self.staff_step_weeks.items())]

    def org_step_week_rows(self) -> list[tuple]:
        return [(*key, *values) for key, values in sorted(self.org_step_weeks.items())]


AUDIT_COLUMNS = ["id", "staff_id", "team_id", "auditor_id", "standard_id", "standard_version_id", "relationship",
                 "channel", "interacted_on", "interacted_at", "customer_ref", "note", "created_at",
                 "revision_number", "score_earned", "score_possible", "score", "passed", "status", "acknowledged_at", "csat", "repeat_purchase",
                 "referral_made", "retained_90d", "order_value", "outcomes_recorded_at", "outcomes_recorded_by_id"]
REVISION_COLUMNS = ["id", "audit_id", "number", "kind", "created_by_id", "created_at", "reason", "score_earned",
                    "score_possible", "score", "passed", "note"]
RATING_COLUMNS = ["revision_id", "step_key", "rating", "note"]
# The lifecycle events record_audit, correct_audit and acknowledge_audit write (audit_events.id is left to the
# database).
EVENT_COLUMNS = ["audit_id", "number", "kind", "actor_id", "at", "reason", "revision_number", "dispute_id"]
STEP_RESULT_COLUMNS = ["audit_id", "step_key", "standard_id", "team_id", "staff_id", "interacted_on", "rating",
                       "rated", "nonconforming"]
WEEK_COLUMNS = ["team_id", "standard_id", "week_start", "audits", "failed", "score_sum"]
STEP_WEEK_COLUMNS = ["team_id", "standard_id", "step_key", "week_start", "rated", "nonconforming"]
STAFF_WEEK_COLUMNS = ["team_id", "standard_id", "week_start", "staff_id", "audits", "failed", "score_sum"]
STAFF_STEP_WEEK_COLUMNS = ["team_id", "standard_id", "week_start", "staff_id", "step_key", "rated", "nonconforming"]
ORG_STEP_WEEK_COLUMNS = ["standard_id", "week_start", "step_key", "rated", "nonconforming"]


def customer_ref(seed: int, number: int) -> str:
    return f"GEN-{seed}-{number:07d}"


def write_audits(writer: BulkWriter, tables, org: Organisation, cur: Curricula, count: int, end: date,
                 rng: random.Random, seed: int, tick: Callable[[int], None]) -> None:
    """``count`` audits spread over HISTORY_DAYS ending at ``end``, each rating every step; ~0.5% corrected."""
    score = AuditScorer(cur)
    steps = cur.steps
    step_count = len(steps)
    first_day = end - timedelta(days=HISTORY_DAYS - 1)
    # Nonconformity tendencies: per step, per team, per staff member; one step drifts worse in the last 10 weeks.
    base = [rng.uniform(0.03, 0.22) for _ in steps]
    na_rate = [0.0 if i == 0 or step.critical else rng.choice((0.0, 0.02, 0.06)) for i, step in enumerate(steps)]
    team_factor = {t: rng.uniform(0.6, 1.6) for t in org.team_ids}
    staff_factor = {s: rng.uniform(0.7, 1.4) * team_factor[org.staff_team[s]] for s in org.staff_ids}
    drift_step, drift_from = min(6, step_count - 1), end - timedelta(days=70)
    last_moment = datetime.combine(end, datetime.max.time()).replace(microsecond=0)  # nothing after the end day
    days = sorted(rng.randrange(HISTORY_DAYS) for _ in range(count))
    summaries = WeeklySummaries()
    audit_t, revision_t, rating_t, result_t = (tables["audits"], tables["audit_revisions"], tables["audit_ratings"],
                                               tables["audit_step_results"])
    revision_id = 0
    for chunk_start in range(0, count, AUDIT_CHUNK):
        audits, revisions, ratings_rows, results, events = [], [], [], [], []
        for number in range(chunk_start + 1, min(count, chunk_start + AUDIT_CHUNK) + 1):
            day = first_day + timedelta(days=days[number - 1])
            staff_id = rng.choice(org.staff_ids)
            team_id = org.staff_team[staff_id]
            spanning = org.team_spanning.get(team_id)
            auditor_id = rng.choice(spanning) if spanning and rng.random() < 0.15 else org.team_supervisor[team_id]
            factor = staff_factor[staff_id]
            ratings = []
            for index, step in enumerate(steps):
                p_nc = base[index] * factor * (2.5 if index == drift_step and day >= drift_from else 1.0)
                draw = rng.random()
                if draw < na_rate[index]:
                    ratings.append("na")
                elif draw < na_rate[index] + p_nc:
                    ratings.append("not_met" if step.critical or rng.random() < 0.4 else "partial")
                else:
                    ratings.append("met")
            if all(rating == "na" for rating in ratings):
                ratings[0] = "met"
            interacted_at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(8 * 60, 18 * 60))
            created_at = min(last_moment, interacted_at + timedelta(hours=rng.randrange(1, 48)))
            original_score, original_passed = score(tuple(ratings))
            revision_id += 1
            revisions.append((revision_id, number, 1, "original", auditor_id, created_at, None, *original_score,
                              original_passed, None))
            ratings_rows.extend((revision_id, step.key, rating, None) for step, rating in zip(steps, ratings))
            events.append((number, 1, "recorded", auditor_id, created_at, None, 1, None))
            current, current_score, current_passed = ratings, original_score, original_passed
            if rng.random() < 0.005:  # an auditor's correction: a new revision, the original kept
                corrected = list(ratings)
                index = rng.randrange(step_count)
                corrected[index] = "met" if corrected[index] != "met" else ("not_met" if steps[index].critical else "partial")
                if any(rating != "na" for rating in corrected):
                    current = corrected
                    current_score, current_passed = score(tuple(corrected))
                    revision_id += 1
                    corrected_at = min(last_moment, created_at + timedelta(hours=2))
                    revisions.append((revision_id, number, 2, "correction", auditor_id, corrected_at,
                                      "Corrected after reviewing the recording.",
                                      *current_score, current_passed, None))
                    events.append((number, 2, "corrected", auditor_id, corrected_at,
                                   "Corrected after reviewing the recording.", 2, None))
                    ratings_rows.extend((revision_id, step.key, rating, None) for step, rating in zip(steps, corrected))
            old = (end - day).days > 14
            status = "acknowledged" if old and rng.random() < 0.9 else "recorded"
            acknowledged_at = (min(last_moment, created_at + timedelta(hours=rng.randrange(2, 72)))
                               if status == "acknowledged" else None)
            if acknowledged_at is not None:
                acknowledged_at = max(acknowledged_at, events[-1][4])  # after this audit's latest event
                revision_number = 2 if current is not ratings else 1
                events.append((number, revision_number + 1, "acknowledged", staff_id, acknowledged_at, None,
                               revision_number, None))
            outcomes = (None,) * 7
            if rng.random() < 0.6:
                good = current_passed
                outcomes = (
                    min(5, max(1, round(rng.gauss(4.3 if good else 3.2, 0.8)))),
                    rng.random() < (0.55 if good else 0.35),
                    rng.random() < (0.25 if good else 0.1),
                    rng.random() < (0.85 if good else 0.65),
                    Decimal(rng.randrange(1000, 500000)) / 100,
                    min(last_moment, created_at + timedelta(days=rng.randrange(1, 90))),
                    auditor_id,
                )
            audits.append((number, staff_id, team_id, auditor_id, cur.standard_id, cur.standard_version_id, "b2c",
                           rng.choice(CHANNELS), day, interacted_at, customer_ref(seed, number), None, created_at,
                           2 if current is not ratings else 1, *current_score, current_passed, status,
                           acknowledged_at, *outcomes))
            pairs = [(step.key, rating) for step, rating in zip(steps, current)]
            results.extend((number, key, cur.standard_id, team_id, staff_id, day, rating, rating != "na",
                            rating in ("partial", "not_met")) for key, rating in pairs)
            summaries.add(team_id, cur.standard_id, day, current_score, current_passed, pairs, staff_id)
        writer.insert(audit_t, AUDIT_COLUMNS, audits)
        writer.insert(revision_t, REVISION_COLUMNS, revisions)
        writer.insert(rating_t, RATING_COLUMNS, ratings_rows)
        writer.insert(result_t, STEP_RESULT_COLUMNS, results)
        writer.insert(tables["audit_events"], EVENT_COLUMNS, events)
        tick(len(audits))
    writer.insert(tables["audit_weeks"], WEEK_COLUMNS, summaries.week_rows())
    writer.insert(tables["audit_step_weeks"], STEP_WEEK_COLUMNS, summaries.step_week_rows())
    writer.insert(tables["audit_staff_weeks"], STAFF_WEEK_COLUMNS, summaries.staff_week_rows())
    writer.insert(tables["audit_staff_step_weeks"], STAFF_STEP_WEEK_COLUMNS, summaries.staff_step_week_rows())
    writer.insert(tables["audit_org_step_weeks"], ORG_STEP_WEEK_COLUMNS, summaries.org_step_week_rows())


def write_data_versions(connection: Connection, tables) -> None:
    """The newest revision per standard and team, as record_audit keeps it."""
    if "audit_data_versions" in tables:
        connection.execute(text(
            "INSERT INTO audit_data_versions (standard_id, team_id, revision_id) "
            "SELECT audits.standard_id, audits.team_id, MAX(audit_revisions.id) FROM audit_revisions "
            "JOIN audits ON audits.id = audit_revisions.audit_id GROUP BY audits.standard_id, audits.team_id"))


# --------------------------------------------------------------------------------------------- quiz attempts
ATTEMPT_COLUMNS = ["id", "user_id", "course_id", "module_id", "module_key", "number", "started_at", "submitted_at",
                   "question_order", "option_order", "earned", "possible", "score", "passed"]
ANSWER_COLUMNS = ["attempt_id", "question_key", "position", "response", "correct", "points"]


NUMERIC_ERRORS = (-100, 5, 240)  # how far a wrong numeric answer is off


def quiz_response(question, right: bool, draw=None):
    """A response a staff member could give: the right one, or a plausible wrong one (``draw``: the random part,
    see QuizAnswers.draw)."""
    kind = question.type
    if kind == "single":
        return sorted(question.correct_option_ids)[0] if right else draw
    if kind == "multiple":
        chosen = sorted(question.correct_option_ids)
        return chosen if right else chosen[:-1] or [question.options[-1].id]
    if kind == "true_false":
        return question.answer if right else (not question.answer)
    if kind == "short_text":
        return (question.accept[0].upper() if draw else question.accept[0]) if right else "no idea"
    if kind == "numeric":
        value = question.value if question.value is not None else 0
        return str(value) if right else str(value + draw)
    return None


class QuizAnswers:
    """Answers to quiz questions, judged by ``bro.curricula.is_correct``, memoized: a question has a handful of
    distinct responses, each built, judged and given its points once (and shared by the rows that give it)."""

    def __init__(self):
        from bro.curricula import is_correct

        self.is_correct = is_correct
        self._wrong: dict[int, list[str]] = {}
        self._judged: dict[tuple, tuple] = {}

    def draw(self, question, right: bool, rng: random.Random):
        """The random part of a response: which wrong option, which spelling, which error (None: nothing drawn)."""
        kind = question.type
        if kind == "single" and not right:
            wrong = self._wrong.get(id(question))
            if wrong is None:
                correct = sorted(question.correct_option_ids)[0]
                wrong = self._wrong[id(question)] = [option.id for option in question.options if option.id != correct]
            return rng.choice(wrong)
        if kind == "short_text" and right:
            return rng.random() < 0.2
        if kind == "numeric" and not right:
            return rng.choice(NUMERIC_ERRORS)
        return None

    def __call__(self, question, right: bool, rng: random.Random) -> tuple:
        """(response, correct, points) of one answer."""
        key = (id(question), right, self.draw(question, right, rng))
        judged = self._judged.get(key)
        if judged is None:
            response = quiz_response(question, right, key[2])
            correct = self.is_correct(question, response)
            points = Decimal(repr(question.points)).quantize(POINT_PLACES) if correct else Decimal("0.000")
            judged = self._judged[key] = (response, correct, points)
        return judged


def write_attempts(writer: BulkWriter, tables, org: Organisation, cur: Curricula, count: int, end: date,
                   rng: random.Random, tick: Callable[[int], None]) -> None:
    from bro.scoring import score_quiz

    first_day = end - timedelta(days=HISTORY_DAYS - 1)
    ability = {s: rng.uniform(0.55, 0.97) for s in org.staff_ids}
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    still_open: set[tuple[int, int]] = set()
    minutes = sorted(rng.randrange(HISTORY_DAYS * 24 * 60 - 30) for _ in range(count))  # submitted by the end day
    score_cache: dict[tuple, tuple] = {}
    answer, random_ = QuizAnswers(), rng.random
    orders: dict[tuple, list] = {}  # one list per question order (shared by the rows, converted once)
    midnight = datetime.combine(first_day, datetime.min.time())
    attempt_t, answer_t = tables["quiz_attempts"], tables["attempt_answers"]
    for chunk_start in range(0, count, ATTEMPT_CHUNK):
        attempts, answers = [], []
        for attempt_id in range(chunk_start + 1, min(count, chunk_start + ATTEMPT_CHUNK) + 1):
            user_id = rng.choice(org.staff_ids)
            module = rng.choice(cur.modules)
            quiz = module.quiz
            numbers[(user_id, module.id)] += 1
            number = numbers[(user_id, module.id)]
            started_at = midnight + timedelta(minutes=minutes[attempt_id - 1])
            questions = list(quiz.questions)
            if quiz.shuffle:
                rng.shuffle(questions)
            order_key = tuple(question.id for question in questions)
            question_order = orders.get(order_key) or orders.setdefault(order_key, list(order_key))
            option_order = {}
            for question in questions:
                if question.options:
                    ids = [option.id for option in question.options]
                    if quiz.shuffle:
                        rng.shuffle(ids)
                    option_order[question.id] = ids
            submitted = attempt_id <= count - max(1, count // 200) or rng.random() < 0.5  # a few still open, at the end
            if not submitted and (user_id, module.id) in still_open:
                submitted = True  # at most one open attempt per person and module (a unique index holds it)
            if not submitted:
                still_open.add((user_id, module.id))
                attempts.append((attempt_id, user_id, module.course_id, module.id, module.key, number, started_at,
                                 None, question_order, option_order, None, None, None, None))
                continue
            p_right = min(0.99, ability[user_id] + 0.04 * (number - 1))
            judged = []
            for position, question in enumerate(questions):
                response, correct, points = answer(question, random_() < p_right, rng)
                answers.append((attempt_id, question.id, position, response, correct, points))
                judged.append((question.id, question.points, correct))
            key = (id(quiz), tuple(sorted(judged)))
            result = score_cache.get(key)
            if result is None:
                scored = score_quiz([(points, correct) for _, points, correct in judged], quiz.pass_mark)
                result = score_cache[key] = (Decimal(repr(scored.earned)).quantize(POINT_PLACES),
                                             Decimal(repr(scored.possible)).quantize(POINT_PLACES),
                                             quantize(scored.score, QUIZ_SCORE_PLACES), scored.passed)
            submitted_at = started_at + timedelta(minutes=rng.randrange(2, 25))  # still within the end day
            attempts.append((attempt_id, user_id, module.course_id, module.id, module.key, number, started_at,
                             submitted_at, question_order, option_order, *result))
        writer.insert(attempt_t, ATTEMPT_COLUMNS, attempts)
        writer.insert(answer_t, ANSWER_COLUMNS, answers)
        tick(len(attempts))


# --------------------------------------------------------------------------------------------- the whole run
def generate(database_url: str, seed: int = 1, scale: float = 1.0, org_scale: float | None = None,
             end: date | None = None, password_method: str = APP_PASSWORD_METHOD, show_progress: bool = True,
             analyze: bool = True) -> Report:
    """Generate everything into a fresh database at ``database_url``; returns what was written and how fast."""
    from bro.extensions import db

    end = end or default_end()
    sizes = Sizes.for_scale(scale, org_scale)
    report = Report(database_url, seed, scale, org_scale, end.isoformat(), sizes.__dict__.copy())
    started = time.perf_counter()
    fresh_database(database_url)
    app = make_app(database_url, password_method)
    report.schema = create_schema(app)
    if not report.schema.startswith("flask db upgrade"):
        report.notes.append(f"schema via {report.schema}")
    with app.app_context():
        tables = db.metadata.tables
        db.engine.dispose()
    rng = random.Random(seed)
    start = datetime.combine(end - timedelta(days=HISTORY_DAYS + 30), datetime.min.time())
    hashed = password_hash(PASSWORD, password_method, seed)
    engine = bulk_engine(database_url)
    with engine.connect() as connection:
        with connection.begin():
            writer = BulkWriter(connection)
            org = write_organisation(writer, tables, sizes, rng, start, hashed)
            writer.reset_sequences([tables["teams"], tables["users"]])
    engine.dispose()
    cur = import_curricula(app, sizes.courses, org.trainer_ids[0])
    units = sizes.audits + sizes.attempts
    label = f"generating {sizes.audits:,} audits, {sizes.attempts:,} attempts"
    with open(os.devnull, "w") as quiet, click.progressbar(
            length=units, label=label, file=sys.stderr if show_progress else quiet, show_pos=True, show_eta=True) as bar:
        engine = bulk_engine(database_url)
        with engine.connect() as connection:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    for setting in LOADING_SETTINGS:
                        connection.exec_driver_sql(f"SET LOCAL {setting}")
                writer_data = BulkWriter(connection)
                deferred = DeferredIndexes(connection, [name for name in BULK_TABLES if name in tables])
                deferred.drop()
                write_audits(writer_data, tables, org, cur, sizes.audits, end, rng, seed, bar.update)
                write_attempts(writer_data, tables, org, cur, sizes.attempts, end, rng, bar.update)
                deferred.restore()
                write_data_versions(connection, tables)
                writer_data.reset_sequences([tables["audits"], tables["audit_revisions"], tables["quiz_attempts"]])
                if "quiz_item_sums" in tables:
                    # The item-analysis running sums, as submissions keep them (bro.training.itemsums).
                    from bro.training.itemsums import rebuild

                    for table, count in rebuild(connection).items():
                        writer_data.rows[table] += count
            if connection.dialect.name == "sqlite":
                driver = connection.connection.driver_connection  # autocommit: outside any transaction
                if analyze:
                    driver.execute("ANALYZE")
                driver.execute("PRAGMA journal_mode=WAL")
        engine.dispose()
    if analyze and not database_url.startswith("sqlite"):
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
    report.rows = {**writer.rows, **writer_data.rows}
    report.rows["curricula (import path)"] = 1 + sizes.courses
    report.seconds = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------------------------- checks
def database_digest(database_url: str, tables: Sequence[str] | None = None,
                    skip_columns: frozenset[str] = frozenset({"imported_at"})) -> str:
    """SHA-256 over every row of the given tables (default: all generated ones), in primary-key order."""
    from bro.models.base import Base

    engine = create_engine(database_url)
    digest = hashlib.sha256()
    names = tables or sorted(Base.metadata.tables)
    with engine.connect() as connection:
        for name in names:
            table = Base.metadata.tables[name]
            columns = [column for column in table.c if column.name not in skip_columns]
            order = list(table.primary_key.columns) or columns
            digest.update(name.encode())
            for row in connection.execute(select(*columns).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


def derived_table_problems(database_url: str) -> list[str]:
    """Compare the derived audit tables with an aggregation of the current revisions' ratings (empty = consistent).

    Also rescored: every audit's score and pass flag equal ``bro.scoring.score_audit`` of its current ratings.
    """
    from bro.models.audits import (
        Audit, AuditOrgStepWeek, AuditRating, AuditRevision, AuditStaffStepWeek, AuditStaffWeek, AuditStepResult,
        AuditStepWeek, AuditWeek,
    )
    from bro.models.curricula import StandardStep, StandardVersion
    from bro.scoring import StepSpec, exact_score, score_audit, score_key

    engine = create_engine(database_url)
    problems: list[str] = []
    with engine.connect() as connection:
        versions = {}
        for version_id, pass_score in connection.execute(select(StandardVersion.id, StandardVersion.pass_score)):
            steps = connection.execute(select(StandardStep.key, StandardStep.weight, StandardStep.critical)
                                       .where(StandardStep.standard_version_id == version_id)
                                       .order_by(StandardStep.position)).all()
            versions[version_id] = ([StepSpec(k, w, c) for k, w, c in steps], pass_score)
        audits = {row.id: row for row in connection.execute(select(
            Audit.id, Audit.team_id, Audit.staff_id, Audit.standard_id, Audit.standard_version_id,
            Audit.interacted_on, Audit.revision_number, Audit.score, Audit.passed, Audit.score_earned,
            Audit.score_possible))}
        current: dict[int, dict[str, str]] = defaultdict(dict)
        for audit_id, step, rating in connection.execute(
                select(AuditRevision.audit_id, AuditRating.step_key, AuditRating.rating)
                .join(AuditRevision, AuditRating.revision_id == AuditRevision.id)
                .join(Audit, (Audit.id == AuditRevision.audit_id) & (Audit.revision_number == AuditRevision.number))):
            current[audit_id][step] = rating
        expected_results = set()
        weeks: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
        step_weeks: dict[tuple, list] = defaultdict(lambda: [0, 0])
        staff_weeks: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
        staff_step_weeks: dict[tuple, list] = defaultdict(lambda: [0, 0])
        org_step_weeks: dict[tuple, list] = defaultdict(lambda: [0, 0])
        for audit_id, audit in audits.items():
            specs, pass_score = versions[audit.standard_version_id]
            scored = score_audit(specs, current[audit_id], pass_score)
            if score_key(scored) != Decimal(audit.score).quantize(SCORE_PLACES) or scored.passed != audit.passed \
                    or exact_score(Decimal(str(audit.score_earned)), Decimal(str(audit.score_possible))) != scored.exact:
                problems.append(f"audit {audit_id}: stored {audit.score}/{audit.passed}, "
                                f"bro.scoring gives {scored.score}/{scored.passed}")
            week = week_start(audit.interacted_on)
            for entry in (weeks[(audit.team_id, audit.standard_id, week)],
                          staff_weeks[(audit.team_id, audit.standard_id, week, audit.staff_id)]):
                entry[0] += 1
                entry[1] += 0 if audit.passed else 1
                entry[2] += Decimal(audit.score)
            for step, rating in current[audit_id].items():
                expected_results.add((audit_id, step, audit.standard_id, audit.team_id, audit.staff_id,
                                      audit.interacted_on, rating, rating != "na", rating in ("partial", "not_met")))
                for counts in (step_weeks[(audit.team_id, audit.standard_id, step, week)],
                               staff_step_weeks[(audit.team_id, audit.standard_id, week, audit.staff_id, step)],
                               org_step_weeks[(audit.standard_id, week, step)]):
                    counts[0] += rating != "na"
                    counts[1] += rating in ("partial", "not_met")
        actual_results = {tuple(row) for row in connection.execute(select(*[
            AuditStepResult.__table__.c[name] for name in STEP_RESULT_COLUMNS]))}
        if actual_results != expected_results:
            problems.append(f"audit_step_results: {len(expected_results - actual_results)} missing, "
                            f"{len(actual_results - expected_results)} unexpected")
        actual_weeks = {(r.team_id, r.standard_id, r.week_start): [r.audits, r.failed, Decimal(r.score_sum)]
                        for r in connection.execute(select(AuditWeek))}
        if actual_weeks != dict(weeks):
            problems.append(f"audit_weeks differ from the audits ({len(actual_weeks)} rows vs {len(weeks)} expected)")
        actual_step_weeks = {(r.team_id, r.standard_id, r.step_key, r.week_start): [r.rated, r.nonconforming]
                             for r in connection.execute(select(AuditStepWeek))}
        if actual_step_weeks != dict(step_weeks):
            problems.append(f"audit_step_weeks differ ({len(actual_step_weeks)} rows vs {len(step_weeks)} expected)")
        actual_staff_weeks = {(r.team_id, r.standard_id, r.week_start, r.staff_id):
                              [r.audits, r.failed, Decimal(r.score_sum).quantize(SCORE_PLACES)]
                              for r in connection.execute(select(AuditStaffWeek))}
        if actual_staff_weeks != {key: [a, f, Decimal(s).quantize(SCORE_PLACES)]
                                  for key, (a, f, s) in staff_weeks.items()}:
            problems.append(f"audit_staff_weeks differ ({len(actual_staff_weeks)} rows vs {len(staff_weeks)} "
                            "expected)")
        actual_staff_step_weeks = {(r.team_id, r.standard_id, r.week_start, r.staff_id, r.step_key):
                                   [r.rated, r.nonconforming] for r in connection.execute(select(AuditStaffStepWeek))}
        if actual_staff_step_weeks != dict(staff_step_weeks):
            problems.append(f"audit_staff_step_weeks differ ({len(actual_staff_step_weeks)} rows vs "
                            f"{len(staff_step_weeks)} expected)")
        actual_org_step_weeks = {(r.standard_id, r.week_start, r.step_key): [r.rated, r.nonconforming]
                                 for r in connection.execute(select(AuditOrgStepWeek))}
        if actual_org_step_weeks != dict(org_step_weeks):
            problems.append(f"audit_org_step_weeks differ ({len(actual_org_step_weeks)} rows vs "
                            f"{len(org_step_weeks)} expected)")
    engine.dispose()
    return problems


def default_end() -> date:
    """Yesterday (UTC): the history ends before anything the benchmark itself records today."""
    return datetime.now(timezone.utc).date() - timedelta(days=1)


def default_database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(__file__).resolve().parent / 'bench.sqlite3'}"


@click.command()
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same rows.")
@click.option("--scale", default=1.0, show_default=True, help="Multiplies every size (1.0 = 2,000 staff, 200,000 audits).")
@click.option("--org-scale", type=float, default=None, help="Multiplies the organisation only (default: --scale).")
@click.option("--end", "end", default=None, help="Last day of the history, YYYY-MM-DD (default: yesterday, UTC).")
@click.option("--database-url", default=None, help="Default: $BENCH_DATABASE_URL, else sqlite:///bench/bench.sqlite3.")
@click.option("--password-method", default=APP_PASSWORD_METHOD, show_default=True,
              help="Werkzeug hash method for the users' password (the app's default is scrypt).")
@click.option("--verify/--no-verify", default=False, help="Afterwards, check derived tables and scores (slow).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def main(seed, scale, org_scale, end, database_url, password_method, verify, as_json):
    """Generate the benchmark organisation into a fresh database (everything in it is replaced)."""
    url = database_url or default_database_url()
    report = generate(url, seed=seed, scale=scale, org_scale=org_scale,
                      end=date.fromisoformat(end) if end else None, password_method=password_method)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(f"{redact(url)}: {report.total_rows:,} rows in {report.seconds:.1f} s "
                   f"({report.rows_per_second:,.0f} rows/s); schema: {report.schema}")
        for name, rows in sorted(report.rows.items()):
            click.echo(f"  {name:<28} {rows:>10,}")
        click.echo(f"Log in as {ADMIN_EMAIL}, {user_email('sup', 1)}, {user_email('staff', 1)} ... "
                   f"with the password {PASSWORD!r}.")
    if verify:
        problems = derived_table_problems(url)
        for problem in problems[:20]:
            click.echo(f"  inconsistent: {problem}", err=True)
        if problems:
            raise SystemExit(1)
        click.echo("derived tables and scores: consistent")


if __name__ == "__main__":
    main()
