"""The request checks of ``office.limits`` as plain functions (the attacks themselves are in
tests/hardening/test_parse_bounds.py, against a real office)."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from office.errors import Refusal
from office.limits import QuietErrors, check_json_content_type


@pytest.mark.parametrize(
    "header",
    [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        'application/json;charset="UTF-8"',
    ],
)
def test_json_is_taken(header: str) -> None:
    check_json_content_type(header)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "text/plain",
        "application/json-patch+json",
        "application/json; charset=gbk",
        "application/json; boundary=x",
    ],
)
def test_anything_else_is_415(header: str | None) -> None:
    with pytest.raises(Refusal) as refused:
        check_json_content_type(header)
    assert refused.value.status == 415 and "application/json" in refused.value.message


def _run(app) -> list[dict]:  # type: ignore[no-untyped-def]
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    # In a thread of its own: a browser test earlier in the session may have left
    # Playwright's event loop running in this one, where asyncio.run refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, QuietErrors(app)({"type": "http"}, receive, send)).result()
    return sent


def test_an_error_already_answered_ends_quietly() -> None:
    async def answered_then_raised(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})
        raise RecursionError("deep")

    assert [m["type"] for m in _run(answered_then_raised)] == [
        "http.response.start",
        "http.response.body",
    ]


def test_an_error_not_answered_goes_to_the_server() -> None:
    async def raised(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        raise ValueError("nothing sent")

    with pytest.raises(ValueError):
        _run(raised)
