"""The development channel: nothing leaves the machine. The message row is the dev inbox
(`/dev/inbox/`), so "delivering" it is only a log line."""

import logging

from .base import DELIVERED, Channel, Outgoing, SendResult

logger = logging.getLogger("permits.notifications")


class DevChannel(Channel):
    backend = "dev"

    def __init__(self, kind: str):
        self.kind = kind

    def deliver(self, out: Outgoing) -> SendResult:
        logger.info("[dev %s] to %s: %s", self.kind, out.recipient, out.text)
        return SendResult(DELIVERED, provider_id=f"dev-{out.id}")
