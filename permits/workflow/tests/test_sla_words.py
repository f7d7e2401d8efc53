"""Durations are worded in one place (workflow.sla.humanize), with plurals, in the active language."""

from datetime import timedelta

import pytest
from django.utils import translation

from permits.workflow.sla import humanize

DAY = timedelta(hours=8)


@pytest.mark.parametrize(
    ("duration", "indonesian", "english"),
    [
        (timedelta(hours=10), "1 hari 2 jam", "1 day 2 hours"),
        (timedelta(hours=17), "2 hari 1 jam", "2 days 1 hour"),
        (-timedelta(hours=3), "3 jam", "3 hours"),
        (timedelta(minutes=1), "1 menit", "1 minute"),
        (timedelta(minutes=45), "45 menit", "45 minutes"),
    ],
)
def test_humanize_words_working_time_in_the_active_language(duration, indonesian, english):
    with translation.override("id"):
        assert humanize(duration, DAY) == indonesian
    with translation.override("en"):
        assert humanize(duration, DAY) == english
