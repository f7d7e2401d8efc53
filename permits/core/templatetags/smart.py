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


@register.filter
def shown(data_field, value):
    """{{ field|shown:value }}: an object-data value as shown (a choice in the active language,
    anything else as typed); the stored value stays the Indonesian one."""
    return data_field.value_label(value)
