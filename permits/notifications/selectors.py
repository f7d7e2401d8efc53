"""Reads of the outbox: an application's messages, the failures list, the dev inbox, due work."""

import datetime
import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from permits.core.clock import now_or
from permits.workflow.models import Application

from .models import Message

S = Message.Status


def application_messages(application: Application) -> list[Message]:
    """Every message about the application, newest first (for the officer's application page)."""
    return list(
        Message.objects.filter(application=application)
        .select_related("fallback_of")
        .order_by("-created_at", "-id")[:200]
    )


def messages_failed() -> QuerySet[Message]:
    """Failed messages, newest first: staff follow them up (phone the applicant, retry)."""
    return (
        Message.objects.filter(status=S.FAILED).select_related("application", "recipient_user").order_by("-failed_at")
    )


def dev_inbox(recipient: str = "") -> QuerySet[Message]:
    """What each applicant and officer would have received, newest first; `recipient` filters by
    phone, email or name."""
    qs = Message.objects.select_related("application").order_by("-created_at", "-id")
    recipient = recipient.strip()
    if recipient:
        match = Q(recipient__icontains=recipient) | Q(recipient_name__icontains=recipient)
        digits = re.sub(r"\D", "", recipient)
        if len(digits) >= 4:  # a phone typed the local way (0812-...) matches the stored +62812...
            match |= Q(recipient__contains="62" + digits[1:] if digits.startswith("0") else digits)
        qs = qs.filter(match)
    return qs


def messages_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> list[int]:
    """Ids of messages a worker should try now: queued ones whose time has come (including those
    whose enqueue was lost in a crash) and "sending" ones whose worker died."""
    now = now_or(now)
    stale_before = now - timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT_SECONDS)
    due = Q(status=S.QUEUED, next_attempt_at__lte=now) | Q(status=S.SENDING, claimed_at__lt=stale_before)
    limit = limit or settings.NOTIFY_PENDING_BATCH
    return list(Message.objects.filter(due).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
