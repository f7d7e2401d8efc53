"""Production settings plus the bare yardstick view (bench/bare_urls.py): for bench/track.py only."""

from config.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.bare_urls"
