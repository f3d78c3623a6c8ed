"""The HTTP client for the office API (docs/office-api.md), over httpx.

It only talks and classifies; what a reply means for a filing is decided by the pass
(``desktop.sync.engine``). Errors carry Chinese text for the clerk and never the token:
the token is only ever in the ``Authorization`` header, which no message includes.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from desktop.sync.config import MAX_CONNECT_TIMEOUT_S, OfficeConfig, tls_context
from desktop.sync.problems import Code, Problem, ProblemError
from forms import __version__, json_limits

# Reference data (with form definitions) is the largest answer; anything beyond this is
# not the office talking.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


class OfficeError(ProblemError):
    """A request that got no usable HTTP answer (``.problem``: Code.UNREACHABLE,
    CERT_FAILED or NO_ANSWER with a detail)."""


class Unreachable(OfficeError):  # noqa: N818
    """The connection could not be made: the request never reached the office."""


class CertificateError(Unreachable):
    """HTTPS certificate verification failed; needs the clerk, not a retry."""


class NoAnswer(OfficeError):  # noqa: N818
    """The request may have reached the office, but no complete answer came back."""


# A changes page has 500 entries, the reference data a few hundred dates a year.
MAX_LIST_ITEMS = 100_000


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # decoded JSON, or None when the body was not JSON
    raw_size: int = 0

    @property
    def is_json_object(self) -> bool:
        return isinstance(self.body, dict)

    def office_message(self) -> str | None:
        """The office's own Chinese message for a refusal, with its problem list."""
        if not self.is_json_object:
            return None
        text = self.body.get("message")
        if not isinstance(text, str) or not text.strip():
            return None
        lines = [text.strip()[:500]]
        problems = self.body.get("problems")
        if isinstance(problems, list):
            for p in problems[:30]:
                if isinstance(p, dict) and p.get("severity", "error") == "error":
                    msg = p.get("message")
                    if isinstance(msg, str) and msg.strip():
                        lines.append("· " + msg.strip()[:300])
        return "\n".join(lines)


class _Bearer(httpx.Auth):
    """Bearer auth whose repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "<Bearer ***>"


def _has_cert_error(exc: BaseException) -> str | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLCertVerificationError):
            return cur.verify_message or "证书无效"
        if "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return "证书无效"
        if isinstance(cur, ssl.SSLError):
            return cur.reason or "TLS 握手失败"
        cur = cur.__cause__ or cur.__context__
    return None


class OfficeClient:
    """One connection pool to one office, for one unit's token."""

    def __init__(
        self,
        config: OfficeConfig,
        token: str | None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        timeout = httpx.Timeout(
            config.timeout_s, connect=min(config.timeout_s, MAX_CONNECT_TIMEOUT_S)
        )
        self._http = httpx.Client(
            timeout=timeout,
            verify=tls_context(config.ca_file) if config.encrypted else True,
            auth=_Bearer(token) if token else None,
            headers={"User-Agent": f"beian-desk/{__version__}", "Accept": "application/json"},
            follow_redirects=False,  # a redirect would carry the token elsewhere
            transport=transport,
            trust_env=False,  # proxies and netrc from the environment do not apply
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OfficeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- routes ---------------------------------------------------------------------------
    def health(self) -> Reply:
        return self._request("GET", "health")

    def submit(self, filing: dict[str, Any]) -> Reply:
        body = json.dumps(filing, ensure_ascii=False).encode("utf-8")
        return self._request(
            "POST", "filings", content=body, headers={"Content-Type": "application/json"}
        )

    def changes(self, since: str | None) -> Reply:
        params = {"since": since} if since else None
        return self._request("GET", "changes", params=params)

    def office_key(self) -> Reply:
        return self._request("GET", "office-key")

    def reference(self, etag: str | None) -> Reply:
        headers = {"If-None-Match": etag} if etag else None
        return self._request("GET", "reference", headers=headers)

    def filing(self, filing_id: str) -> Reply:
        return self._request("GET", f"filings/{filing_id}")

    def put_plan(self, year: int, plan: dict[str, Any]) -> Reply:
        body = json.dumps(plan, ensure_ascii=False).encode("utf-8")
        return self._request(
            "PUT", f"plans/{year}", content=body, headers={"Content-Type": "application/json"}
        )

    def plan(self, year: int) -> Reply:
        return self._request("GET", f"plans/{year}")

    def overlaps(self, *, uscc: str, name: str, start: str, end: str) -> Reply:
        """Other units' filings for the enterprise near these days (units and days only)."""
        params = {"start": start, "end": end}
        params.update({"uscc": uscc} if uscc else {"name": name})
        return self._request("GET", "overlaps", params=params)

    # --- plumbing -------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> Reply:
        url = self.config.api(path)
        try:
            with self._http.stream(method, url, **kwargs) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_RESPONSE_BYTES:
                        return Reply(response.status_code, dict(response.headers), None, len(data))
        except httpx.ConnectTimeout:
            raise Unreachable(Problem.of(Code.UNREACHABLE, detail="timeout")) from None
        except httpx.ConnectError as exc:
            cert = _has_cert_error(exc)
            if cert:
                raise CertificateError(Problem.of(Code.CERT_FAILED, detail=cert)) from None
            raise Unreachable(Problem.of(Code.UNREACHABLE, detail="no_connection")) from None
        except httpx.TimeoutException:
            raise NoAnswer(Problem.of(Code.NO_ANSWER, detail="timeout")) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            raise NoAnswer(Problem.of(Code.NO_ANSWER, detail="interrupted")) from None
        except httpx.TransportError:
            raise NoAnswer(Problem.of(Code.NO_ANSWER, detail="network")) from None
        body: Any = None
        if data:
            try:
                body = json_limits.loads(bytes(data).decode("utf-8"), max_items=MAX_LIST_ITEMS)
            except (UnicodeDecodeError, ValueError):  # JSONDecodeError, JsonLimitError
                body = None
        return Reply(response.status_code, dict(response.headers), body, len(data))
