"""The Blueprint of every /api/v1/ area: an endpoint is declared in one decorator.

``@bp.endpoint(rule, *roles, scope=..., query=..., body=..., answers=...)`` says where the endpoint is, who may
call it (``api_access``), what it reads (a marshmallow schema of the query string or of the JSON body) and
what it answers; a write (any method but GET) is ``@idempotent``, which owns its transaction.
"""
from __future__ import annotations

from typing import Any, Callable

import marshmallow as ma
from flask_smorest import Blueprint

from bro.api.auth import api_access
from bro.api.idempotency import idempotent
from bro.models.people import Role


class ApiBlueprint(Blueprint):
    def __init__(self, name: str, import_name: str, description: str) -> None:
        super().__init__(name, import_name, url_prefix="/api/v1", description=description)

    def endpoint(self, rule: str, *roles: Role | str, scope: str = "read", method: str = "GET",
                 query: type[ma.Schema] | None = None, body: type[ma.Schema] | None = None,
                 answers: ma.Schema | type[ma.Schema] | None = None, status: int = 200,
                 doc: dict[str, Any] | None = None) -> Callable[[Callable], Callable]:
        """Register the view at ``rule`` for ``method``: ``query`` or ``body`` parsed and passed to it, its
        return value serialized with ``answers`` under ``status``, ``doc`` added to its OpenAPI entry."""

        def decorator(view: Callable) -> Callable:
            if answers is not None:
                view = self.response(status, answers)(view)
            if doc is not None:
                view = self.doc(**doc)(view)
            if body is not None:
                view = self.arguments(body)(view)
            if query is not None:
                view = self.arguments(query, location="query")(view)
            if method != "GET":
                view = idempotent(view)
            view = api_access(*roles, scope=scope)(view)
            return self.route(rule, methods=[method])(view)

        return decorator
