"""What benchmark users do over HTTP, through the app's own pages and forms (shared by bench.run and bench.load).

URLs come from the app's ``url_map`` (``discover_urls``), so a route that does not exist yet is reported as
missing instead of guessed.
"""
from __future__ import annotations

import random
import secrets
import re
from dataclasses import dataclass, field
from datetime import date

from bench.measure import Client, Form, Response, find_form, parse_forms

ATTEMPT_PATH = re.compile(r"/attempts/(\d+)")
AUDIT_PATH = re.compile(r"/audits/(\d+)$")


# --------------------------------------------------------------------------------------------- discovery
@dataclass
class Urls:
    """Endpoints of the running app that the benchmark uses (None: the route does not exist)."""

    endpoints: set[str]
    baseline: str | None = None
    dashboard: str | None = None
    dashboard_csv: str | None = None
    audits_index: str | None = None
    audits_new: str | None = None
    quiz_start: str | None = None  # with {course_id} and {module_key}
    items: str | None = None
    item_analysis: str | None = None  # with {module_id}
    my_learning: str | None = None
    api_audits: str | None = None  # the JSON API's audit list
    api_chart: str | None = None  # the JSON API's numbers of the Pareto chart
    missing: dict[str, str] = field(default_factory=dict)


def discover_urls(app) -> Urls:
    """Read the routes from ``app.url_map`` (the same app gunicorn serves)."""
    from flask import url_for

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    urls = Urls(endpoints)

    def build(name: str, endpoint: str, **values) -> str | None:
        if endpoint not in endpoints:
            urls.missing[name] = f"route missing: no endpoint {endpoint!r}"
            return None
        with app.test_request_context():
            return url_for(endpoint, **values)

    urls.baseline = build("baseline", "auth.account")
    urls.dashboard = build("dashboard", "improve.dashboard")
    urls.dashboard_csv = build("dashboard_csv", "improve.dashboard_csv")
    urls.audits_index = build("audits_index", "audits.index")
    urls.audits_new = build("audits_new", "audits.new")
    start = build("quiz_start", "training.start_quiz", course_id=987654321, module_key="MODULEKEY")
    urls.quiz_start = start.replace("987654321", "{course_id}").replace("MODULEKEY", "{module_key}") if start else None
    urls.items = build("items", "training.items")
    analysis = build("item_analysis", "training.item_analysis", module_id=987654321)
    urls.item_analysis = analysis.replace("987654321", "{module_id}") if analysis else None
    urls.my_learning = build("my_learning", "training.my_learning")
    urls.api_audits = build("api_audits", "api_audits.list_audits")
    urls.api_chart = build("api_chart", "api_charts.chart", chart="pareto")
    return urls


@dataclass
class Catalogue:
    """Ids in the generated database the users need: teams, staff per team, quiz modules in force."""

    team_ids: list[int]
    staff_by_team: dict[int, list[int]]
    modules: list[tuple[int, int, str]]  # (module id, course id, module key) of the versions in force
    standard_id: int
    step_keys: list[str]
    end: date


def read_catalogue(database_url: str) -> Catalogue:
    from sqlalchemy import create_engine, func, select

    from bro.models.audits import Audit
    from bro.models.curricula import Course, CourseModule, Standard, StandardStep
    from bro.models.people import Role, User, UserRole

    engine = create_engine(database_url)
    with engine.connect() as connection:
        staff_by_team: dict[int, list[int]] = {}
        for user_id, team_id in connection.execute(
                select(User.id, User.team_id).join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == Role.staff, User.team_id.is_not(None)).order_by(User.id)):
            staff_by_team.setdefault(team_id, []).append(user_id)
        modules = [tuple(row) for row in connection.execute(
            select(CourseModule.id, CourseModule.course_id, CourseModule.key)
            .join(Course, Course.current_version_id == CourseModule.course_version_id)
            .where(CourseModule.quiz.is_not(None)).order_by(CourseModule.id))]
        standard_id, version_id = connection.execute(
            select(Standard.id, Standard.current_version_id).order_by(Standard.id)).first()
        step_keys = list(connection.execute(select(StandardStep.key).where(
            StandardStep.standard_version_id == version_id).order_by(StandardStep.position)).scalars())
        last = connection.execute(select(func.max(Audit.interacted_on))).scalar()
    engine.dispose()
    end = last if isinstance(last, date) else (date.fromisoformat(str(last)[:10]) if last else date.today())
    return Catalogue(sorted(staff_by_team), staff_by_team, modules, standard_id, step_keys, end)


# --------------------------------------------------------------------------------------------- actions
def csrf_token(client: Client, page_path: str = "/account") -> str:
    page = client.get(page_path)
    for form in parse_forms(page.text):
        token = form.value("csrf_token")
        if token:
            return token
    raise RuntimeError(f"no CSRF token on {page_path} (status {page.status})")


class AuditRecorder:
    """A supervisor's audit form, fetched once, then submitted for many interactions."""

    def __init__(self, client: Client, new_url: str):
        self.client = client
        self.page = client.get(new_url)
        if self.page.status != 200:
            raise RuntimeError(f"GET {new_url}: status {self.page.status}")
        form = find_form(self.page.text, has_field="rating-")
        if form is None:
            raise RuntimeError(f"no audit form with rating fields at {new_url}")
        self.form: Form = form
        self.staff_ids = [value for value in form.selects.get("staff_id", []) if value not in ("", "0")]
        self.steps = {name: values for name, values in form.radios.items() if name.startswith("rating-")}

    def submit(self, customer_ref: str, rng: random.Random, interacted_on: date | None = None,
               staff_id: str | None = None) -> Response:
        values = {"staff_id": staff_id or rng.choice(self.staff_ids), "customer_ref": customer_ref,
                  "channel": rng.choice(self.form.selects.get("channel") or ["phone"])}
        if interacted_on is not None:
            values["interacted_on"] = interacted_on.isoformat()
        for name, choices in self.steps.items():
            weights = [{"met": 80, "partial": 10, "not_met": 7, "na": 3}.get(c, 1) for c in choices]
            values[name] = rng.choices(choices, weights)[0]
        if self.form.submits:
            values.setdefault(*self.form.submits[0])
        # The form is fetched once but stands for many interactions: each gets its own one-time submission
        # token, as a fresh form would carry (re-sending the fetched token would be a double submit).
        values["submission_token"] = secrets.token_urlsafe(24)
        return self.client.submit(self.page, self.form, values)


def audit_id_of(response: Response) -> int | None:
    """The new audit's id when the submission was accepted (a redirect to the audit's page)."""
    if response.status in (302, 303) and response.location:
        match = AUDIT_PATH.search(response.location.split("?", 1)[0])
        return int(match.group(1)) if match else None
    return None


def start_attempt(client: Client, start_url: str, token: str) -> tuple[Response, int | None]:
    response = client.post(start_url, {"csrf_token": token})
    if response.status in (302, 303) and response.location:
        match = ATTEMPT_PATH.search(response.location)
        if match:
            return response, int(match.group(1))
    return response, None


def quiz_answers(form: Form, rng: random.Random) -> list[tuple[str, str]]:
    """Answers for every question field of a quiz form (right or wrong, at random)."""
    values: list[tuple[str, str]] = []
    for name, choices in form.radios.items():
        if name.startswith("q-"):
            values.append((name, rng.choice(choices)))
    for name, choices in form.checkboxes.items():
        if name.startswith("q-"):
            picked = [choice for choice in choices if rng.random() < 0.5] or [choices[0]]
            values.extend((name, choice) for choice in picked)
    for name, kind in form.inputs.items():
        if name.startswith("q-") and kind == "number":  # a readable number, right or wrong
            values.append((name, rng.choice(["2400", "2400", "4", "24"])))
        elif name.startswith("q-") and kind == "text":
            values.append((name, rng.choice(["repeat business", "repeat purchase", "no idea", "loyalty"])))
    for name in form.textareas:
        if name.startswith("q-"):
            values.append((name, "repeat business"))
    return values


class OpenAttempt:
    """An attempt page fetched and answered, ready to submit."""

    def __init__(self, client: Client, attempt_id: int, attempt_url: str, rng: random.Random):
        self.client, self.attempt_id = client, attempt_id
        self.page = client.get(attempt_url)
        if self.page.status != 200:
            raise RuntimeError(f"GET {attempt_url}: status {self.page.status}")
        form = find_form(self.page.text, action_contains="/submit")
        if form is None:
            raise RuntimeError(f"no quiz form on {attempt_url}")
        self.form = form
        self.answers = quiz_answers(form, rng)

    def submit(self) -> Response:
        keep = {name for name, _ in self.answers}
        return self.client.submit(self.page, self.form, self.answers, keep=lambda name: not name.startswith("q-")
                                  or name in keep)


def attempt_url(start_response: Response) -> str:
    return start_response.location.split("?", 1)[0]
