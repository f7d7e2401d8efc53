"""A month of an office, built through the real SOP engine at past instants (see test_dashboard)."""

from permits.monitoring.services import stall_sweep

from .conftest import FAST, REJECT, at, claim, finish

NOW = at(27, 14)  # Friday 27 November 2026, 14:00 WIB


def build(officers, register) -> dict:
    """Apps A..H (FAST: 3 working days promised). Returns them by letter."""
    apps = {}
    # F: October, quick and on time (trend only)
    f = apps["F"] = register("FAST", now=at(26, 9, month=10), **FAST)
    for hour in (10, 11, 12, 13, 14):
        finish(officers, f, at(26, hour, month=10))
    finish(officers, f, at(27, 9, month=10))  # handover
    # A: 2 Nov, every step on time, decided the same day, collected the next
    a = apps["A"] = register("FAST", now=at(2, 9))
    for hour in (10, 11, 13, 14, 15):
        finish(officers, a, at(2, hour))
    finish(officers, a, at(3, 9))
    # B: 9 Nov, verification and data entry late, signing late: decided after its promise; not collected
    b = apps["B"] = register("FAST", now=at(9, 9))
    finish(officers, b, at(11, 9))  # 16 h of 8
    finish(officers, b, at(11, 15))  # 6 h of 4
    finish(officers, b, at(12, 9))  # 2 h of 16
    finish(officers, b, at(12, 10))  # approval
    finish(officers, b, at(16, 10), claim_at=at(16, 9))  # signing: 16 h of 8
    # C: 16 Nov, rejected at the technical review, on time
    c = apps["C"] = register("FAST", now=at(16, 9))
    finish(officers, c, at(16, 10))
    finish(officers, c, at(16, 11))
    finish(officers, c, at(16, 12), payload=REJECT)
    # D: 23 Nov, nobody took it up: overdue since Tue 24 Nov 09:00
    apps["D"] = register("FAST", now=at(23, 9))
    # G: 25 Nov, technical review claimed Thu 26 09:00 and left alone: idle (due Mon 30 09:00)
    g = apps["G"] = register("FAST", now=at(25, 9))
    finish(officers, g, at(25, 10))
    finish(officers, g, at(26, 9))
    claim(officers, g, at(26, 9))
    # H: registered yesterday 15:00: verification due today 15:00 (due soon at NOW)
    apps["H"] = register("FAST", now=at(26, 15))
    # E: registered today
    apps["E"] = register("FAST", now=at(27, 10))
    stall_sweep(now=NOW)
    return apps
