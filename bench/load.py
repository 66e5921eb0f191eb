"""``make load``: a mixed workload against gunicorn on loopback, then proof that nothing accepted was lost or doubled.

    python -m bench.load --clients 50 --seconds 60 [--scale 0.1] [--database-url URL] [--postgres-url URL]

Clients (bounded in time and in requests each): staff take quizzes (start, page, submit; one in twenty
submits twice, as a double click would), supervisors record audits and read their team's dashboard and
audit list, trainers read item analyses. Every audit carries a client-made customer reference; every quiz
submission names its attempt. Afterwards, with the server stopped, the database must hold each accepted
audit exactly once and no other audit from this run, and each accepted attempt submitted once with its
answers, and no other submitted attempt of this run's users; the derived audit tables must still equal
an aggregation of the ratings. Runs on SQLite, then on PostgreSQL when a URL is given (or BENCH_DATABASE_URL).
"""
from __future__ import annotations

import json
import os
import re
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click

from bench import generate as gen
from bench.actions import (
    ATTEMPT_PATH, AuditRecorder, Catalogue, OpenAttempt, Urls, attempt_url, audit_id_of, csrf_token, discover_urls,
    read_catalogue,
)
from bench.measure import Client, Response, percentile
from bench.server import GunicornServer

HERE = Path(__file__).resolve().parent
DOUBLE_SUBMIT_SHARE = 0.05
SERVER_NAMES = "ABCDEFGH"
AUDIT_COUNT = re.compile(r'kpi-value">([\d,.\s\u00a0\u202f]+)</span>\s*<span class="kpi-label">audits</span>')


# --------------------------------------------------------------------------------------------- verification
@dataclass
class Verification:
    """Accepted submissions vs what the database holds."""

    what: str
    accepted: int
    stored: int
    missing: list[str] = field(default_factory=list)  # accepted, not stored
    duplicated: list[str] = field(default_factory=list)  # stored more than once
    unexpected: list[str] = field(default_factory=list)  # stored, never seen accepted

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unexpected)

    def summary(self) -> str:
        verdict = "OK" if self.ok else "FAILED"
        return (f"{self.what}: {verdict} — {self.accepted} accepted, {self.stored} stored; "
                f"{len(self.missing)} missing, {len(self.duplicated)} duplicated, {len(self.unexpected)} unexpected"
                + (f" (e.g. {(self.missing + self.duplicated + self.unexpected)[:3]})" if not self.ok else ""))


def verify_submissions(what: str, accepted, stored) -> Verification:
    """Each accepted key stored exactly once, nothing stored that was not accepted (``stored`` may repeat keys)."""
    accepted_set = {str(key) for key in accepted}
    counts = Counter(str(key) for key in stored)
    return Verification(
        what, len(accepted_set), sum(counts.values()),
        missing=sorted(accepted_set - set(counts)),
        duplicated=sorted(key for key, n in counts.items() if n > 1),
        unexpected=sorted(set(counts) - accepted_set),
    )


# --------------------------------------------------------------------------------------------- the workload
@dataclass
class Log:
    """What every client saw, shared between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    audits: dict[str, int] = field(default_factory=dict)  # customer ref -> audit id, as accepted
    attempts: set[int] = field(default_factory=set)  # attempt ids whose submission was accepted
    users: set[int] = field(default_factory=set)

    def record(self, kind: str, response: Response | None, ok: bool, error: str = "") -> None:
        with self.lock:
            if response is not None:
                self.samples[kind].append(response.seconds)
            if not ok:
                self.errors[kind][error or (str(response.status) if response is not None else "exception")] += 1


class Budget:
    def __init__(self, deadline: float, max_requests: int):
        self.deadline, self.left = deadline, max_requests

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0 and time.monotonic() < self.deadline


def call(log: Log, kind: str, action, ok=lambda r: r.status == 200) -> Response | None:
    try:
        response = action()
    except Exception as error:  # noqa: BLE001 (a failed request is an error of this kind, not a crash)
        log.record(kind, None, False, type(error).__name__)
        return None
    log.record(kind, response, ok(response))
    return response


def staff_client(client: Client, urls: Urls, cat: Catalogue, log: Log, budget: Budget, rng: random.Random) -> None:
    token = csrf_token(client)
    while budget.spend():
        module_id, course_id, key = rng.choice(cat.modules)
        started = call(log, "quiz start", lambda: client.post(
            urls.quiz_start.format(course_id=course_id, module_key=key), {"csrf_token": token}),
            ok=lambda r: r.status in (302, 303) and "/attempts/" in (r.location or ""))
        match = ATTEMPT_PATH.search(started.location or "") if started is not None else None
        if match is None or not budget.spend():
            continue
        attempt_id = int(match.group(1))
        try:
            attempt = OpenAttempt(client, attempt_id, attempt_url(started), rng)
            log.record("quiz page", attempt.page, True)
        except Exception as error:  # noqa: BLE001
            log.record("quiz page", None, False, str(error)[:60])
            continue
        reviewed = lambda r: r.status in (302, 303) and "review" in (r.location or "")  # noqa: E731
        submitted = call(log, "quiz submit", attempt.submit, ok=reviewed)
        if submitted is not None and reviewed(submitted):
            with log.lock:
                log.attempts.add(attempt_id)
            if rng.random() < DOUBLE_SUBMIT_SHARE and budget.spend():
                call(log, "quiz submit again", attempt.submit, ok=reviewed)
        if rng.random() < 0.3 and budget.spend():
            call(log, "my learning", lambda: client.get(urls.my_learning))


def supervisor_client(client: Client, urls: Urls, cat: Catalogue, log: Log, budget: Budget, rng: random.Random,
                      run_tag: str, number: int) -> None:
    recorder = None
    if urls.audits_new:
        try:
            recorder = AuditRecorder(client, urls.audits_new)
            log.record("audit form", recorder.page, True)
        except Exception as error:  # noqa: BLE001
            log.record("audit form", None, False, str(error)[:60])
    sequence = 0
    while budget.spend():
        choice = rng.random()
        if recorder is not None and choice < 0.5:
            sequence += 1
            ref = f"LOAD-{run_tag}-{number}-{sequence}"
            response = call(log, "audit submit", lambda: recorder.submit(ref, rng),
                            ok=lambda r: audit_id_of(r) is not None)
            if response is not None and audit_id_of(response) is not None:
                with log.lock:
                    log.audits[ref] = audit_id_of(response)
        elif urls.dashboard and choice < 0.8:
            call(log, "dashboard (team, default range)", lambda: client.get(urls.dashboard))
        elif urls.audits_index:
            call(log, "audit list", lambda: client.get(urls.audits_index))


def trainer_client(client: Client, urls: Urls, cat: Catalogue, log: Log, budget: Budget, rng: random.Random) -> None:
    while budget.spend():
        if urls.item_analysis and rng.random() < 0.7:
            module_id = rng.choice(cat.modules)[0]
            call(log, "item analysis", lambda: client.get(urls.item_analysis.format(module_id=module_id)))
        elif urls.items:
            call(log, "item list", lambda: client.get(urls.items))


def persona_of(index: int) -> str:
    return (["staff"] * 6 + ["supervisor"] * 3 + ["trainer"])[index % 10]


class ServerLog:
    """A client's view of the shared log: its request kinds carry its server's name ("A: quiz submit")."""

    def __init__(self, log: Log, prefix: str):
        self.log, self.prefix = log, prefix
        self.lock, self.audits, self.attempts, self.users = log.lock, log.audits, log.attempts, log.users

    def record(self, kind: str, response: Response | None, ok: bool, error: str = "") -> None:
        self.log.record(self.prefix + kind, response, ok, error)


def run_workload(base_urls: list[str] | str, urls: Urls, cat: Catalogue, clients: int, seconds: float,
                 max_requests: int, run_tag: str) -> tuple[Log, float]:
    """``clients`` clients split between the servers at ``base_urls`` (client i uses server i mod n)."""
    if isinstance(base_urls, str):
        base_urls = [base_urls]
    log = Log()
    staff_ids = [sid for team in cat.team_ids for sid in cat.staff_by_team[team]]
    first_staff = min(staff_ids)
    workers = []
    logins: list[tuple[int, str, Client]] = []
    supervisors = 0
    for index in range(clients):
        kind = persona_of(index)
        if kind == "staff":
            user_id = staff_ids[(index * 37) % len(staff_ids)]
            email = gen.user_email("staff", user_id - first_staff + 1)
            log.users.add(user_id)
        elif kind == "supervisor":
            # One team's supervisor per client, in turn (index % teams put 15 clients on 3 accounts: five tabs
            # each, which the per-user limit on heavy views rightly answers with 429).
            email = gen.user_email("sup", cat.team_ids[supervisors % len(cat.team_ids)])
            supervisors += 1
        else:
            email = gen.user_email("trainer", 1)  # trainers' sessions are independent: one account serves all
        server = index % len(base_urls)
        client = Client(base_urls[server], timeout=120)
        client.login(email, gen.PASSWORD)
        logins.append((index, kind, client, server))
    start = threading.Barrier(clients + 1)
    deadline_box: list[float] = []

    def work(index: int, kind: str, client: Client, server: int) -> None:
        start.wait()
        rng = random.Random(index)
        budget = Budget(deadline_box[0], max_requests)
        view = ServerLog(log, f"{SERVER_NAMES[server]}: ") if len(base_urls) > 1 else log
        try:
            if kind == "staff":
                staff_client(client, urls, cat, view, budget, rng)
            elif kind == "supervisor":
                supervisor_client(client, urls, cat, view, budget, rng, run_tag, index)
            else:
                trainer_client(client, urls, cat, view, budget, rng)
        except Exception as error:  # noqa: BLE001
            view.record(f"{kind} client", None, False, f"{type(error).__name__}: {str(error)[:60]}")

    for index, kind, client, server in logins:
        workers.append(threading.Thread(target=work, args=(index, kind, client, server), daemon=True))
        workers[-1].start()
    deadline_box.append(time.monotonic() + seconds)
    started = time.perf_counter()
    start.wait()
    for thread in workers:
        thread.join(timeout=seconds + 300)
    return log, time.perf_counter() - started


def dashboard_audits(client: Client, url: str) -> int | None:
    """The audit count the dashboard shows (its "audits" figure), or None when the page has none."""
    page = client.get(url)
    match = AUDIT_COUNT.search(page.text) if page.status == 200 else None
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def cross_server_check(base_urls: list[str], urls: Urls, cat: Catalogue, run_tag: str, log: Log) -> Verification:
    """A dashboard viewed on server B after an audit posted on server A shows it: B renders (and caches) the
    team's dashboard, A records an audit of that team today, B's dashboard must count one audit more."""
    what = "dashboard on server B shows an audit posted on server A"
    if not urls.dashboard or not urls.audits_new:
        return Verification(what, 0, 0, missing=["route missing"])
    email = gen.user_email("sup", cat.team_ids[0])
    on_a, on_b = Client(base_urls[0], timeout=120), Client(base_urls[1], timeout=120)
    on_a.login(email, gen.PASSWORD)
    on_b.login(email, gen.PASSWORD)
    before = dashboard_audits(on_b, urls.dashboard)
    dashboard_audits(on_b, urls.dashboard)  # a second view: the cached one, if the cache keeps it
    ref = f"LOAD-{run_tag}-cross"
    response = AuditRecorder(on_a, urls.audits_new).submit(ref, random.Random(7))
    if audit_id_of(response) is None:
        return Verification(what, 1, 0, missing=[f"the audit was refused on A (status {response.status})"])
    with log.lock:
        log.audits[ref] = audit_id_of(response)
    after = dashboard_audits(on_b, urls.dashboard)
    if before is None or after is None:
        return Verification(what, 1, 0, missing=["no audit count on the dashboard page"])
    shown = after == before + 1
    return Verification(what, 1, int(shown), missing=[] if shown else [f"B showed {after} audits, {before} before"])


def verify(database_url: str, log: Log, run_tag: str, since: datetime) -> list[Verification]:
    from sqlalchemy import create_engine, func, select

    from bro.models.audits import Audit
    from bro.models.training import AttemptAnswer, QuizAttempt

    engine = create_engine(database_url)
    with engine.connect() as connection:
        refs = list(connection.execute(select(Audit.customer_ref).where(
            Audit.customer_ref.like(f"LOAD-{run_tag}-%"))).scalars())
        # Submitted during the run (the generated history ends before the run's day), or accepted by a client.
        during = QuizAttempt.submitted_at >= since
        submitted = list(connection.execute(select(QuizAttempt.id).where(during)).scalars())
        answers = dict(connection.execute(
            select(AttemptAnswer.attempt_id, func.count()).join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
            .where(during).group_by(AttemptAnswer.attempt_id)).all())
        orders = dict(connection.execute(select(QuizAttempt.id, QuizAttempt.question_order).where(during)).all())
    engine.dispose()
    audits = verify_submissions("audits (by customer reference)", log.audits, refs)
    attempts = verify_submissions("quiz submissions (by attempt id)", log.attempts, submitted)
    wrong = [str(a) for a in log.attempts if answers.get(a, 0) != len(orders.get(a) or [])]
    answer_check = Verification("answers of accepted attempts (one per question)", len(log.attempts),
                                sum(answers.values()), missing=wrong)
    return [audits, attempts, answer_check]


def load_database(label: str, url: str, clients: int, seconds: float, max_requests: int, scale: float,
                  reuse: bool, seed: int, servers: int = 1) -> dict:
    if not (reuse and (not url.startswith("sqlite") or Path(url.split("///", 1)[1]).exists())):
        if not url.startswith("sqlite"):
            from bench.run import ensure_postgres_database
            ensure_postgres_database(url)
        report = gen.generate(url, seed=seed, scale=scale)
        click.echo(f"[{label}] generated {report.total_rows:,} rows in {report.seconds:.1f} s "
                   f"({report.rows_per_second:,.0f} rows/s)", err=True)
    app = gen.make_app(url)
    urls = discover_urls(app)
    cat = read_catalogue(url)
    since = datetime.now(timezone.utc).replace(tzinfo=None)  # bro.clock's naive UTC
    run_tag = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    # Several servers share the database and the secret key (a session made on one is valid on the others);
    # each keeps its own in-process caches (README "Running on several servers").
    shared = {"SECRET_KEY": "load-" + os.urandom(16).hex()}
    with ExitStack() as stack:
        running = [stack.enter_context(GunicornServer(url, extra_env=shared)) for _ in range(servers)]
        bases = [server.base_url for server in running]
        click.echo(f"[{label}] {clients} clients for {seconds:g} s against {', '.join(bases)}", err=True)
        log, wall = run_workload(bases, urls, cat, clients, seconds, max_requests, run_tag)
        cross = cross_server_check(bases, urls, cat, run_tag, log) if servers > 1 else None
        memory = {pid: values for server in running for pid, values in server.worker_memory_kb().items()}
        exceptions: Counter = Counter()
        for server in running:
            exceptions.update(server.exceptions())
    checks = verify(url, log, run_tag, since) + ([cross] if cross is not None else [])
    derived = gen.derived_table_problems(url)
    kinds = {}
    for kind in sorted(set(log.samples) | set(log.errors)):
        samples = log.samples.get(kind, [])
        kinds[kind] = {"requests": len(samples) + sum(n for e, n in log.errors[kind].items() if e == "exception"),
                       "errors": sum(log.errors[kind].values()), "error_kinds": dict(log.errors[kind]),
                       "median_ms": percentile(samples, 50) * 1000 if samples else None,
                       "p95_ms": percentile(samples, 95) * 1000 if samples else None}
    total = sum(len(s) for s in log.samples.values())
    return {"database": label + (f", {servers} servers" if servers > 1 else ""), "clients": clients,
            "seconds": round(wall, 1), "requests": total,
            "requests_per_second": round(total / wall, 1) if wall else None,
            "submissions_per_second": round((len(log.audits) + len(log.attempts)) / wall, 1) if wall else None,
            "errors": sum(sum(c.values()) for c in log.errors.values()), "kinds": kinds,
            "verification": [{"check": v.what, "ok": v.ok, "summary": v.summary()} for v in checks],
            "derived_tables": derived[:10] or "consistent", "worker_memory_kb": memory,
            "missing_routes": urls.missing, "server_exceptions": exceptions}


def print_report(result: dict) -> None:
    click.echo(f"\n[{result['database']}] {result['clients']} clients, {result['seconds']} s: {result['requests']:,} "
               f"requests ({result['requests_per_second']} req/s), {result['submissions_per_second']} accepted "
               f"submissions/s, errors: {result['errors']} (target: none)")
    width = max(len(kind) for kind in result["kinds"]) if result["kinds"] else 10
    click.echo(f"  {'request kind'.ljust(width)}  {'n':>6}  {'errors':>6}  {'median ms':>9}  {'p95 ms':>8}")
    for kind, row in result["kinds"].items():
        median = "—" if row["median_ms"] is None else f"{row['median_ms']:.0f}"
        p95 = "—" if row["p95_ms"] is None else f"{row['p95_ms']:.0f}"
        errors = f"{row['errors']}" + (f" {row['error_kinds']}" if row["errors"] else "")
        click.echo(f"  {kind.ljust(width)}  {row['requests']:>6}  {errors:>6}  {median:>9}  {p95:>8}")
    for check in result["verification"]:
        click.echo(f"  {check['summary']}")
    click.echo(f"  derived audit tables after the load: {result['derived_tables']}")
    peaks = [values.get("VmHWM", 0) / 1024 for values in result["worker_memory_kb"].values()]
    if peaks:
        click.echo(f"  peak RSS of the workers: {', '.join(f'{peak:.0f} MB' for peak in peaks)}")
    for line, count in sorted(result["server_exceptions"].items(), key=lambda item: -item[1]):
        click.echo(f"  server logged {count}× {line}")
    if result["missing_routes"]:
        click.echo(f"  not exercised (route missing): {', '.join(result['missing_routes'])}")


@click.command()
@click.option("--clients", default=50, show_default=True)
@click.option("--seconds", default=60.0, show_default=True)
@click.option("--max-requests", default=5000, show_default=True, help="Upper bound of requests per client.")
@click.option("--scale", default=0.1, show_default=True, help="Size of the freshly generated database.")
@click.option("--seed", default=1, show_default=True)
@click.option("--database-url", default=None, help="SQLite URL (default: sqlite:///bench/load.sqlite3).")
@click.option("--postgres-url", default=lambda: os.environ.get("BENCH_DATABASE_URL"),
              help="Also run on this PostgreSQL database (default: $BENCH_DATABASE_URL; '_load' is appended).")
@click.option("--reuse", is_flag=True, help="Use the database as it is instead of generating it afresh.")
@click.option("--json", "json_path", default=None, help="Write the results as JSON to this file.")
@click.option("--servers", default=1, show_default=True, type=click.IntRange(1, len(SERVER_NAMES)),
              help="App servers (gunicorn, each on its own loopback port) sharing one PostgreSQL database; the "
                   "clients are split between them. More than one needs --postgres-url (or BENCH_DATABASE_URL).")
def main(clients, seconds, max_requests, scale, seed, database_url, postgres_url, reuse, json_path, servers):
    """Mixed load on loopback; then every accepted submission must be in the database exactly once."""
    targets = [] if servers > 1 else [("sqlite", database_url or f"sqlite:///{HERE / 'load.sqlite3'}")]
    if postgres_url:
        base, _, name = postgres_url.rpartition("/")
        targets.append(("postgresql", f"{base}/{name.split('?', 1)[0]}_load"))
    if not targets:
        raise click.UsageError("--servers 2 runs against one PostgreSQL database: give --postgres-url "
                               "(or set BENCH_DATABASE_URL)")
    results = []
    for label, url in targets:
        result = load_database(label, url, clients, seconds, max_requests, scale, reuse, seed, servers)
        print_report(result)
        results.append(result)
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2, default=str) + "\n")
    failed = any(r["errors"] or not all(v["ok"] for v in r["verification"]) or r["derived_tables"] != "consistent"
                 for r in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
