"""A small learning record store for tests, on a loopback port: it checks each statement against the xAPI
1.0.3 statement rules it receives (and refuses what breaks them, as a real LRS would) and keeps the rest."""
from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")


def statement_problems(statement: dict) -> list[str]:
    """What breaks the xAPI 1.0.3 statement rules (a subset: the parts bro sends)."""
    problems = []
    try:
        if str(uuid.UUID(statement["id"])) != statement["id"]:
            problems.append("id is not a lowercase UUID")
    except (KeyError, ValueError, TypeError):
        problems.append("id is not a UUID")
    actor = statement.get("actor") or {}
    identifiers = [key for key in ("mbox", "mbox_sha1sum", "openid", "account") if key in actor]
    if actor.get("objectType", "Agent") != "Agent" or len(identifiers) != 1:
        problems.append("actor must be an Agent with exactly one inverse functional identifier")
    if "mbox" in actor and not str(actor["mbox"]).startswith("mailto:"):
        problems.append("actor.mbox must be a mailto IRI")
    verb = statement.get("verb") or {}
    if not IRI.match(str(verb.get("id", ""))) or not isinstance(verb.get("display", {}), dict):
        problems.append("verb.id must be an IRI and display a language map")
    obj = statement.get("object") or {}
    if obj.get("objectType", "Activity") != "Activity" or not IRI.match(str(obj.get("id", ""))):
        problems.append("object must be an Activity with an IRI id")
    definition = obj.get("definition", {})
    if "type" in definition and not IRI.match(str(definition["type"])):
        problems.append("activity type must be an IRI")
    try:
        datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    except (KeyError, ValueError, AttributeError):
        problems.append("timestamp must be ISO 8601")
    score = (statement.get("result") or {}).get("score")
    if score is not None:
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            problems.append("result.score.scaled must lie in [-1, 1]")
        if "raw" in score and not score.get("min", score["raw"]) <= score["raw"] <= score.get("max", score["raw"]):
            problems.append("result.score.raw must lie between min and max")
    for key in (statement.get("context") or {}).get("extensions", {}):
        if not IRI.match(key):
            problems.append("context extension keys must be IRIs")
    if statement.get("version", "1.0.0")[:4] != "1.0.":
        problems.append("version must be 1.0.x")
    return problems


class LrsStandIn:
    def __init__(self, user: str = "lrs-user", password: str = "lrs-secret"):
        self.user, self.password = user, password
        self.statements: dict[str, dict] = {}
        self.requests = 0
        self.down = False
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                stand_in.requests += 1
                if stand_in.down:
                    return self._answer(503, {"error": "down"})
                expected = "Basic " + base64.b64encode(f"{stand_in.user}:{stand_in.password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"error": "unauthorised"})
                if not (self.headers.get("X-Experience-API-Version") or "").startswith("1.0"):
                    return self._answer(400, {"error": "missing X-Experience-API-Version"})
                if self.path.rstrip("/") != "/xapi/statements":
                    return self._answer(404, {"error": self.path})
                batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                batch = batch if isinstance(batch, list) else [batch]
                for statement in batch:
                    problems = statement_problems(statement)
                    if problems:
                        return self._answer(400, {"error": problems})
                    known = stand_in.statements.get(statement["id"])
                    if known is not None and known != statement:
                        return self._answer(409, {"error": "a different statement has this id"})
                for statement in batch:
                    stand_in.statements[statement["id"]] = statement
                return self._answer(200, [s["id"] for s in batch])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LrsStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
