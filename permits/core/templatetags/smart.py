from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ dict|get:"key" }}: dynamic keys in templates (field codes of a permit type)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def prefixed(value, prefix):
    return f"{prefix}{value}"


@register.filter
def local(value):
    return timezone.localtime(value) if value else value
