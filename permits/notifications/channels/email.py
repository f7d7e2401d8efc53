"""Email through Django's configured backend (SMTP in production; the console in development,
where the message also shows in the dev inbox). The Message-ID is built from the message's
idempotency key, so a retried message is recognisably the same one."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .base import SENT, Channel, Outgoing, PermanentError, SendResult, TemporaryError


def email_backend_name() -> str:
    """smtp, console, locmem, filebased, ... (from EMAIL_BACKEND)."""
    parts = settings.EMAIL_BACKEND.split(".")
    return parts[-2] if len(parts) >= 2 else settings.EMAIL_BACKEND


class EmailChannel(Channel):
    kind = "email"

    @property
    def backend(self) -> str:
        return email_backend_name()

    def deliver(self, out: Outgoing) -> SendResult:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
        message = EmailMessage(
            subject=out.subject,
            body=out.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[out.recipient],
            headers={"Message-ID": f"<{out.idempotency_key}@{domain}>"},
            connection=get_connection(fail_silently=False),
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"Alamat email ditolak server: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (530, 535):  # 530/535: our login, fixable
                raise PermanentError(text) from exc
            raise TemporaryError(text) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused, timed out
            raise TemporaryError(f"SMTP: {exc}") from exc
        return SendResult(SENT, provider_id=f"<{out.idempotency_key}@{domain}>")
