"""Small formatting filters for the monitoring pages."""

from datetime import timedelta

from django import template
from django.utils.formats import number_format

from permits.core import money
from permits.core.calendar import office_calendar
from permits.workflow.sla import humanize

register = template.Library()


@register.filter
def workdur(value):
    """A working-time duration as '2 hari 3 jam' (working days of the office's length); '–' if none."""
    if value is None:
        return "–"
    if not isinstance(value, timedelta):
        value = timedelta(seconds=int(value))
    return humanize(value, office_calendar().day_length())


@register.filter
def pct(value):
    """A share in percent ('87,5%'), or '–' when there was nothing to measure."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value)}%"
    return number_format(value, 1) + "%"


@register.filter
def tone(value):
    """The badge colour of a share: ok from 90%, warn from 75%, bad below; plain when unknown."""
    if value is None:
        return ""
    return "ok" if value >= 90 else ("warn" if value >= 75 else "bad")


@register.filter
def rupiah(value):
    """Whole rupiah: 'Rp 1.300.000'."""
    return money.rupiah(value)
