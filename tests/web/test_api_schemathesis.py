"""Schemathesis against the API's own OpenAPI document, on the test app: generated requests to every
operation must never cause a server error, and every answer must match what the document says (status,
content type, body schema). Valid and invalid inputs are generated (invalid ones must be 4xx problems).
The example count is bounded so the whole run stays a few seconds."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

EXAMPLES_PER_OPERATION = 6  # per operation and role, valid and invalid mixed: under 300 requests in all
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx, value):
    """Bodies of the JSON Lines endpoint: generated strings as they are."""
    return {"data": value if isinstance(value, (str, bytes)) else str(value)}


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_every_operation_answers_as_documented_and_never_500(app, world, factory, role):
    user = world.personas[role]
    headers = {"Authorization": f"Bearer {factory.api_token(user)}"}
    operations = _operations(app)
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as error:  # noqa: BLE001  (collect every operation's failure, then report them all)
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
