"""Measuring: percentiles, figures against targets, the results table, and a small HTTP client with cookies.

Nothing here starts servers or touches the database; ``bench.run`` and ``bench.load`` put it together.
The client is http.client with one keep-alive connection per user (no third-party HTTP library), a cookie jar
of name -> value, and a parser that reads the forms of a page (so submissions use the app's real forms and
CSRF tokens).
"""
from __future__ import annotations

import http.client
import json
import math
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import Callable, Iterable, Sequence
from urllib.parse import urlencode, urljoin, urlsplit


# --------------------------------------------------------------------------------------------- statistics
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Timing:
    """Latencies (seconds) of ``count`` requests that took ``wall`` seconds in all (concurrent or not)."""

    samples: list[float]
    wall: float
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)  # HTTP status -> responses

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def per_second(self) -> float:
        return self.count / self.wall if self.wall > 0 else math.nan

    @property
    def accepted_per_second(self) -> float:
        """Throughput of the responses that were what the client expected (errors left out)."""
        return (self.count - self.errors) / self.wall if self.wall > 0 else math.nan

    def status_note(self) -> str:
        """E.g. "3 errors: 500×2, 400×1" (empty when none)."""
        if not self.errors:
            return ""
        counts = ", ".join(f"{status}×{n}" for status, n in sorted(self.statuses.items()))
        return f"{self.errors} errors; statuses {counts}"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return None
    return numerator / denominator


@dataclass
class Target:
    """``ratio <= limit`` (or ``>=`` when ``at_least``)."""

    limit: float
    at_least: bool = False
    unit: str = ""

    def met(self, value: float | None) -> bool | None:
        if value is None or math.isnan(value):
            return None
        return value >= self.limit if self.at_least else value <= self.limit

    def __str__(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}{self.unit}"


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    median_ms: float | None = None
    p95_ms: float | None = None
    per_second: float | None = None
    count: int | None = None
    ratio: float | None = None  # what the target is about
    ratio_label: str = ""  # e.g. "p95 / baseline p95"
    target: str = ""
    met: bool | None = None
    note: str = ""

    @classmethod
    def from_timing(cls, name: str, timing: Timing, **extra) -> Figure:
        return cls(name, timing.median * 1000, timing.p95 * 1000, timing.per_second, timing.count, **extra)

    def judge(self, value: float | None, target: Target, label: str) -> Figure:
        self.ratio, self.ratio_label, self.target, self.met = value, label, str(target), target.met(value)
        return self

    def as_dict(self) -> dict:
        return asdict(self)


def _number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _met(value: bool | None, has_target: bool) -> str:
    if not has_target:
        return ""
    return {True: "yes", False: "NO", None: "n/a"}[value]


TABLE_HEADER = ("figure", "n", "median ms", "p95 ms", "req/s", "ratio", "ratio of", "target", "met?")


def table_rows(figures: Iterable[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for f in figures:
        rows.append((f.name + (f" ({f.note})" if f.note else ""), "" if f.count is None else str(f.count),
                     _number(f.median_ms), _number(f.p95_ms), _number(f.per_second), _number(f.ratio, 2),
                     f.ratio_label, f.target, _met(f.met, bool(f.target))))
    return rows


def render_table(figures: Iterable[Figure]) -> str:
    """A plain-text table, columns aligned; numbers right-aligned."""
    rows = [TABLE_HEADER, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    numeric = {1, 2, 3, 4, 5}
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(figures: Iterable[Figure]) -> str:
    rows = table_rows(figures)
    lines = ["| " + " | ".join(TABLE_HEADER) + " |",
             "| " + " | ".join("---:" if i in {1, 2, 3, 4, 5} else "---" for i in range(len(TABLE_HEADER))) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- forms in HTML
@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden/text/checked inputs, in order
    radios: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    selects: dict[str, list[str]] = field(default_factory=dict)  # name -> option values
    textareas: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # name -> type, for every named input
    submits: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "text" and a.get("inputmode") in ("decimal", "numeric"):
                kind = "number"  # a text box for a number (bro reads numbers as written in the locale)
            form.inputs.setdefault(name, kind)
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind == "checkbox":
                form.checkboxes.setdefault(name, []).append(a.get("value", "y"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "y")))
            elif kind == "submit":
                form.submits.append((name, a.get("value", "")))
            elif kind not in ("button", "image", "reset", "file"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, None, None
            form.selects[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.selects[self._select].append(value)
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected = value
        elif tag == "textarea" and name:
            form.textareas.append(name)
            form.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self._form is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            if chosen is not None:
                self._form.fields.append((self._select, chosen))
            self._select = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, has_field: str | None = None, action_contains: str | None = None) -> Form | None:
    for form in parse_forms(html):
        names = set(form.inputs) | set(form.selects) | set(form.textareas)
        if has_field and not any(name == has_field or name.startswith(has_field) for name in names):
            continue
        if action_contains and action_contains not in form.action:
            continue
        return form
    return None


# --------------------------------------------------------------------------------------------- HTTP client
@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    def json(self):
        return json.loads(self.body)


class Client:
    """One user's browser: a keep-alive connection to the app on loopback and its cookies."""

    IDLE_RECONNECT = 1.0  # seconds; under gunicorn's keep-alive so a reused connection is never half-closed

    def __init__(self, base_url: str, timeout: float = 60.0):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the benchmark client only talks to loopback")
        self.base_url = base_url.rstrip("/")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None or time.monotonic() - self._last_used > self.IDLE_RECONNECT:
            self.close()
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        """Send once (never retried: a retried POST could submit twice); redirects are not followed."""
        if path.startswith("http"):
            path = urlsplit(path)._replace(scheme="", netloc="").geturl()
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = self._connect()
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            data = raw.read()
        except Exception:
            self.close()
            raise
        seconds = time.perf_counter() - started
        self._last_used = time.monotonic()
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie_value
        if raw.getheader("connection", "").lower() == "close" or raw.will_close:
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds, path)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: Sequence[tuple[str, str]] | dict) -> Response:
        body = urlencode(list(data.items()) if isinstance(data, dict) else list(data), doseq=True).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def submit(self, page: Response, form: Form, values: Sequence[tuple[str, str]] | dict,
               keep: Callable[[str], bool] = lambda name: True) -> Response:
        """POST ``form`` of ``page``: its hidden/default fields (those ``keep`` accepts) overridden by ``values``."""
        values = list(values.items()) if isinstance(values, dict) else list(values)
        overridden = {name for name, _ in values}
        data = [(n, v) for n, v in form.fields if n not in overridden and keep(n)] + values
        action = urljoin(page.url, form.action) if form.action else page.url
        return self.post(action, data)

    def login(self, email: str, password: str) -> Response:
        page = self.get("/login")
        form = find_form(page.text, has_field="password")
        if form is None:
            raise RuntimeError(f"no login form at /login (status {page.status})")
        response = self.submit(page, form, {"email": email, "password": password},
                               keep=lambda name: name not in ("remember",))
        if response.status != 302:
            raise RuntimeError(f"login of {email} failed: status {response.status}")
        return response


def timed(calls: int, action: Callable[[], Response], expect: Callable[[Response], bool] = lambda r: r.status == 200,
          warmup: int = 3, prepare: Callable[[], object] | None = None) -> Timing:
    """Run ``action`` sequentially; latency of each (seconds); non-expected responses count as errors.
    ``prepare`` runs before each call, untimed (e.g. recording an audit, so the view after it is a true miss)."""
    for _ in range(warmup):
        if prepare is not None:
            prepare()
        action()
    samples, errors, statuses = [], 0, {}
    wall = 0.0
    for _ in range(calls):
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        response = action()
        wall += time.perf_counter() - started
        samples.append(response.seconds)
        errors += not expect(response)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    return Timing(samples, wall, errors, statuses)
