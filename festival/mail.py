"""Account mail (invitations, password resets): sent through SMTP, or written to the log.

Without ``SMTP_HOST`` a message is logged at WARNING on ``festival.mail`` with its whole text
(the link in it), so a small deployment can pass links on by hand. With it, the message goes
through the server (STARTTLS and sign-in when configured), from a worker thread: ``smtplib``
blocks.

Callers write the subject and body with gettext in the language the mail is for (the
request's, ``festival.i18n.current_locale()``; ``with i18n.use_locale(account.language)`` for
someone else); the message says which in ``Content-Language``.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from festival.i18n import current_locale
from festival.settings import Settings, SmtpSettings

log = logging.getLogger("festival.mail")

#: Seconds to wait for the mail server before giving up.
SMTP_TIMEOUT = 20


@dataclass(frozen=True, slots=True)
class Mail:
    """One plain-text message to one person."""

    to: str
    subject: str
    body: str
    #: The language subject and body are written in (BCP 47); the current one when not given.
    language: str = ""


class MailError(Exception):
    """The mail server refused the message or could not be reached."""


def _message(smtp: SmtpSettings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2].strip("> "))
    message.set_content(mail.body)
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = mail.language or current_locale()
    return message


def _send_sync(smtp: SmtpSettings, mail: Mail) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password or "")
        server.send_message(_message(smtp, mail))


async def send(settings: Settings, mail: Mail) -> bool:
    """Send ``mail``; True when it went to the mail server, False when it was only logged.

    Raises MailError when the server refuses it or cannot be reached.
    """
    if settings.smtp is None:
        log.warning(
            "SMTP_HOST is not set: this mail to %s was not sent; pass it on yourself.\n"
            "Subject: %s\n\n%s",
            mail.to,
            mail.subject,
            mail.body,
        )
        return False
    try:
        await asyncio.to_thread(_send_sync, settings.smtp, mail)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s not sent: %s", mail.to, exc)
        raise MailError(str(exc) or type(exc).__name__) from exc
    log.info("mail sent to %s: %s", mail.to, mail.subject)
    return True
