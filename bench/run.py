"""``make bench``: generate the organisation, serve it with gunicorn on loopback, measure every figure of
issue 7 in one run, print one table and write bench/results.json (and bench/RESULTS.md with --markdown).

    python -m bench.run [--scale 1.0] [--seed 1] [--reuse] [--markdown]

With BENCH_DATABASE_URL set (a PostgreSQL URL) the whole run is repeated on PostgreSQL after SQLite; the
quarter-size database there is the same server's database with "_quarter" appended to its name.

``--only scale --compare-scale 5`` compares the dashboards of a database ``--compare-scale`` times as large
(every size, the organisation too) with the ``--scale`` one: "_x5" appended to the name (``bench-x5.sqlite3``).
"""
from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import click

from bench import generate as gen
from bench.actions import (
    AuditRecorder, Catalogue, OpenAttempt, Urls, attempt_url, audit_id_of, csrf_token, discover_urls,
    read_catalogue, start_attempt,
)
from bench.measure import Client, Figure, Response, Target, Timing, ratio, render_markdown, render_table, timed
from bench.server import GunicornServer

HERE = Path(__file__).resolve().parent
TARGETS = {
    "team_dashboard": Target(3),
    "all_dashboard": Target(5),
    "step_chart": Target(3),
    "growth": Target(1.1),
    "submissions": Target(0.5, at_least=True),  # issue 16
    "import": Target(3),  # issue 16: against yaml.load with libyaml's CSafeLoader (the floor of parsing)
    "item_analysis": Target(5),  # issue 16: one module's item analysis, p95 / baseline p95
    "memory": Target(150, unit=" MB"),
    "api_read": Target(3),
    "interaction_import": Target(5),
}
WARM_UP_TIMEOUT = 300.0  # seconds, gunicorn's own --timeout (bench.server)
PAGE_STEP = "step-07"  # the step that drifts in the generated data
GROUPS = ("pages", "api", "growth", "submissions", "extras", "import", "interactions")
EXTRA_GROUPS = ("scale",)  # only when asked for (--only): the scale comparison generates a database 5x as large
SERVED_GROUPS = frozenset({"pages", "api", "growth", "submissions", "extras", "scale"})  # need the organisation
DATABASES = ("sqlite", "postgresql")


@dataclass
class Settings:
    seed: int = 1
    scale: float = 1.0
    page_requests: int = 40
    baseline_requests: int = 200
    clients: int = 8
    audits_per_client: int = 25
    quiz_users_per_client: int = 2
    import_courses: int = 200
    workers: int = 2
    threads: int = 4
    reuse: bool = False
    quarter: bool = True
    only: frozenset[str] = frozenset(GROUPS)
    compare_scale: float = 5.0
    databases: frozenset[str] = frozenset(DATABASES)


# --------------------------------------------------------------------------------------------- helpers
def sqlite_url(name: str) -> str:
    return f"sqlite:///{HERE / name}"


def quarter_url_for(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return f"sqlite:///{path.with_name(path.stem + '-quarter' + path.suffix)}"
    base, _, name = url.rpartition("/")
    name, _, query = name.partition("?")
    return f"{base}/{name}_quarter" + (f"?{query}" if query else "")


def scaled_url_for(url: str, factor: float) -> str:
    """The database of the scale comparison: "-x5" after a SQLite file's name, "_x5" after a PostgreSQL one's."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return f"sqlite:///{path.with_name(f'{path.stem}-x{factor:g}{path.suffix}')}"
    base, _, name = url.rpartition("/")
    name, _, query = name.partition("?")
    suffix = f"x{factor:g}".replace(".", "_")
    return f"{base}/{name}_{suffix}" + (f"?{query}" if query else "")


def ensure_postgres_database(url: str) -> bool:
    """Create the PostgreSQL database named in ``url`` when it does not exist (same server and credentials);
    whether it existed."""
    from sqlalchemy import create_engine, text

    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        existed = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not existed:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return bool(existed)


def has_audits(url: str) -> bool:
    """Whether the database holds generated audits (to --reuse it)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return "audits" in inspect(connection).get_table_names() and bool(
                connection.execute(text("SELECT 1 FROM audits LIMIT 1")).first())
    finally:
        engine.dispose()


def generated(url: str, settings: Settings, scale: float, org_scale: float | None, end: date) -> dict:
    """Generate into ``url`` unless --reuse and the database exists; the generator's report."""
    if settings.reuse and url.startswith("sqlite") and Path(url.split("///", 1)[1]).exists():
        return {"reused": True, "database_url": gen.redact(url)}
    if not url.startswith("sqlite"):
        if ensure_postgres_database(url) and settings.reuse and has_audits(url):
            return {"reused": True, "database_url": gen.redact(url)}
    report = gen.generate(url, seed=settings.seed, scale=scale, org_scale=org_scale, end=end)
    click.echo(f"  generated {gen.redact(url)}: {report.total_rows:,} rows in {report.seconds:.1f} s "
               f"({report.rows_per_second:,.0f} rows/s); schema: {report.schema}", err=True)
    return report.as_dict()


def logged_in(base_url: str, email: str) -> Client:
    client = Client(base_url)
    client.login(email, gen.PASSWORD)
    return client


def dashboard_url(urls: Urls, **params) -> str | None:
    return f"{urls.dashboard}?{urlencode(params)}" if urls.dashboard else None


def widened(end: date, weeks: int) -> dict[str, str]:
    """The two years up to ``end``, starting ``weeks`` weeks earlier: a range not shown before, with the same
    audits in it (the weeks added come before the first audit)."""
    return {"from": (end - timedelta(days=gen.HISTORY_DAYS - 1) - timedelta(weeks=weeks)).isoformat(),
            "to": end.isoformat(), "period": "week"}


def two_years(end: date) -> dict[str, str]:
    return {"from": (end - timedelta(days=gen.HISTORY_DAYS - 1)).isoformat(), "to": end.isoformat(),
            "period": "week"}


class AuditBeforeEach:
    """Records one audit of the supervisor's team before each timed view (untimed), so that every view is the
    first one after an audit: a *true* cache miss (issue 16), however the app caches. The audit is dated within
    the window measured, so it changes the team's and the organisation's charts."""

    def __init__(self, client: Client, urls: Urls, day: date, label: str):
        self.recorder = AuditRecorder(client, urls.audits_new) if urls.audits_new else None
        self.day, self.label, self.count = day, label, 0
        self.rng = random.Random(f"{label}-{day}")
        self.refused: dict[int, int] = {}

    def __call__(self) -> None:
        if self.recorder is None:
            return
        self.count += 1
        response = self.recorder.submit(f"BENCH-MISS-{self.label}-{self.count}", self.rng, interacted_on=self.day)
        if audit_id_of(response) is None:
            self.refused[response.status] = self.refused.get(response.status, 0) + 1


def concurrently(clients: list, work: Callable[[int, object], list[Response]],
                 accept: Callable[[Response], bool]) -> Timing:
    """Run ``work(i, client)`` in one thread per client, all released at once; latencies of every response."""
    barrier = threading.Barrier(len(clients) + 1)
    results: list[list[Response]] = [[] for _ in clients]
    failures: list[BaseException] = []

    def run(index: int, client) -> None:
        barrier.wait()
        try:
            results[index] = work(index, client)
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    responses = [response for batch in results for response in batch]
    statuses: dict[int, int] = {}
    for response in responses:
        statuses[response.status] = statuses.get(response.status, 0) + 1
    timing = Timing([r.seconds for r in responses], wall, sum(not accept(r) for r in responses) + len(failures),
                    statuses)
    if failures:
        click.echo(f"  {len(failures)} client(s) failed: {failures[0]!r}", err=True)
    return timing


class TokenCaller:
    """GETs with a personal access token (the JSON API), over one keep-alive connection and no cookie."""

    def __init__(self, base_url: str, secret: str):
        self.client = Client(base_url)
        self.headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}

    def get(self, path: str) -> Response:
        return self.client.request("GET", path, headers=self.headers)


def api_token(app, email: str) -> str:
    """A read token of the user with ``email``, written straight to the database (as the tokens page would)."""
    from sqlalchemy import select

    from bro.api.tokens import issue_token
    from bro.extensions import db
    from bro.models.people import User

    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        _token, secret = issue_token(user, name="bench", scopes=["read"], days=1)
        db.session.commit()
    return secret


def measure_api_reads(app, base: str, urls: Urls, team_id: int, window: dict, base_p95: float | None,
                      settings: Settings) -> list[Figure]:
    """The JSON API's reads of the audit list (the page's filters) and of one chart's numbers, against the
    baseline page (issue 15: p95 / baseline p95 <= 3)."""
    figures = []
    supervisor = TokenCaller(base, api_token(app, gen.user_email("sup", team_id)))
    admin = TokenCaller(base, api_token(app, gen.ADMIN_EMAIL))
    list_url = (f"{urls.api_audits}?" + urlencode({"team": team_id, "from": window["from"], "to": window["to"],
                                                   "result": "failed"})) if urls.api_audits else None
    chart_url = f"{urls.api_chart}?{urlencode({'team': team_id, **window})}" if urls.api_chart else None
    all_chart_url = f"{urls.api_chart}?{urlencode(window)}" if urls.api_chart else None
    for name, caller, url, key in (
            ("API: audit list, team + 2 years + failed (first 50, token)", supervisor, list_url, "api_audits"),
            ("API: Pareto numbers, one team, 2 years (token)", supervisor, chart_url, "api_chart"),
            ("(extra) API: Pareto numbers, all teams, 2 years (admin token)", admin, all_chart_url, "api_chart")):
        figure, timing = page_figure(name, caller, url, settings, urls.missing.get(key, ""))
        if timing and not name.startswith("(extra)"):
            figure = figure.judge(ratio(timing.p95, base_p95), TARGETS["api_read"], "p95 / baseline p95")
        elif timing:
            figure.ratio, figure.ratio_label = ratio(timing.p95, base_p95), "p95 / baseline p95"
        figures.append(figure)
    return figures


def page_figure(name: str, client: Client, url: str | Callable[[int], str] | None, settings: Settings,
                missing: str = "", prepare: Callable[[], object] | None = None) -> tuple[Figure, Timing | None]:
    """Sequential requests of one page; ``url`` may be a function of the request number; ``prepare`` runs
    (untimed) before each request."""
    if url is None:
        return Figure(name, note=f"not measured: {missing or 'route missing'}"), None
    counter = iter(range(10**6))
    address = url if callable(url) else (lambda number: url)
    timing = timed(settings.page_requests, lambda: client.get(address(next(counter))), prepare=prepare)
    note = timing.status_note()
    click.echo(f"  {name}: p95 {timing.p95 * 1000:.0f} ms", err=True)
    return Figure.from_timing(name, timing, note=note), timing


# --------------------------------------------------------------------------------------------- one database
def measure_database(label: str, url: str, quarter: str | None, settings: Settings, end: date,
                     details: dict, scaled: str | None = None) -> list[Figure]:
    """Every HTTP figure on one database (and its quarter-size twin, and the larger one of the scale comparison)."""
    app = gen.make_app(url)
    urls = discover_urls(app)
    details["urls"] = {key: value for key, value in vars(urls).items() if key != "endpoints"}
    catalogue = read_catalogue(url)
    figures: list[Figure] = []
    team_id = catalogue.team_ids[0]
    window = two_years(end)
    with GunicornServer(url, settings.workers, settings.threads) as server:
        base = server.base_url
        click.echo(f"[{label}] gunicorn {settings.workers} workers x {settings.threads} threads at {base}", err=True)
        supervisor = logged_in(base, gen.user_email("sup", team_id))
        admin = logged_in(base, gen.ADMIN_EMAIL)

        baseline_figure, baseline = page_figure("baseline: GET /account (supervisor)", supervisor, urls.baseline,
                                                Settings(page_requests=settings.baseline_requests))
        figures.append(baseline_figure)
        base_p95 = baseline.p95 if baseline else None
        timeline = details.setdefault("worker_peak_mb_timeline", [])

        def snapshot(moment: str) -> None:
            peaks = [values.get("VmHWM", 0) / 1024 for values in server.worker_memory_kb().values()]
            timeline.append({"after": moment, "peak_mb": [round(peak, 1) for peak in peaks]})

        snapshot("two logins and the baseline")

        if "pages" in settings.only:
            # True cache misses (issue 16): each timed view asks for a range not shown before (the two years,
            # starting one more week earlier each time: the same audits, the weeks added are empty), so neither
            # the cache nor warming can have it ready. No writes meanwhile: no background warming competes.
            miss = AuditBeforeEach(supervisor, urls, end, "pages")
            missing = urls.missing.get("dashboard", "")

            def new_range(**params) -> Callable[[int], str]:
                return lambda number: dashboard_url(urls, **params, **widened(end, number + 1))

            figure, team_timing = page_figure("dashboard, one team, 2 years weekly (its supervisor; true miss: a "
                                              "range not shown before)", supervisor,
                                              new_range(team=team_id), settings, missing)
            figures.append(figure.judge(ratio(team_timing.p95, base_p95) if team_timing else None,
                                        TARGETS["team_dashboard"], "p95 / baseline p95"))
            figure, all_timing = page_figure("dashboard, all teams, 2 years weekly (admin; true miss: a range not "
                                             "shown before)", admin, new_range(), settings, missing)
            figures.append(figure.judge(ratio(all_timing.p95, base_p95) if all_timing else None,
                                        TARGETS["all_dashboard"], "p95 / baseline p95"))
            # The same window each time, right after an audit: the app may have warmed it in the background.
            for name, client, params in (("one team", supervisor, {"team": team_id}), ("all teams", admin, {})):
                figure, after = page_figure(f"(extra) dashboard, {name}, same window right after an audit "
                                            "(warming may have rendered it)", client,
                                            dashboard_url(urls, **params, **window), settings, missing, prepare=miss)
                if after:
                    figure.ratio, figure.ratio_label = ratio(after.p95, base_p95), "p95 / baseline p95"
                figures.append(figure)
            for name, client, params in (("one team", supervisor, {"team": team_id}), ("all teams", admin, {})):
                figure, warm = page_figure(f"(extra) dashboard, {name}, repeat view (cache hit)", client,
                                           dashboard_url(urls, **params, **window), settings, missing)
                if warm:
                    figure.ratio, figure.ratio_label = ratio(warm.p95, base_p95), "p95 / baseline p95"
                figures.append(figure)
            # Another scope, no write between: each request a team not viewed before in this window.
            teams = catalogue.team_ids
            figure, other_timing = page_figure(
                "(extra) dashboard, one team, 2 years weekly (admin; true miss: another team each time)", admin,
                (lambda number: dashboard_url(urls, team=teams[(number + 1) % len(teams)],
                                              **two_years(end - timedelta(weeks=number // len(teams) + 1)))),
                settings, missing)
            if other_timing:
                figure.ratio, figure.ratio_label = ratio(other_timing.p95, base_p95), "p95 / baseline p95"
            figures.append(figure)
            figure, step_timing = page_figure(f"p-chart of one step ({PAGE_STEP}), all teams (true miss: a range "
                                              "not shown before)", admin, new_range(step=PAGE_STEP), settings,
                                              missing)
            figures.append(figure.judge(ratio(step_timing.p95, base_p95) if step_timing else None,
                                        TARGETS["step_chart"], "p95 / baseline p95"))
            if miss.refused:
                click.echo(f"  audits refused before views: {miss.refused}", err=True)
            pareto_url = f"{urls.dashboard_csv}?{urlencode({'chart': 'pareto', **window})}" if urls.dashboard_csv else None
            figure, pareto_timing = page_figure("Pareto (its CSV), all teams", admin, pareto_url, settings,
                                                urls.missing.get("dashboard_csv", ""))
            if pareto_timing:
                figure.ratio, figure.ratio_label = ratio(pareto_timing.p95, base_p95), "p95 / baseline p95"
            figures.append(figure)
            list_url = (f"{urls.audits_index}?" + urlencode({"team": team_id, "from": window["from"], "to": window["to"],
                                                             "result": "failed"})) if urls.audits_index else None
            figure, list_timing = page_figure("audit list, team + 2 years + failed (page 1)", supervisor, list_url,
                                              settings, urls.missing.get("audits_index", ""))
            if list_timing:
                figure.ratio, figure.ratio_label = ratio(list_timing.p95, base_p95), "p95 / baseline p95"
            figures.append(figure)

        if "api" in settings.only:
            figures.extend(measure_api_reads(app, base, urls, team_id, window, base_p95, settings))
        snapshot("page figures")
        if quarter and "growth" in settings.only:
            figures.extend(measure_growth(supervisor, admin, quarter, urls, team_id, window, settings))
        snapshot("growth figures")
        if scaled and "scale" in settings.only:
            figures.extend(measure_scale(supervisor, admin, scaled, urls, team_id, window, settings))
        if "submissions" in settings.only:
            figures.extend(measure_submissions(server, urls, catalogue, settings, details))
        snapshot("submissions (24 more logins)")
        memory = server.worker_memory_kb()
        details["worker_memory_kb"] = memory
        peak_mb = max((values.get("VmHWM", 0) for values in memory.values()), default=0) / 1024
        figures.append(Figure(f"peak RSS of one worker (VmHWM, {len(memory)} workers)", count=None,
                              note=f"{peak_mb:.0f} MB").judge(peak_mb or None, TARGETS["memory"], "MB"))
        # Beyond the issue's figures: what the load run's trainers read, and what it costs in memory.
        if urls.item_analysis and catalogue.modules and "extras" in settings.only:
            trainer = logged_in(base, gen.user_email("trainer", 1))
            analysis_url = urls.item_analysis.format(module_id=catalogue.modules[0][0])
            figure, analysis = page_figure("item analysis of one quiz module (trainer)", trainer, analysis_url,
                                           Settings(page_requests=5))
            if analysis:
                figure = figure.judge(ratio(analysis.p95, base_p95), TARGETS["item_analysis"], "p95 / baseline p95")
            figures.append(figure)
            after = server.worker_memory_kb()
            details["worker_memory_kb_after_item_analysis"] = after
            peak_after = max((values.get("VmHWM", 0) for values in after.values()), default=0) / 1024
            figures.append(Figure("peak RSS of one worker after item analysis (the last phase)", count=None,
                                  note=f"{peak_after:.0f} MB").judge(peak_after or None, TARGETS["memory"], "MB"))
        details["server_exceptions"] = server.exceptions()
        for line, count in details["server_exceptions"].items():
            click.echo(f"  server logged {count}× {line}", err=True)

    return figures


def alternating_dashboards(supervisor: Client, admin: Client, other: str, urls: Urls, team_id: int, window: dict,
                           settings: Settings, first_week: int) -> dict[tuple[str, int], Timing]:
    """Each dashboard (one team, all teams) on this server (side 0) and on a server of the database ``other``
    (side 1), requests alternating between the two so that whatever else the machine does weighs on both sides
    alike. True misses on both sides: each round a range not shown before (see measure_database), the same on
    both, starting ``first_week`` weeks before the two years (phases of one run must not reuse ranges)."""
    other_catalogue = read_catalogue(other)
    other_team = other_catalogue.team_ids[0]
    with GunicornServer(other, settings.workers, settings.threads) as server:
        other_supervisor = logged_in(server.base_url, gen.user_email("sup", other_team))
        other_admin = logged_in(server.base_url, gen.ADMIN_EMAIL)
        for client in (supervisor, admin, other_supervisor, other_admin):
            # A worker's first chart at 5x can take a minute (per-process tables of the p-chart limits):
            # a warm-up request, not a failure.
            client.timeout = WARM_UP_TIMEOUT
            client.close()
        pairs = {
            "one team": ((supervisor, {"team": team_id}), (other_supervisor, {"team": other_team})),
            "all teams": ((admin, {}), (other_admin, {})),
        }
        day = date.fromisoformat(window["to"])
        samples = {(name, side): [] for name in pairs for side in (0, 1)}
        statuses = {key: {} for key in samples}
        for round_ in range(3 + settings.page_requests):
            fresh = widened(day, first_week + round_)
            for name, sides in pairs.items():
                for side, (client, params) in enumerate(sides):
                    response = client.get(dashboard_url(urls, **params, **fresh))
                    if round_ >= 3:  # three warm-up rounds
                        samples[(name, side)].append(response.seconds)
                        statuses[(name, side)][response.status] = statuses[(name, side)].get(response.status, 0) + 1
    return {key: Timing(samples[key], sum(samples[key]), sum(n for status, n in statuses[key].items() if status != 200),
                        statuses[key]) for key in samples}


def measure_growth(supervisor: Client, admin: Client, quarter: str, urls: Urls, team_id: int, window: dict,
                   settings: Settings) -> list[Figure]:
    """Each dashboard at full and at quarter size (true misses, alternating between the two servers)."""
    if urls.dashboard is None:
        return [Figure("dashboard at quarter size", note=f"not measured: {urls.missing.get('dashboard')}")]
    timings = alternating_dashboards(supervisor, admin, quarter, urls, team_id, window, settings,
                                     first_week=3 + settings.page_requests + 1)
    figures = []
    for name in ("one team", "all teams"):
        full, small = timings[(name, 0)], timings[(name, 1)]
        click.echo(f"  dashboard {name}: full p95 {full.p95 * 1000:.0f} ms, quarter p95 {small.p95 * 1000:.0f} ms",
                   err=True)
        figures.append(Figure.from_timing(f"dashboard, {name}, full size (true miss, alternating with quarter)", full,
                                          note=full.status_note()))
        figures.append(Figure.from_timing(f"dashboard, {name}, quarter size (true miss)", small,
                                          note=small.status_note())
                       .judge(ratio(full.p95, small.p95), TARGETS["growth"], "full p95 / quarter p95"))
    return figures


def measure_scale(supervisor: Client, admin: Client, scaled: str, urls: Urls, team_id: int, window: dict,
                  settings: Settings) -> list[Figure]:
    """Each dashboard on this database and on one ``settings.compare_scale`` times as large (true misses,
    alternating between the two servers): the larger one's p95 / this one's (issue 16: <= 1.1 at 5x)."""
    factor = f"{settings.compare_scale:g}x"
    if urls.dashboard is None:
        return [Figure(f"dashboard at {factor}", note=f"not measured: {urls.missing.get('dashboard')}")]
    timings = alternating_dashboards(supervisor, admin, scaled, urls, team_id, window, settings,
                                     first_week=2 * (3 + settings.page_requests) + 2)
    figures = []
    for name in ("one team", "all teams"):
        base, large = timings[(name, 0)], timings[(name, 1)]
        click.echo(f"  dashboard {name}: 1x p95 {base.p95 * 1000:.0f} ms, {factor} p95 {large.p95 * 1000:.0f} ms",
                   err=True)
        figures.append(Figure.from_timing(f"dashboard, {name}, 1x (scale {settings.scale:g}; true miss, alternating "
                                          f"with {factor})", base, note=base.status_note()))
        figures.append(Figure.from_timing(f"dashboard, {name}, {factor} (scale "
                                          f"{settings.scale * settings.compare_scale:g}; true miss)", large,
                                          note=large.status_note())
                       .judge(ratio(large.p95, base.p95), TARGETS["growth"], f"{factor} p95 / 1x p95"))
    return figures


def measure_submissions(server: GunicornServer, urls: Urls, catalogue: Catalogue, settings: Settings,
                        details: dict) -> list[Figure]:
    """Baseline throughput and audit / quiz submissions, each with ``settings.clients`` concurrent clients."""
    figures = []
    base = server.base_url
    n = settings.clients
    supervisors = [gen.user_email("sup", catalogue.team_ids[i % len(catalogue.team_ids)]) for i in range(n)]
    clients = [logged_in(base, email) for email in supervisors]
    per_client = max(1, settings.baseline_requests * 4 // n)
    baseline = concurrently(clients, lambda i, c: [c.get(urls.baseline) for _ in range(per_client)],
                            lambda r: r.status == 200)
    figures.append(Figure.from_timing(f"baseline: GET /account, {n} clients", baseline))
    click.echo(f"  baseline with {n} clients: {baseline.per_second:.0f} req/s", err=True)

    run_tag = datetime.now(timezone.utc).strftime("%H%M%S")
    if urls.audits_new:
        recorders = [AuditRecorder(c, urls.audits_new) for c in clients]
        k = settings.audits_per_client

        def record(index: int, recorder: AuditRecorder) -> list[Response]:
            rng = random.Random(index)
            return [recorder.submit(f"BENCH-{run_tag}-{index}-{number}", rng) for number in range(k)]

        audits = concurrently(recorders, record, lambda r: audit_id_of(r) is not None)
        figures.append(submission_figure(f"audit submissions (POST), {n} clients", audits, baseline))
        click.echo(f"  audits: {audits.per_second:.1f}/s, {audits.errors} errors", err=True)
    else:
        figures.append(Figure(f"audit submissions, {n} clients", note="not measured: route missing"))

    if urls.quiz_start and catalogue.modules:
        staff = [sid for team in catalogue.team_ids for sid in catalogue.staff_by_team[team]]
        prepared: list[list[OpenAttempt]] = []
        staff_clients = []
        for index in range(n):
            batch = []
            for user in range(settings.quiz_users_per_client):
                number = staff[(index * settings.quiz_users_per_client + user) * 7 % len(staff)]
                client = Client(base)
                client.login(_staff_email(number, catalogue), gen.PASSWORD)
                staff_clients.append(client)
                token = csrf_token(client)
                rng = random.Random(index * 100 + user)
                for module_id, course_id, key in catalogue.modules:
                    response, attempt_id = start_attempt(
                        client, urls.quiz_start.format(course_id=course_id, module_key=key), token)
                    if attempt_id is None:
                        continue
                    batch.append(OpenAttempt(client, attempt_id, attempt_url(response), rng))
            prepared.append(batch)

        def submit_all(index: int, batch: list[OpenAttempt]) -> list[Response]:
            return [attempt.submit() for attempt in batch]

        quizzes = concurrently(prepared, submit_all, lambda r: r.status in (302, 303) and "review" in (r.location or ""))
        figures.append(submission_figure(f"quiz submissions (POST), {n} clients", quizzes, baseline))
        click.echo(f"  quizzes: {quizzes.per_second:.1f}/s, {quizzes.errors} errors", err=True)
    else:
        figures.append(Figure(f"quiz submissions, {n} clients", note="not measured: route missing"))
    return figures


def submission_figure(name: str, timing: Timing, baseline: Timing) -> Figure:
    """Accepted submissions per second (refusals and errors do not count) against baseline requests per second."""
    figure = Figure.from_timing(name, timing, note=timing.status_note())
    figure.per_second = timing.accepted_per_second
    return figure.judge(ratio(timing.accepted_per_second, baseline.per_second), TARGETS["submissions"],
                        "accepted submissions/s / baseline req/s")


def _staff_email(user_id: int, catalogue: Catalogue) -> str:
    """Generated staff are numbered in id order after the admin, trainers and supervisors."""
    first_staff = min(sid for ids in catalogue.staff_by_team.values() for sid in ids)
    return gen.user_email("staff", user_id - first_staff + 1)


# --------------------------------------------------------------------------------------------- curricula import
def measure_import(settings: Settings, details: dict) -> Figure:
    """Check + import of generated courses (the CLI's path, in process) vs plain ``yaml.load`` with libyaml's
    CSafeLoader of the same files (the pure-Python ``yaml.safe_load`` when PyYAML has no libyaml)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader_name = "yaml.load(CSafeLoader)" if loader is not yaml.SafeLoader else "yaml.safe_load"

    from bench.curricula import standard_document, to_yaml, write_course_files
    from bro.authoring.operations import document_sources, import_documents, known_standards
    from bro.curricula import check_paths, check_text
    from bro.extensions import db

    with tempfile.TemporaryDirectory(prefix="bro-bench-import-") as folder:
        files = write_course_files(Path(folder) / "courses", settings.import_courses)
        plain = []
        for _ in range(3):
            started = time.perf_counter()
            for path in files:
                with open(path, "rb") as handle:
                    yaml.load(handle.read(), Loader=loader)  # noqa: S506 (a safe loader)
            plain.append(time.perf_counter() - started)
        full = []
        for repetition in range(3):
            url = f"sqlite:///{Path(folder) / f'import-{repetition}.sqlite3'}"
            app = gen.make_app(url, "pbkdf2:sha256:1000")
            gen.create_schema(app)
            with app.app_context():
                standard = check_text(to_yaml(standard_document()), "standard.yaml")
                import_documents(standard)
                db.session.commit()
                started = time.perf_counter()
                result = check_paths([str(Path(folder) / "courses")], known_standards=known_standards())
                result.raise_for_errors()
                report = import_documents(result, sources=document_sources(result))
                db.session.commit()
                full.append(time.perf_counter() - started)
                assert report.created == settings.import_courses, report.summary()
                db.session.remove()
                db.engine.dispose()
    details["import_seconds"] = {loader_name: plain, "check+import": full}
    plain_s, full_s = statistics.median(plain), statistics.median(full)
    figure = Figure(f"curricula check+import of {settings.import_courses} courses (median of 3)", median_ms=full_s * 1000,
                    count=settings.import_courses, note=f"{loader_name}: {plain_s * 1000:.0f} ms")
    return figure.judge(ratio(full_s, plain_s), TARGETS["import"], f"time / {loader_name} time")


# --------------------------------------------------------------------------------------------- interaction import
# Imports (and csv.reader passes) per database: on a shared 2-core machine single passes of either vary by a
# third from run to run; the median of five is steadier than that of three.
INTERACTION_IMPORT_REPETITIONS = 5


def measure_interaction_import(label: str, url: str, several: bool, results: dict) -> Figure:
    """Read + import + commit of a 100,000-row help-desk export with transcripts (bench.interactions) vs
    reading the same file with the csv module; each import into a fresh scratch database."""
    from bench import interactions

    scratch = interactions.sqlite_scratch_url() if url.startswith("sqlite") else interactions.postgres_scratch_url(url)
    click.echo(f"[{label}] interaction import of 100,000 rows into {gen.redact(scratch)}...", err=True)
    timing = interactions.measure(scratch, repetitions=INTERACTION_IMPORT_REPETITIONS)
    results.setdefault("interaction_import_seconds", {})[label] = {
        "csv.reader": timing.csv_seconds, "read+import+commit": timing.import_seconds, "messages": timing.messages,
        "cpu": {"csv.reader": timing.csv_cpu, "read+import+commit": timing.import_cpu},
        "write alone": timing.write_seconds}
    plain_s, full_s = statistics.median(timing.csv_seconds), statistics.median(timing.import_seconds)
    write_s = statistics.median(timing.write_seconds)
    click.echo(f"  csv.reader {plain_s:.2f} s, import {full_s:.2f} s: {timing.ratio:.1f}x "
               f"(CPU time of the importing process: {timing.cpu_ratio:.1f}x); writing the same rows alone "
               f"{write_s:.2f} s: {timing.write_ratio:.1f}x", err=True)
    prefix = f"[{label}] " if several else ""
    figure = Figure(f"{prefix}interaction import, {timing.rows:,} rows with transcripts "
                    f"(median of {INTERACTION_IMPORT_REPETITIONS})",
                    median_ms=full_s * 1000, count=timing.rows,
                    note=f"{timing.messages:,} messages; csv.reader: {plain_s * 1000:.0f} ms; "
                         f"in CPU time of the importing process {timing.cpu_ratio:.1f}x; the database's share, "
                         f"writing the same rows alone: {write_s * 1000:,.0f} ms, {timing.write_ratio:.1f}x")
    return figure.judge(timing.ratio, TARGETS["interaction_import"], "time / csv.reader time")


# --------------------------------------------------------------------------------------------- the run
def run(settings: Settings, markdown: bool) -> dict:
    end = gen.default_end()
    databases = [("sqlite", sqlite_url("bench.sqlite3"))]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("postgresql", os.environ["BENCH_DATABASE_URL"]))
    databases = [(label, url) for label, url in databases if label in settings.databases]
    results = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                           "load_average_at_start": os.getloadavg()},
               "settings": vars(settings), "databases": {}, "figures": []}
    all_figures: list[Figure] = []
    for label, url in databases:
        if "interactions" in settings.only:
            all_figures.append(measure_interaction_import(label, url, len(databases) > 1, results))
        if not settings.only & SERVED_GROUPS:
            continue
        click.echo(f"[{label}] generating scale {settings.scale} (and {settings.scale * 0.25:g} for the quarter)...",
                   err=True)
        quarter = quarter_url_for(url) if settings.quarter and "growth" in settings.only else None
        scaled = scaled_url_for(url, settings.compare_scale) if "scale" in settings.only else None
        details: dict = {"generation": generated(url, settings, settings.scale, None, end)}
        if quarter:
            details["generation_quarter"] = generated(quarter, settings, settings.scale * 0.25, settings.scale, end)
        if scaled:
            click.echo(f"[{label}] generating scale {settings.scale * settings.compare_scale:g} for the scale "
                       "comparison...", err=True)
            details["generation_scaled"] = generated(scaled, settings, settings.scale * settings.compare_scale,
                                                     None, end)
        figures = measure_database(label, url, quarter, settings, end, details, scaled)
        if len(databases) > 1:
            for figure in figures:
                figure.name = f"[{label}] {figure.name}"
        all_figures.extend(figures)
        results["databases"][label] = details
    if "import" in settings.only:
        all_figures.append(measure_import(settings, results))
    results["figures"] = [figure.as_dict() for figure in all_figures]
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    table = render_table(all_figures)
    click.echo(table)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if markdown:
        write_markdown(results, all_figures)
    return results


def write_markdown(results: dict, figures: list[Figure]) -> None:
    lines = ["# Benchmark results", "",
             f"Run {results['started']} → {results['finished']} on {results['machine']['cpus']} CPUs, "
             f"Python {results['machine']['python']}; scale {results['settings']['scale']} "
             f"(seed {results['settings']['seed']}); gunicorn {results['settings']['workers']} gthread workers × "
             f"{results['settings']['threads']} threads on loopback. Load average at start / end: "
             f"{results['machine']['load_average_at_start'][0]:.1f} / {results['machine']['load_average_at_end'][0]:.1f} "
             "(other work on the machine skews every figure, the ratios less).", ""]
    for label, details in results["databases"].items():
        for key, what in (("generation", "full size"), ("generation_quarter", "quarter size"),
                          ("generation_scaled", f"{results['settings']['compare_scale']:g}x size")):
            report = details.get(key) or {}
            if report and not report.get("reused"):
                lines.append(f"- Generated ({label}, {what}): {report['total_rows']:,} rows in {report['seconds']} s "
                             f"({report['rows_per_second']:,} rows/s); schema: {report['schema']}.")
        for line, count in (details.get("server_exceptions") or {}).items():
            lines.append(f"- Server log ({label}): {count}× `{line.strip()[:140]}`")
        for step in details.get("worker_peak_mb_timeline", []):
            lines.append(f"- Workers' peak RSS ({label}) after {step['after']}: "
                         + ", ".join(f"{peak:.0f} MB" for peak in step["peak_mb"]))
    lines += ["", render_markdown(figures), "",
              "Produced by `make bench` (`python -m bench.run --markdown`); see bench/README.md.", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


@click.command()
@click.option("--scale", default=1.0, show_default=True, help="Size of the generated organisation (1.0 = issue 7).")
@click.option("--seed", default=1, show_default=True)
@click.option("--page-requests", default=40, show_default=True, help="Sequential requests per page figure.")
@click.option("--clients", default=8, show_default=True, help="Concurrent clients for the submission figures.")
@click.option("--reuse", is_flag=True, help="Reuse bench/bench*.sqlite3 (and PostgreSQL databases holding audits) "
                                           "when present instead of generating.")
@click.option("--no-quarter", is_flag=True, help="Skip the quarter-size comparison.")
@click.option("--only", default=",".join(GROUPS), show_default=True,
              help="Comma-separated groups of figures to measure (experiments); 'scale' (the scale comparison) "
                   "only when named.")
@click.option("--compare-scale", default=5.0, show_default=True,
              help="With --only ...,scale: compare the dashboards with a database this many times as large.")
@click.option("--databases", default=",".join(DATABASES), show_default=True,
              help="Which of them to measure (PostgreSQL only with BENCH_DATABASE_URL).")
@click.option("--markdown", is_flag=True, help="Also write bench/RESULTS.md.")
def main(scale, seed, page_requests, clients, reuse, no_quarter, only, compare_scale, databases, markdown):
    """Measure bro at scale against the targets of issue 7."""
    groups = _names(only, GROUPS + EXTRA_GROUPS, "groups")
    settings = Settings(seed=seed, scale=scale, page_requests=page_requests, clients=clients, reuse=reuse,
                        quarter=not no_quarter, only=groups, compare_scale=compare_scale,
                        databases=_names(databases, DATABASES, "databases"))
    run(settings, markdown)


def _names(text: str, known: tuple[str, ...], what: str) -> frozenset[str]:
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = names - set(known)
    if unknown:
        raise click.BadParameter(f"unknown {what} {', '.join(sorted(unknown))} (use {', '.join(known)})")
    return names


if __name__ == "__main__":
    sys.exit(main())
