"""Tracking by text message, from any phone: `CEK <number> <PIN>` (or `LACAK ...`) answered in one SMS.

`sms_reply(text, sender)` is THE reply, for every channel a message can arrive on: Kannel's sms-service
(views.sms_inbound, GET /sms/masuk/) sends it back as the SMS reply, and the WhatsApp webhook
(permits/notifications, a handler registered in PortalConfig.ready) queues it as a free-form reply.

The lookup is the web's: `tracking_open` with the PIN behind the same throttle, the sender's number in
place of the client address, so guesses are counted per sender and per registration number on the same
counters. A wrong PIN and an unknown number get one and the same answer. The answer fits one 160-septet
GSM-7 SMS whatever the data: the variable tail (what to bring, a rejection's reason) gets the room left.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from permits.core.identity import clean_phone
from permits.intake.numbers import registration_number_format
from permits.notifications.rendering import SMS_LIMIT, due_text, sentences, shorten_items, sms_length, to_gsm7
from permits.workflow.models import Application

from .services import TrackingNotFound, TrackingThrottled, tracking_open
from .tracking import OFFICE_DESK, tracking_view_cached

S = Application.Status
KEYWORDS = frozenset({"CEK", "LACAK"})
ITEMS_ROOM = 30  # the least room kept for what to bring / a reason (rendering.PLACEHOLDERS["items"])
MIN_DESK = 12  # below this a desk's name says nothing: leave it out


def sender_key(sender: str) -> str:
    """The throttle's client key for a phone: one key for +62812..., 62812... and 0812..."""
    try:
        phone = clean_phone(sender)
    except ValueError:
        phone = "".join((sender or "").split())[:40]
    return f"sms:{phone}"


def help_text() -> str:
    example = registration_number_format(2026, 123)
    text = _("Ketik CEK NOMOR PIN, contoh: CEK %(example)s 123456. Nomor pendaftaran dan PIN ada di tanda terima Anda.")
    return text % {"example": example}


def parse(text: str) -> tuple[str, str] | None:
    """(number as typed, PIN) of a `CEK <number> <PIN>` text in any case, spaces tolerated; None otherwise."""
    words = (text or "").split()
    if len(words) < 3 or words[0].upper() not in KEYWORDS:
        return None
    return " ".join(words[1:-1]), words[-1]


def _fit(head: str, items: list[str], *, joiner: str = "; ", count_rest: bool = True) -> str:
    """`head` followed by as many whole items as one SMS leaves room for (shorten_items)."""
    room = SMS_LIMIT - sms_length(head)
    return head + shorten_items(items, room, joiner=joiner, count_rest=count_rest, language="id", measure=sms_length)


def _next_step(view: dict) -> tuple[str, list[str], dict]:
    """(lead text, list-like items shortened to fit, shorten_items options) for what comes next."""
    status = view["status"]
    levy = view.get("levy") or {}
    if status == S.AWAITING_PAYMENT and levy and not levy.get("paid"):
        text = _("Bayar %(amount)s ke VA %(va)s") % {
            "amount": levy["amount_display"],
            "va": levy.get("virtual_account_no") or "-",
        }
        if levy.get("due_date"):
            text += _(" paling lambat %(due)s") % {"due": due_text(levy["due_date"])}
        return text + ".", [], {}
    if status == S.REJECTED:
        rejection = view.get("rejection") or {}
        parts = [*sentences(rejection.get("reason", "")), *sentences(rejection.get("note", ""))]
        return _("Alasan: "), parts, {"joiner": " ", "count_rest": False}
    if status == S.RETURNED:
        return _("Bawa: "), list(view.get("return_items") or []), {}
    if status == S.DECREE_ISSUED:
        return _("Ambil SK di loket dengan tanda terima."), [], {}
    if status in (S.COLLECTED, S.WITHDRAWN):
        return "", [], {}
    return _("Perkiraan selesai %(due)s.") % {"due": due_text(view["promised_completion_date"])}, [], {}


def status_text(view: dict) -> str:
    """One SMS about a file: number as issued, plain status, desk, and what comes next. What comes next is
    kept whole (an amount and a virtual account must never be cut); a long desk yields its last words, and
    list-like items (what to bring, a reason) get the room that is left, by whole items."""
    step = view.get("current_step") or {}
    final = view["status"] in (S.COLLECTED, S.WITHDRAWN, S.REJECTED)
    desk = step.get("desk") or ("" if final else str(OFFICE_DESK))
    head = to_gsm7(f"{view['registration_number']}: {view['status_label']}.")
    lead, items, options = _next_step(view)
    lead = to_gsm7(lead)
    if desk:
        frame = _("Posisi: %(desk)s.")
        room = SMS_LIMIT - sms_length(f"{head} {lead}") - sms_length(frame % {"desk": ""}) - 1
        room -= ITEMS_ROOM if items else 0
        desk = shorten_items([to_gsm7(desk)], room, measure=sms_length) if room >= MIN_DESK else ""
        if desk:  # a desk cut short ends with "..." already
            head = f"{head} {to_gsm7(frame % {'desk': desk})}".replace("....", "...")
    text = f"{head} {lead}" if lead else head
    if items:  # the lead ends with its separator ("Bawa: "): the items follow it
        text = _fit(text, [to_gsm7(i) for i in items], **options)
    if sms_length(text) > SMS_LIMIT:  # a very long status label: whole words only
        text = shorten_items([text], SMS_LIMIT, measure=sms_length)
    return text


def _throttled_text(exc: TrackingThrottled) -> str:
    minutes = exc.params["minutes"]
    if exc.details.get("scope") == "number":
        text = _("Nomor ini dikunci %(minutes)s menit karena terlalu banyak PIN salah. Hubungi loket bila PIN hilang.")
        return text % {"minutes": minutes}
    return _("Terlalu banyak percobaan yang gagal dari nomor Anda. Coba lagi dalam %(minutes)s menit.") % {
        "minutes": minutes
    }


def sms_reply(text: str, sender: str) -> str:
    """The answer to a text message from `sender`: the file's status for `CEK <number> <PIN>`, one
    answer for a wrong PIN or an unknown number, a short note when throttled, else a one-line help."""
    with translation.override(settings.LANGUAGE_CODE):
        parsed = parse(text)
        if parsed is None:
            return to_gsm7(help_text())
        number, pin = parsed
        try:
            tracked = tracking_open(client_ip=sender_key(sender), registration_number=number, pin=pin)
        except TrackingThrottled as exc:
            return to_gsm7(_throttled_text(exc))
        except TrackingNotFound:
            return to_gsm7(_("Nomor pendaftaran atau PIN tidak cocok. Periksa lagi tanda terima Anda."))
        return status_text(tracking_view_cached(tracked))
