"""Request checks that come before any work, and the last guard against a crash's noise.

- A JSON route takes ``Content-Type: application/json`` (with at most a UTF-8 charset)
  and nothing else (415): a form post or a text upload is not a filing, and a browser
  cannot send JSON to another origin without that header being asked for first.
- Duplicate keys, nesting, number size and list length are the interchange format's own
  limits (``forms.json_limits``); ``office.intake`` refuses them with 400 through
  ``forms.record.parse``.
- :class:`QuietErrors` wraps the whole application: an exception that escaped a route
  has already been answered (500) and logged as one ``internal_error`` line by the API's
  handler; Starlette re-raises it for the server, which would write its traceback to the
  log — a deep RecursionError alone made lines of 150 KB. Here it ends.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from office.errors import Refusal

JSON_MEDIA_TYPE = "application/json"


def unsupported_media_type() -> Refusal:
    return Refusal(
        415,
        "unsupported_media_type",
        "提交的内容类型不对：备案表须以 JSON 提交（Content-Type: application/json）。",
    )


def check_json_content_type(header: str | None) -> None:
    """Raise 415 unless ``header`` is ``application/json`` (a ``charset=utf-8`` allowed)."""
    if header is None:
        raise unsupported_media_type()
    media, _, params = header.partition(";")
    if media.strip().lower() != JSON_MEDIA_TYPE:
        raise unsupported_media_type()
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if not name.strip():
            continue
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise unsupported_media_type()


class QuietErrors:
    """Swallow an exception that the application has already answered and logged."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_and_note(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except Exception:
            if not started:
                raise  # nothing was answered: the server must answer and close
