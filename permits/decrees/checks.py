"""`manage.py check --deploy`: production signs with the office's own certificate (a PKCS#12 file or BSrE's
e-sign service) and time-stamps with a real time-stamp authority."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def decree_signing_configured(app_configs, **kwargs):
    errors = []
    local = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}/"
    if not settings.DECREE_TSA_URL or settings.DECREE_TSA_URL.startswith(local):
        errors.append(
            Error(
                "DECREE_TSA_URL is not set to the time-stamp authority: decrees would have no trusted time-stamp.",
                hint="Set DECREE_TSA_URL to BSrE's RFC 3161 TSA (and DECREE_TSA_USERNAME/PASSWORD if it asks).",
                id="decrees.E002",
            )
        )
    if settings.DECREE_SIGNER == "esign":
        if settings.DECREE_ESIGN_URL.startswith(local):
            errors.append(
                Error(
                    "DECREE_ESIGN_URL points at the local e-sign fake.",
                    hint="Set DECREE_ESIGN_URL, DECREE_ESIGN_CLIENT_ID/SECRET and DECREE_ESIGN_NIK (BSrE).",
                    id="decrees.E003",
                )
            )
        return errors  # the key stays at BSrE: no PKCS#12 file
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
