from django import template

from ..selectors import application_messages as _application_messages

register = template.Library()


@register.simple_tag
def application_messages(application):
    """{% application_messages app as outbox %}: the application's messages, newest first."""
    return _application_messages(application) if application else []
