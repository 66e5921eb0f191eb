"""Engine tuning: SQLite in WAL mode with a busy timeout, working SAVEPOINTs, and writers that queue.

SQLite lets one writer at a time. A transaction that starts as a reader and later writes cannot wait
for the lock: if another writer committed meanwhile, SQLite answers "database is locked" at once. So
requests that change data (POST, PUT, PATCH, DELETE) open their transactions with BEGIN IMMEDIATE:
they take the write lock first and wait for it (busy_timeout), and concurrent submissions queue
instead of failing. Reads stay concurrent (WAL).
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat

from typing import Callable, NamedTuple, TypeVar

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints whose POST reads and checks first (a transaction that only reads) and then calls `begin_writes`:
# SQLite's write lock is then held only for the writes, not for the loading, validating and scoring before them.
READS_FIRST: set[str] = set()
_writes_expected: ContextVar[bool] = ContextVar("bro_writes_expected", default=False)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINT works (pysqlite quirk).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # With WAL, NORMAL is durable against a crash of the app (a commit is in the WAL file when it returns);
        # only a power cut can lose the last commits (the WAL is synced at checkpoints), never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint inside a commit: SQLite's automatic one runs in the committing call, while this process
        # still holds the writer queue (below); `_checkpoint_after` runs it once the queue is left.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    # Writers queue before BEGIN IMMEDIATE (threads of this process, then processes): SQLite's busy handler
    # sleeps in growing steps (up to 100 ms) while it waits, so writers polling for the write lock leave it idle
    # long after it is free; a queue hands it on at once.
    writers = WriterQueue(_writer_queue_file(engine))

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        if _writes_expected.get():
            if writers.acquire(timeout=WRITER_QUEUE_SECONDS):
                connection.info[_HOLDS_WRITERS] = writers
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except Exception:
                _leave_writers(connection.info)
                raise
        else:
            connection.exec_driver_sql("BEGIN")

    # The queue is left once SQLite has committed or rolled back, not at SQLAlchemy's "commit" and "rollback"
    # events, which come before the driver's call: a writer let in then would find the write lock still held
    # and sleep in SQLite's busy handler (1 ms at least, often more) while the lock is free again.
    dialect = engine.dialect
    driver_commit, driver_rollback = dialect.do_commit, dialect.do_rollback

    checkpoints = _Checkpoints()

    def _commit_then_leave(dbapi_connection):
        try:
            driver_commit(dbapi_connection)
        finally:
            _leave_writers(_pool_info(dbapi_connection))
        checkpoints.after_commit(dbapi_connection)

    def _rollback_then_leave(dbapi_connection):
        try:
            driver_rollback(dbapi_connection)
        finally:
            _leave_writers(_pool_info(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = _commit_then_leave, _rollback_then_leave

    @event.listens_for(engine, "checkin")
    def _sqlite_checkin(_dbapi_connection, record):
        _leave_writers(record.info)  # a connection given back in any other way


WRITER_QUEUE_SECONDS = 10  # as long as SQLite's busy timeout; afterwards the writer goes on without the queue
CHECKPOINT_SECONDS = 1.0  # a process checkpoints the WAL after a commit at most this often


class _Checkpoints:
    """WAL checkpoints of one engine, run after a commit, outside the writer queue, at most once per
    CHECKPOINT_SECONDS in this process (PASSIVE: it copies what no reader still needs and waits for nobody;
    writers go on meanwhile; with nothing to copy it costs a look). SQLite's own runs inside the commit that
    brings the WAL to a thousand pages, while the queue waits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0.0

    def after_commit(self, dbapi_connection) -> None:
        if time.monotonic() - self._last < CHECKPOINT_SECONDS or not self._lock.acquire(blocking=False):
            return
        try:
            self._last = time.monotonic()
            dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception:  # noqa: BLE001 - best effort: the next write tries again
            pass
        finally:
            self._lock.release()


def _writer_queue_file(engine: Engine) -> str | None:
    """The file the processes writing to this SQLite database queue on (beside it, like its -wal file); None for
    a database in memory."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-writers"


class WriterQueue:
    """Writers to one SQLite file wait here for their turn: threads of this process on a lock, then processes
    (gunicorn workers, a CLI import) on an exclusive flock of ``path``, which the kernel hands on the moment its
    holder lets go. Where the file cannot be opened (no fcntl, a read-only folder) the threads' lock alone."""

    def __init__(self, path: str | None):
        self.threads = threading.Lock()
        self.path = path
        self._file = None
        self._pid = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            return False
        handle = self._handle()
        if handle is None:
            return True
        import fcntl

        wait = 0.0001
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() + wait > deadline:
                    self.threads.release()
                    return False
                time.sleep(wait)  # a short poll: no blocking call in the standard library takes a timeout
                wait = min(wait * 2, 0.002)
            except OSError:
                return True

    def release(self) -> None:
        handle = self._file if self._pid == os.getpid() else None
        if handle is not None:
            import fcntl

            try:
                fcntl.flock(handle, fcntl.LOCK_UN)
            except OSError:  # pragma: no cover - the lock goes with the file anyway
                pass
        self.threads.release()

    def _handle(self):
        """This process's open file (opened again after a fork: a forked copy would share the parent's lock)."""
        if self.path is None:
            return None
        if self._pid != os.getpid():
            try:
                import fcntl  # noqa: F401 - POSIX only

                self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except (ImportError, OSError):
                self._file = None
            self._pid = os.getpid()
        return self._file
_HOLDS_WRITERS = "bro_holds_writer_queue"


def _pool_info(dbapi_connection) -> dict:
    """The pool's info dict of a connection given to the dialect; empty for the driver's own connections (the
    dialect's first look at a new one)."""
    try:
        return dbapi_connection.info
    except (AttributeError, NotImplementedError):
        return {}


def _leave_writers(info: dict) -> None:
    held = info.pop(_HOLDS_WRITERS, None)
    if held is not None:
        held.release()


def init_write_intent(app: Flask) -> None:
    """Mark requests that may write, for the SQLite BEGIN above (a no-op on PostgreSQL)."""

    @app.before_request
    def _expect_writes():
        _writes_expected.set(request.method not in SAFE_METHODS and request.endpoint not in READS_FIRST)

    @app.teardown_request
    def _forget_writes(_error=None):
        _writes_expected.set(False)


def reads_first(endpoint: str) -> None:
    """Register ``endpoint`` (a view that calls `begin_writes` before its first write) in READS_FIRST."""
    READS_FIRST.add(endpoint)


def begin_writes(session) -> None:
    """From here on the request writes. On SQLite, end the read-only transaction the request opened (objects read
    stay loaded: no expiry) so that the next statement opens BEGIN IMMEDIATE: the write lock is taken first and
    held only while writing. A no-op when the request expected writes from its start, and on other databases
    (PostgreSQL locks rows, not the database: the transaction simply goes on)."""
    if _writes_expected.get():
        return
    _writes_expected.set(True)
    target = session() if callable(session) else session  # the scoped session's Session
    if target.get_bind().dialect.name != "sqlite" or not target.in_transaction():
        return
    if target.new or target.dirty or target.deleted:  # pragma: no cover - a write slipped in before
        return
    keep = target.expire_on_commit
    target.expire_on_commit = False
    try:
        target.commit()  # nothing to write: ends the read transaction (its snapshot)
    finally:
        target.expire_on_commit = keep


def commit_side_write(write) -> None:
    """Commit a write a page makes on the side of reading (a lesson counted as read, an expired
    certificate re-assigned). Such a GET does not hold the SQLite write lock; when another writer is
    busy, skip the write instead of failing the page: the next visit makes it."""
    from flask import current_app
    from sqlalchemy.exc import OperationalError

    from bro.extensions import db

    try:
        if write():
            db.session.commit()
    except OperationalError:
        db.session.rollback()
        current_app.logger.info("Skipped a side write on %s: the database is busy", request.path)


class DatabaseBusy(ServiceUnavailable):
    """The database stayed locked through every retry of `commit_when_unlocked` (the request answers 503)."""


def commit_when_unlocked(work: Callable[[], T], retries: int = 6, first_wait: float = 0.05) -> T:
    """Run `work` (an operation that flushes) and commit; returns what it returned.

    On SQLite a second request writing the same rows (a second tab opening the same quiz, a double
    submission) can still answer "database is locked": roll back, wait (doubling from `first_wait`) and run
    `work` again, so it reads what the other request committed. Other errors propagate at once.
    """
    from bro.extensions import db

    for retry in range(retries):
        try:
            result = work()
            db.session.commit()
            return result
        except OperationalError:
            db.session.rollback()
            time.sleep(first_wait * 2 ** retry)
    raise DatabaseBusy()


@contextmanager
def statement_timeout(session, milliseconds: int):
    """Bound the SQL run inside the block: each statement on PostgreSQL (SET LOCAL statement_timeout,
    which ends with the transaction), the block's statements together on SQLite (a progress handler that
    interrupts once the time is spent). A statement stopped this way raises a DBAPIError for which
    `is_timeout` is true. 0 or less: no bound."""
    if milliseconds <= 0:
        yield
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(milliseconds)}")
        yield
        _reset_statement_timeout(session, connection)  # not after an error: the rollback ends the setting
        return
    if connection.dialect.name != "sqlite":  # pragma: no cover  (bro runs on SQLite and PostgreSQL)
        yield
        return
    raw = connection.connection.driver_connection
    deadline = time.monotonic() + milliseconds / 1000
    owner = threading.get_ident()

    def _over_time() -> int:
        # Only this thread's statements: the connection may go back to the pool before the block ends.
        return int(threading.get_ident() == owner and time.monotonic() > deadline)

    raw.set_progress_handler(_over_time, SQLITE_PROGRESS_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


SQLITE_PROGRESS_STEPS = 10_000  # virtual-machine steps between two looks at the clock (well under 1 ms)
TIMEOUT_SQLSTATE = "57014"  # PostgreSQL query_canceled


def _reset_statement_timeout(session, connection) -> None:
    """Back to the server default for the rest of the transaction (tests share one transaction)."""
    try:
        if session.is_active and not connection.closed and connection.in_transaction():
            connection.exec_driver_sql("SET LOCAL statement_timeout TO DEFAULT")
    except DBAPIError:
        pass  # the transaction failed; its rollback ends the setting anyway


def is_timeout(error: BaseException) -> bool:
    """True for a statement stopped by `statement_timeout` (PostgreSQL) or by its SQLite progress handler."""
    original = getattr(error, "orig", error)
    return getattr(original, "sqlstate", None) == TIMEOUT_SQLSTATE or str(original) == "interrupted"


def conflict_insert(dialect: str):
    """The database's ``insert`` construct with ON CONFLICT (PostgreSQL's, else SQLite's), for a dialect name."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def insert_new_rows(model, rows: list[dict], unique: list[str]) -> int:
    """INSERT ... ON CONFLICT (unique) DO NOTHING of ``rows`` (keyed by attribute); returns how many rows were
    new. Counted from RETURNING: on psycopg the rowcount of such an insert is -1. One statement per model and
    database, built and compiled once and run for all the rows (SQLAlchemy batches them into multi-row VALUES
    under the databases' bound-parameter limits); a statement with the rows in it would be compiled anew on
    every call (a quiz submission makes one)."""
    from bro.extensions import db

    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    found = _NEW_ROWS_STATEMENTS.get(key := (model, dialect, tuple(unique)))
    if found is None:
        mapper = model.__mapper__
        statement = conflict_insert(dialect)(model.__table__).on_conflict_do_nothing(
            index_elements=[mapper.columns[name].name for name in unique]).returning(mapper.primary_key[0])
        found = _NEW_ROWS_STATEMENTS[key] = (statement, {name: column.key for name, column in mapper.columns.items()})
    statement, column_keys = found
    return len(db.session.execute(statement, [{column_keys[name]: value for name, value in row.items()}
                                              for row in rows]).all())


_NEW_ROWS_STATEMENTS: dict[tuple, tuple] = {}  # (model, dialect, unique): the statement and attribute -> column key


_ADD_COUNTS_STATEMENTS: dict[tuple, object] = {}  # (model, dialect, keys, counters): a handful of summary tables


def add_counts(model, rows: list[dict], *, keys: tuple[str, ...], counters: tuple[str, ...]) -> None:
    """Add ``rows``' counters to the summary rows with the same keys (insert when missing), in one statement
    that is safe under concurrent writers (INSERT ... ON CONFLICT DO UPDATE on SQLite and PostgreSQL).
    Columns of ``rows`` other than keys and counters are written when the row is new."""
    from bro.extensions import db

    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - other databases: read, then write
        for row in rows:
            existing = db.session.get(model, tuple(row[k] for k in keys))
            if existing is None:
                db.session.add(model(**row))
            else:
                for name in counters:
                    setattr(existing, name, getattr(existing, name) + row[name])
        db.session.flush()
        return
    # One statement per summary table, built once per process and executed for every row (a multi-row VALUES
    # would be compiled anew per row count; building the upsert costs more than running it).
    statement = _ADD_COUNTS_STATEMENTS.get(key := (model, dialect, tuple(keys), tuple(counters)))
    if statement is None:
        table = model.__table__
        statement = conflict_insert(dialect)(table)
        statement = _ADD_COUNTS_STATEMENTS[key] = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + statement.excluded[name] for name in counters},
        )
    db.session.execute(statement, rows)
    # The ORM may hold summary objects loaded earlier: let it reread them.
    for obj in [o for o in db.session.identity_map.values() if isinstance(o, model)]:
        db.session.expire(obj)


def run_once_across_servers(session, job: str) -> bool:
    """Take the lock of ``job`` for the rest of the session's transaction; False when another process holds it.

    PostgreSQL: a transaction-level advisory lock (``pg_try_advisory_xact_lock``), released by the commit or
    rollback, so that several app servers can all run ``flask bro notify`` from cron and one of them does the
    work at a time (the others return at once). SQLite (one machine): the transaction takes the write lock
    first (BEGIN IMMEDIATE), so a second run waits for the first and then finds nothing left to do."""
    import zlib

    from sqlalchemy import text

    target = session() if callable(session) else session
    if target.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"bro:{job}".encode())  # a stable 32-bit key per job name
        return bool(target.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar())
    if target.get_bind().dialect.name == "sqlite" and not target.in_transaction():
        token = _writes_expected.set(True)
        try:
            target.execute(text("SELECT 1"))  # opens the transaction now: BEGIN IMMEDIATE
        finally:
            _writes_expected.reset(token)
    return True


BULK_CACHE_KIB = 64 * 1024


def bulk_insert(table, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows (tuples of plain values in ``columns`` order) in the session's transaction, much
    faster than the ORM or a Core executemany: COPY on PostgreSQL, the driver's executemany on SQLite.

    No defaults or type processing are applied: give every value. On SQLite, datetimes and dates are written
    in the text form SQLAlchemy writes (and reads back)."""
    if rows:
        bulk_insert_columns(table, columns, list(zip(*rows)), len(rows))


def bulk_insert_columns(table, columns: list[str], values: list, count: int) -> None:
    """bulk_insert of rows given column by column: ``values`` holds, per name of ``columns``, a sequence of the
    ``count`` rows' values, or ``Every(value)`` for a value every row has. The rows are made here, as they are
    written: a reader that has its data in columns makes no tuple of its own."""
    from sqlalchemy import Date, DateTime
    from sqlalchemy import insert as sql_insert

    from bro.extensions import db

    if not count:
        return
    connection = db.session.connection()
    dialect = connection.dialect.name
    driver = connection.connection.driver_connection
    names = ", ".join(f'"{name}"' for name in columns)
    if dialect == "postgresql":
        types = _binary_copy_types(table, columns)
        with driver.cursor() as cursor, _foreign_keys_checked_once(cursor, table, columns, values):
            # Binary: no text to format here and parse there (a quarter of the client's time of the COPY).
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN' + (" (FORMAT BINARY)" if types else "")
                             ) as copy:
                if types:
                    copy.set_types(types)
                for row in _rows(values, count):
                    copy.write_row(row)
        return
    if dialect != "sqlite":  # pragma: no cover - other databases: SQLAlchemy's executemany
        connection.execute(sql_insert(table), [dict(zip(columns, row)) for row in _rows(values, count)])
        return
    values = list(values)
    for index, name in enumerate(columns):
        column = values[index]
        if isinstance(table.c[name].type, (DateTime, Date)):
            if isinstance(column, Every):
                values[index] = Every(_sqlite_time_text(column.value))
            else:  # many rows share a time (a minute of the day): each distinct value is formatted once
                texts = {value: _sqlite_time_text(value) for value in set(column)}
                values[index] = list(map(texts.__getitem__, column))
    placeholders = ", ".join("?" for _ in columns)
    cursor = driver.cursor()
    # Rows land all over the table's indexes (by team and time, by staff and time): with the default page
    # cache (2 MB) SQLite evicts and rereads index pages again and again. A larger cache for this insert only.
    cache_pages = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({placeholders})', _rows(values, count))
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache_pages)}")
        cursor.close()


class Every(NamedTuple):
    """bulk_insert_columns: the value of a column every row has."""

    value: object


def _rows(values: list, count: int):
    """The rows of bulk_insert_columns's ``values``, one tuple at a time."""
    return zip(*(repeat(column.value, count) if isinstance(column, Every) else column for column in values))


@lru_cache(maxsize=65_536)
def _sqlite_time_text(value):
    """A datetime or date as SQLAlchemy's SQLite types store it (other values as they are). Cached: the batches
    of a large import share most of their times."""
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _binary_copy_types(table, columns: list[str]) -> list[str] | None:
    """PostgreSQL's type of each column for a binary COPY, or None when a column has a type not listed here
    (then the COPY is made in text)."""
    from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, SmallInteger, String, Text

    known = ((BigInteger, "int8"), (SmallInteger, "int2"), (Integer, "int4"), (Text, "text"), (String, "varchar"),
             (Boolean, "bool"), (Float, "float8"), (Date, "date"))
    types = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, DateTime):
            types.append("timestamptz" if kind.timezone else "timestamp")
            continue
        found = next((pg_type for sql_type, pg_type in known if isinstance(kind, sql_type)), None)
        if found is None:
            return None
        types.append(found)
    return types


@contextmanager
def _foreign_keys_checked_once(cursor, table, columns: list[str], values: list):
    """PostgreSQL checks each inserted row's foreign keys with a trigger: a query per row and key, half of the
    server's time of a large COPY. Where the database role may, the rows referred to are checked and locked
    here once per distinct id, as those triggers would lock them (FOR KEY SHARE: nobody can delete them before
    this transaction ends), and the triggers are skipped for this transaction's COPY only (other sessions keep
    theirs). Otherwise, or when an id is missing (the triggers then name it), the triggers run as usual."""
    if not _may_skip_row_triggers(cursor, table.name):
        yield
        return
    references = []
    for key in table.foreign_keys:
        column = key.parent.name
        if column not in columns:
            if key.parent.server_default is not None:
                yield  # a default no row here shows: leave its check to the trigger
                return
            continue
        column_values = values[columns.index(column)]
        ids = [value for value in ({column_values.value} if isinstance(column_values, Every) else set(column_values))
               if value is not None]
        if ids:
            references.append((key.column.table.name, key.column.name, ids))
    for referred, referred_column, ids in references:
        cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{referred}" WHERE "{referred_column}" = ANY(%s) '
                       f"FOR KEY SHARE) AS locked", (ids,))
        if cursor.fetchone()[0] != len(ids):
            yield
            return
    cursor.execute("SELECT current_setting('session_replication_role'), "
                   "set_config('session_replication_role', 'replica', true)")
    previous = cursor.fetchone()[0]
    yield
    cursor.execute("SELECT set_config('session_replication_role', %s, true)", (previous,))


def _may_skip_row_triggers(cursor, table_name: str) -> bool:
    """Whether this role may set session_replication_role (superusers; from PostgreSQL 15, roles granted SET
    on it), and the table has no trigger besides its foreign keys' (which the replica role would skip too)."""
    cursor.execute("SELECT current_setting('is_superuser') = 'on', current_setting('server_version_num')::int, "
                   "(SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal)",
                   (f'"{table_name}"',))
    superuser, version, own_triggers = cursor.fetchone()
    if own_triggers:
        return False
    if superuser:
        return True
    if version < 150000:
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return bool(cursor.fetchone()[0])
