"""Registration numbers: how the office issues them (settings REGISTRATION_NUMBER_FORMAT, e.g.
`2026-000019` or `DPMPTSP-KOTA-2026-000019`) and how a number someone typed is read back.

People copy the number off a receipt as `2026000019`, ` 2026 000019 `, or with a lower-case prefix;
`registration_number_read` turns each into the number as issued, so every lookup (the tracking page,
the API, the throttle's key) sees one spelling of one number.
"""

import re
from functools import lru_cache
from string import Formatter

from django.conf import settings

MAX_LENGTH = 40  # the column's (Application.registration_number)
# What a typed number may hold at all: letters, digits and the separators a format may use.
# Never "/" (numbers appear in URLs, see REGISTRATION_NUMBER_FORMAT).
_TYPED = re.compile(r"[A-Za-z0-9 ._-]+")


def registration_number_format(year: int, seq: int) -> str:
    return settings.REGISTRATION_NUMBER_FORMAT.format(year=year, seq=seq)


def _squashed(text: str) -> str:
    """Only the letters and digits, upper case: what two spellings of one number share."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


@lru_cache(maxsize=8)
def _squashed_pattern(number_format: str) -> re.Pattern:
    """A pattern matching the squashed numbers `number_format` gives, capturing year and seq."""
    parts = []
    for literal, field, spec, _conversion in Formatter().parse(number_format):
        parts.append(re.escape(_squashed(literal)))
        if field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "seq":
            width = re.match(r"0?(\d*)", spec or "").group(1)
            parts.append(rf"(?P<seq>\d{{{width or 1},}})")
        elif field is not None:
            raise ValueError(f"REGISTRATION_NUMBER_FORMAT has an unknown field {{{field}}}")
    return re.compile("".join(parts))


def registration_number_read(text: str) -> str:
    """The registration number as issued for what someone typed; "" when the text cannot be one at
    all (empty, longer than MAX_LENGTH, or characters no number holds).

    Text of the current format's shape, with or without its separators, in any case, with spaces
    anywhere, comes back with the format's own separators and case. Other well-formed text comes back
    trimmed as typed (a number issued before the format changed): looked up, it is found or counted
    as an unknown number like any other.
    """
    typed = " ".join((text or "").split())
    if not typed or len(typed) > MAX_LENGTH or not _TYPED.fullmatch(typed):
        return ""
    number_format = settings.REGISTRATION_NUMBER_FORMAT
    squashed = _squashed(typed)
    match = _squashed_pattern(number_format).fullmatch(squashed)
    if match is not None:
        number = number_format.format(**{k: int(v) for k, v in match.groupdict().items()})
        if _squashed(number) == squashed:  # not a reading that drops leading zeros the typist wrote
            return number
    return typed
