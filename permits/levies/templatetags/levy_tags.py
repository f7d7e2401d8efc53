from django import template

from permits.core.money import rupiah as _rupiah

register = template.Library()


@register.filter
def rupiah(value):
    """{{ amount|rupiah }} -> Rp 1.300.000"""
    if value in (None, ""):
        return ""
    try:
        return _rupiah(value)
    except (ArithmeticError, ValueError, TypeError):
        return value
