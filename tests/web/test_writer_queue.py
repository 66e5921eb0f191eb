"""bro.database.WriterQueue: writers of several processes take turns on SQLite's write lock through a file lock,
handed on as soon as it is free (SQLite's own busy handler would sleep up to 100 ms between looks)."""
from __future__ import annotations

import threading
import time

import pytest

from bro.database import WriterQueue

pytest.importorskip("fcntl")
pytestmark = pytest.mark.no_db


def test_a_second_process_waits_for_the_first_and_goes_on_as_soon_as_it_lets_go(tmp_path):
    path = str(tmp_path / "bro.sqlite3-writers")
    first, second = WriterQueue(path), WriterQueue(path)  # two open files: as two worker processes have
    assert first.acquire(timeout=1)
    assert not second.acquire(timeout=0.05)  # the other process holds it
    released_at = []

    def let_go():
        time.sleep(0.2)
        released_at.append(time.monotonic())
        first.release()

    threading.Thread(target=let_go).start()
    assert second.acquire(timeout=5)
    waited_after_release = time.monotonic() - released_at[0]
    second.release()
    assert waited_after_release < 0.05


def test_threads_of_one_process_queue_before_the_file_lock(tmp_path):
    queue = WriterQueue(str(tmp_path / "db-writers"))
    assert queue.acquire(timeout=1)
    assert not queue.acquire(timeout=0.05)
    queue.release()
    assert queue.acquire(timeout=1)
    queue.release()


def test_a_database_in_memory_queues_threads_only():
    queue = WriterQueue(None)
    assert queue.acquire(timeout=1)
    assert not queue.acquire(timeout=0.01)
    queue.release()


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_writer_leaves_the_queue_only_once_sqlite_has_let_go_of_the_write_lock(tmp_path, monkeypatch, ending):
    """Else the next writer, let in by the queue, would find SQLite's lock still held and sleep in its busy
    handler."""
    import sqlite3

    from sqlalchemy import create_engine, text

    from bro.database import _writes_expected, configure_engine

    path = tmp_path / "ends.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    lock_free_when_left = []
    original = WriterQueue.release

    def release(queue):
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            lock_free_when_left.append(True)
        except sqlite3.OperationalError:  # database is locked
            lock_free_when_left.append(False)
        finally:
            other.close()
        original(queue)

    monkeypatch.setattr(WriterQueue, "release", release)
    token = _writes_expected.set(True)
    try:
        with engine.connect() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            getattr(connection, ending)()
    finally:
        _writes_expected.reset(token)
        engine.dispose()
    assert lock_free_when_left == [True]


def test_the_wal_is_checkpointed_after_a_commit_at_most_once_a_second(tmp_path):
    """Not inside the commit (SQLite's automatic checkpoint is off: it would run while the writer queue waits),
    but right after it; a second commit within the second leaves its pages in the WAL for the next one."""
    from sqlalchemy import create_engine, text

    from bro.database import _writes_expected, configure_engine

    path = tmp_path / "wal.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    token = _writes_expected.set(True)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            connection.execute(text("CREATE TABLE t (x BLOB)"))
            connection.execute(text("INSERT INTO t VALUES (zeroblob(1000000))"))
            connection.commit()  # checkpointed right after: the megabyte is in the database file
            assert path.stat().st_size > 1_000_000
            connection.execute(text("INSERT INTO t VALUES (zeroblob(1000000))"))
            connection.commit()  # within the second: left in the WAL
            assert path.stat().st_size < 2_000_000
    finally:
        _writes_expected.reset(token)
        engine.dispose()
