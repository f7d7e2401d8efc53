"""{% signing_needs_passphrase as x %}: whether the configured signer asks the head for a passphrase (BSrE e-sign)."""

from django import template

from permits.decrees import signers

register = template.Library()


@register.simple_tag
def signing_needs_passphrase() -> bool:
    return signers.needs_passphrase()
