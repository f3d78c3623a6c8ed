"""Sending the outbox by SMTP (smtplib), with TLS.

Settings come from the environment of the ``beian-office digest --send`` run (a cron
job or systemd unit sets them; docs/office.md):

- ``BEIAN_SMTP_HOST`` (required to send), ``BEIAN_SMTP_PORT`` (default 587, or 465
  with ``tls``), ``BEIAN_SMTP_SECURITY``: ``starttls`` (default) or ``tls``;
  ``none`` is accepted only for a server on this machine (127.0.0.1 / localhost);
- ``BEIAN_SMTP_FROM``: the sender address;
- ``BEIAN_SMTP_USER`` and ``BEIAN_SMTP_PASSWORD_FILE`` (a file holding the password,
  readable by the office's account only): the password is never in the environment,
  the command line, the database or a log;
- ``BEIAN_SMTP_CA_FILE``: a CA bundle to trust instead of the system's (a private CA).

A failed send raises nothing: the row keeps its attempts and the error (its class and
the server's reply code, never the password) and waits for the next run.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import update

from forms.record import format_timestamp, now
from office.errors import OfficeError
from office.reports import digest
from office.store import OfficeStore
from office.tables import outbox

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TIMEOUT_SECONDS = 30
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None
    password: str | None
    ca_file: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        host = env.get("BEIAN_SMTP_HOST", "").strip()
        if not host:
            raise OfficeError("未配置邮件服务器（环境变量 BEIAN_SMTP_HOST），无法发送。")
        security = env.get("BEIAN_SMTP_SECURITY", "starttls").strip().lower()
        if security not in ("starttls", "tls", "none"):
            raise OfficeError("BEIAN_SMTP_SECURITY 应为 starttls、tls 或 none。")
        if security == "none" and host not in LOCAL_HOSTS:
            raise OfficeError("不加密（none）只允许连接本机的邮件服务器，请用 starttls 或 tls。")
        port_text = env.get("BEIAN_SMTP_PORT", "").strip() or (
            "465" if security == "tls" else "587"
        )
        if not (port_text.isdigit() and 0 < int(port_text) < 65536):
            raise OfficeError(f"BEIAN_SMTP_PORT“{port_text[:10]}”不是有效端口。")
        sender = env.get("BEIAN_SMTP_FROM", "").strip()
        if not digest.EMAIL_RE.fullmatch(sender):
            raise OfficeError("请用 BEIAN_SMTP_FROM 设置发件人地址。")
        user = env.get("BEIAN_SMTP_USER", "").strip() or None
        password = None
        if user is not None:
            path = env.get("BEIAN_SMTP_PASSWORD_FILE", "").strip()
            if not path:
                raise OfficeError(
                    "设置了 BEIAN_SMTP_USER，还需 BEIAN_SMTP_PASSWORD_FILE（密码文件）。"
                )
            try:
                password = Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise OfficeError(f"无法读取邮件密码文件：{exc.strerror}") from None
        ca = env.get("BEIAN_SMTP_CA_FILE", "").strip() or None
        return cls(host, int(port_text), security, sender, user, password, ca)

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def _message(settings: SmtpSettings, row: Any) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = row.email
    msg["Subject"] = row.subject
    msg.set_content(row.text)
    msg.add_attachment(
        bytes(row.attachment),
        maintype=XLSX[0],
        subtype=XLSX[1],
        filename=row.attachment_name,
    )
    return msg


def _send(settings: SmtpSettings, msg: EmailMessage) -> None:
    if settings.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=settings.context()
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    with client:
        if settings.security == "starttls":
            client.starttls(context=settings.context())
        if settings.user is not None and settings.password is not None:
            client.login(settings.user, settings.password)
        client.send_message(msg)


def describe_failure(exc: BaseException) -> str:
    """What went wrong, for the outbox row and the log: never the password."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"邮件服务器拒绝登录（{exc.smtp_code}）"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "邮件服务器拒收此收件地址"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"邮件服务器拒绝（{exc.smtp_code}）"
    if isinstance(exc, ssl.SSLError):
        return f"加密连接失败（{exc.reason or type(exc).__name__}）"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "连接邮件服务器超时"
    if isinstance(exc, OSError):
        return f"无法连接邮件服务器（{exc.strerror or type(exc).__name__}）"
    return f"发送失败（{type(exc).__name__}）"


def send_pending(store: OfficeStore, settings: SmtpSettings) -> tuple[int, int]:
    """Try every unsent outbox row once; (sent, failed). Each outcome is committed on
    its own, so a crash midway loses nothing and sends nothing twice that was marked."""
    with store.read() as db:
        rows = digest.pending_mail(db)
    sent = failed = 0
    for row in rows:
        error: str | None = None
        try:
            _send(settings, _message(settings, row))
        except (smtplib.SMTPException, OSError) as exc:
            error = describe_failure(exc)
        at = format_timestamp(now())
        values: dict[str, object] = {
            "attempts": outbox.c.attempts + 1,
            "last_attempt_at": at,
            "last_error": error,
        }
        if error is None:
            values["sent_at"] = at
            sent += 1
        else:
            failed += 1
        with store.write() as db:
            db.execute(update(outbox).where(outbox.c.seq == row.seq).values(**values))
    return sent, failed
