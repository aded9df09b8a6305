"""The API's description is true: it lists exactly the routes there are, and schemathesis, reading
only the description, finds no 5xx and no answer outside its schema, as staff and as a resident."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from models import db
from tests.api_setup import build
from views.api.openapi import document


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    c = build(f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'openapi.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_the_description_lists_exactly_the_routes_there_are(centre):
    described = {(path, method) for path, ops in document()["paths"].items() for method in ops}
    assert described == _routes(centre.app)
    served = centre.client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json["openapi"].startswith("3.1")


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _fuzz(centre, role: str) -> tuple[list[str], list[int]]:
    """Every operation, as schemathesis reads it from the description; the failures and the statuses seen."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", centre.app)
    failures: list[str] = []
    statuses: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        label = operation.label

        @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            try:
                statuses.append(case.call_and_validate(headers=centre.headers(role), checks=CHECKS).status_code)
            except AssertionError as err:  # collected, so one run reports every operation's findings
                failures.append(f"{label}: {str(err)[:400]}")  # noqa: B023 (run() runs before the next label)

        run()
    return failures, statuses


@pytest.mark.slow
@pytest.mark.parametrize("role", ["staff", "resident"])
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(centre, role):
    failures, statuses = _fuzz(centre, role)
    assert not failures, "\n".join(failures[:8])
    assert len(statuses) > 200 and any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses)
