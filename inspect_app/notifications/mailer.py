"""The SMTP side of the outbox: one connection per delivery run, opened on first use, every
network operation bounded by MAIL_TIMEOUT seconds (a server that accepts and never answers costs
one timeout, not a hung process). Only the scheduler uses it, never a request."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from types import TracebackType

from inspect_app.notifications.models import OutgoingMail


class MessageRefused(Exception):
    """The server refused this message (sender, recipients or content): try the others."""


class ServerUnavailable(Exception):
    """The server cannot be reached, hangs or broke the connection: stop this run."""


def message_of(mail: OutgoingMail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    return msg


class Mailer:
    """`with Mailer(app.config) as mailer: mailer.send(message)`; errors are MessageRefused or
    ServerUnavailable, with the server's words."""

    def __init__(self, config) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, kind: type | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        try:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
        except (
            smtplib.SMTPRecipientsRefused,
            smtplib.SMTPSenderRefused,
            smtplib.SMTPDataError,
        ) as exc:
            raise MessageRefused(_describe(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            if self.smtp is not None:  # broken: drop it without a QUIT that could hang too
                self.smtp.close()
                self.smtp = None
            raise ServerUnavailable(_describe(exc)) from exc

    def close(self) -> None:
        """Say QUIT to a connection that worked (bounded by the timeout too)."""
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
