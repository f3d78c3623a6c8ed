"""Schemathesis over the office API's own OpenAPI schema, against the real server process.

Every operation in ``/openapi.json`` gets requests generated from its schema — valid ones
and, for operations with parameters, deliberately invalid ones — sent with a real unit
token to a real ``beian-office serve`` on 127.0.0.1. Each answer must not be a 500, must
carry a status code the schema declares, and must match the declared body schema and
content type. After the run the server must still be up and must have logged no
internal error.

Bounded for CI: a few dozen examples per operation and mode (the whole module runs in
well under two minutes on two cores); reproducible on CI through the "ci" hypothesis
profile (``derandomize``) that tests/conftest.py loads when ``CI`` is set.

Left out on purpose: ``positive_data_acceptance`` — the submit body's schema (the
interchange format's JSON Schema) is the structure only: the rules of ``forms`` still
answer 422 for a schema-valid body with a wrong check character or a past date; and
``negative_data_rejection`` for unknown query parameters, which HTTP servers ignore by
convention.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]
EXAMPLES = 40


@pytest.fixture(scope="module")
def fuzzed_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeServer]:
    # No rate limit: the fuzzer sends hundreds of requests a minute with one token, and
    # a wall of 429s would hide what the routes behind the limit do.
    server = OfficeServer.start(
        tmp_path_factory.mktemp("fuzzed-office"), extra_args=["--rate-limit", "0", "--api-docs"]
    )
    try:
        yield server
        # The office outlived everything the fuzzer sent, and never failed inside.
        assert server.running, "the office process died during fuzzing"
        with server.client() as anonymous:
            assert anonymous.get("/api/v1/health").status_code == 200
        crashes = [e for e in server.log_events() if e.get("event") == "internal_error"]
        assert crashes == []
    finally:
        server.stop()


@pytest.fixture(scope="module")
def office_token(fuzzed_office: OfficeServer) -> str:
    token = fuzzed_office.create_token(DEFAULT_UNIT)
    # Something for the read routes to find: one filing held, one returned.
    with fuzzed_office.client(token) as http:
        for _ in range(2):
            assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201
    held = fuzzed_office.filings()[0]["id"]
    fuzzed_office.cli("return", held, "--reason", "请补充检查依据。")
    return token


@pytest.fixture(scope="module")
def office_schema(fuzzed_office: OfficeServer, office_token: str):
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"HTTPBearer": {"bearer": office_token}}},
            "request-timeout": 30,
        }
    )
    return schemathesis.openapi.from_url(f"{fuzzed_office.url}/openapi.json", config=config)


# (method, path, modes): the routes of docs/office-api.md. A route without parameters or
# body has nothing to make invalid, so it gets valid requests only.
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
OPERATIONS = [
    ("POST", "/api/v1/filings", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/filings/{filing_id}", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/changes", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/reference", (POSITIVE,)),
    ("GET", "/api/v1/health", (POSITIVE,)),
    ("GET", "/api/v1/office-key", (POSITIVE,)),
    ("GET", "/api/v1/forms/{form}/schema", (POSITIVE,)),  # any text is a form id to ask for
    ("GET", "/api/v1/verify/{filing_id}", (POSITIVE, NEGATIVE)),
    ("GET", "/verify/{filing_id}", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/verify/code/{code}", (POSITIVE,)),  # any text is a code to look up
    ("GET", "/verify/code/{code}", (POSITIVE,)),
    ("POST", "/api/v1/evaluations", (POSITIVE, NEGATIVE)),
    ("POST", "/api/v1/visits", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/satisfaction", (POSITIVE, NEGATIVE)),
    ("PUT", "/api/v1/plans/{year}", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/plans/{year}", (POSITIVE, NEGATIVE)),
    ("GET", "/api/v1/overlaps", (POSITIVE, NEGATIVE)),
    # The enterprise page's plain forms (HTML answers; their JSON twins are above).
    ("POST", "/verify/{filing_id}/visit", (POSITIVE,)),
    ("POST", "/verify/{filing_id}/evaluation", (POSITIVE,)),
]
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path, modes in OPERATIONS
    for mode in modes
]


# schemathesis' own pytest integration (``schemathesis.pytest.from_fixture``) does not
# run under pytest 9, so the strategies are drawn inside a plain hypothesis test.
@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_office_api_answers_every_generated_request_as_declared(
    office_schema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = office_schema[path][method]
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def run(data) -> None:
        case = data.draw(strategy)
        case.call_and_validate(checks=CHECKS)

    run()


def test_every_route_of_the_schema_is_fuzzed(office_schema) -> None:
    served = {(op.ok().method.upper(), op.ok().path) for op in office_schema.get_all_operations()}
    assert served == {(method, path) for method, path, _ in OPERATIONS}


def test_the_fuzz_module_uses_the_real_server(office_schema, fuzzed_office: OfficeServer) -> None:
    """The schema under test is the one the running process serves (not a stale copy)."""
    assert office_schema.get_base_url().rstrip("/") == fuzzed_office.url
    paths = {op.ok().path for op in office_schema.get_all_operations()}
    assert "/api/v1/filings" in paths and "/verify/{filing_id}" in paths
    assert Path(fuzzed_office.db).is_file()
