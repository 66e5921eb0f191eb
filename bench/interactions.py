"""The interaction import at scale (issue 14): 100,000 help-desk rows with transcripts, read and imported the
way `flask bro interactions import` does (bro.interactions.parsing.read_interaction_batches, then
bro.interactions.operations.import_interaction_batches and one commit), against reading the same file with the csv
module alone.

    python -m bench.interactions [--rows 100000] [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import csv
import io
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from bench import generate as gen

STAFF = 50
CHANNELS = ("chat", "phone", "email", "web chat", "Call")
LINES = (
    "customer: Hello, my order {n} has not arrived yet",
    "agent: I am sorry to hear that. Let me check order {n} for you",
    "customer: Thank you, it was due on Monday",
    "agent: It left the warehouse this morning and arrives tomorrow",
    "customer: Great, thanks for your help",
)


def export_text(rows: int, seed: int = 1) -> str:
    """A help-desk export: external id, agent email, channel, start, customer, relationship, transcript of 2-5
    messages (some with times). Deterministic from ``seed``."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["external_id", "staff_email", "channel", "started_at", "customer_ref", "relationship",
                     "source_url", "transcript"])
    for n in range(rows):
        day, hour, minute = rng.randint(1, 28), rng.randint(8, 17), rng.randint(0, 59)
        messages = LINES[:rng.randint(2, len(LINES))]
        timed = rng.random() < 0.3
        transcript = "\n".join((f"[{hour:02d}:{minute:02d}] " if timed else "") + line.format(n=n)
                               for line in messages)
        writer.writerow([f"T-{n}", f"agent-{rng.randrange(STAFF):02d}@bench.example", rng.choice(CHANNELS),
                         f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:00Z", f"CUST-{rng.randrange(20_000)}",
                         "b2b" if rng.random() < 0.2 else "", f"https://desk.example/tickets/{n}", transcript])
    return out.getvalue()


@dataclass
class ImportTiming:
    rows: int
    messages: int
    csv_seconds: list[float]
    import_seconds: list[float]
    csv_cpu: list[float]  # this process's CPU time (PostgreSQL's own work is not in it)
    import_cpu: list[float]
    # Writing the same rows again, already in columns (bulk_insert_columns + commit, into the emptied table):
    # the database's own share of the import, which no reading or checking can make shorter.
    write_seconds: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.import_seconds) / statistics.median(self.csv_seconds)

    @property
    def write_ratio(self) -> float:
        return statistics.median(self.write_seconds) / statistics.median(self.csv_seconds)

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in CPU time: steadier than wall time on a busy machine."""
        return statistics.median(self.import_cpu) / statistics.median(self.csv_cpu)


def _prepare(url: str):
    """A fresh database with the schema and the export's 50 staff in one team."""
    from bro.extensions import db
    from bro.people import create_user, get_or_create_team

    gen.fresh_database(url)
    app = gen.make_app(url, "pbkdf2:sha256:1000")
    with app.app_context():
        db.create_all()
        team = get_or_create_team("Help desk")
        for number in range(STAFF):
            create_user(f"Agent {number:02d}", f"agent-{number:02d}@bench.example", "bench-password-1", ["staff"],
                        team=team)
        db.session.commit()
    return app


def measure(url: str, rows: int = 100_000, repetitions: int = 3) -> ImportTiming:
    """Median of ``repetitions`` imports, each into a fresh database, and of as many csv.reader passes."""
    from bro.extensions import db
    from bro.interactions.operations import import_interaction_batches
    from bro.interactions.parsing import read_interaction_batches

    text = export_text(rows)
    plain, full, plain_cpu, full_cpu, write = [], [], [], [], []
    messages = 0
    for _ in range(repetitions):
        started, cpu = time.perf_counter(), time.process_time()
        for _row in csv.reader(io.StringIO(text, newline="")):
            pass
        plain.append(time.perf_counter() - started)
        plain_cpu.append(time.process_time() - cpu)
        app = _prepare(url)
        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            summary = import_interaction_batches(read_interaction_batches(text, "csv")[1], by=None, team_ids=None)
            db.session.commit()
            full.append(time.perf_counter() - started)
            full_cpu.append(time.process_time() - cpu)
            assert summary.created == rows, summary
            messages = summary.messages
            write.append(_write_again(rows))
            db.session.remove()
            db.engine.dispose()
    return ImportTiming(rows, messages, plain, full, plain_cpu, full_cpu, write)


def _write_again(rows: int) -> float:
    """Seconds to write the interactions just imported once more, from columns, into their emptied table."""
    from sqlalchemy import select, text

    from bro.database import bulk_insert_columns
    from bro.extensions import db
    from bro.interactions.operations import INTERACTION_COLUMNS
    from bro.interactions.parsing import without_gc_pauses
    from bro.models.interactions import Interaction

    table = Interaction.__table__
    stored = db.session.execute(select(*(table.c[name] for name in INTERACTION_COLUMNS)).order_by(table.c.id)).all()
    columns = [list(values) for values in zip(*stored)]
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    db.session.execute(text("TRUNCATE interactions CASCADE" if postgresql else "DELETE FROM interactions"))
    db.session.commit()
    with without_gc_pauses():
        started = time.perf_counter()
        bulk_insert_columns(table, INTERACTION_COLUMNS, columns, len(stored))
        db.session.commit()
        seconds = time.perf_counter() - started
    assert len(stored) == rows
    return seconds


def sqlite_scratch_url() -> str:
    return f"sqlite:///{Path(tempfile.gettempdir()) / 'bro-bench-interactions.sqlite3'}"


def postgres_scratch_url(url: str) -> str:
    """The bench's PostgreSQL server, database name + "_interactions" (created when missing)."""
    from bench.run import ensure_postgres_database

    base, _, name = url.rpartition("/")
    name, _, query = name.partition("?")
    scratch = f"{base}/{name}_interactions" + (f"?{query}" if query else "")
    ensure_postgres_database(scratch)
    return scratch


@click.command()
@click.option("--rows", default=100_000, show_default=True)
@click.option("--repetitions", default=3, show_default=True)
@click.option("--database-url", default=None, help="Default: a scratch SQLite file in the temporary folder.")
def main(rows, repetitions, database_url):
    url = postgres_scratch_url(database_url) if database_url and not database_url.startswith("sqlite") \
        else database_url or sqlite_scratch_url()
    timing = measure(url, rows, repetitions)
    click.echo(f"{gen.redact(url)}: {timing.rows:,} interactions, {timing.messages:,} messages; csv.reader "
               f"{statistics.median(timing.csv_seconds):.2f} s, read + import + commit "
               f"{statistics.median(timing.import_seconds):.2f} s: {timing.ratio:.1f}x (CPU time of this process: "
               f"{timing.cpu_ratio:.1f}x); writing the same rows alone {statistics.median(timing.write_seconds):.2f} s: "
               f"{timing.write_ratio:.1f}x")


if __name__ == "__main__":
    main()
