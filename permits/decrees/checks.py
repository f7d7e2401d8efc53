"""`manage.py check --deploy`: production must sign with the office's own certificate."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def decree_signing_configured(app_configs, **kwargs):
    errors = []
    if not settings.DECREE_SIGNING_P12_PATH:
        errors.append(
            Error(
                "DECREE_SIGNING_P12_PATH is not set: decrees would be signed with a generated development certificate.",
                hint="Set DECREE_SIGNING_P12_PATH and DECREE_SIGNING_P12_PASSWORD to the office's (BSrE) certificate, "
                "DECREE_TRUST_ROOTS_PATH to its root, and DECREE_SIGNING_DEV_CERT=false.",
                id="decrees.E001",
            )
        )
    return errors
