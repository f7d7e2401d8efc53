"""Fixtures for the whole suite (permits/ and testing/)."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def local_signing_services():
    """The local RFC 3161 TSA and BSrE e-sign fake on a free loopback port, for the whole run: every decree
    the suite signs (the journeys' demo data too) is time-stamped over HTTP for real (permits/decrees/localsign.py)."""
    from django.conf import settings

    from permits.decrees import localsign  # imported once Django is configured

    server = localsign.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    saved = settings.DECREE_TSA_URL, settings.DECREE_ESIGN_URL
    settings.DECREE_TSA_URL, settings.DECREE_ESIGN_URL = f"{base}/tsa", f"{base}/esign"
    yield base
    settings.DECREE_TSA_URL, settings.DECREE_ESIGN_URL = saved
    server.shutdown()
    server.server_close()
