"""The alert texts fit one SMS; the charts are accessible inline SVG with escaped labels."""

import pytest

from permits.monitoring import charts
from permits.monitoring.services import TEMPLATES
from permits.notifications.models import MessageTemplate
from permits.notifications.rendering import PLACEHOLDERS, SMS_LIMIT, render, sample_context, sms_length, text_errors


@pytest.mark.django_db
def test_alert_and_digest_templates_exist_and_fit_one_sms_with_the_longest_values():
    codes = set(TEMPLATES.values()) | {"daily_digest"}
    rows = {t.code: t for t in MessageTemplate.objects.filter(code__in=codes)}
    assert set(rows) == codes
    for t in rows.values():
        for text in (t.text_id, t.text_en):
            assert text_errors(text) == [], t.code
            assert sms_length(render(text, sample_context())) <= SMS_LIMIT, t.code
        assert "{url}" in t.text_id or t.code == "daily_digest", t.code
        assert set(t.whatsapp_param_names) <= set(PLACEHOLDERS) and t.whatsapp_name


def test_bar_chart_draws_one_bar_per_row_and_escapes_labels():
    svg = charts.bar_chart(
        [charts.Bar("PBG · <Verifikasi>", 5, "5 jam", "bad"), charts.Bar("SIP", 2.5, "2,5 jam")],
        title="Median & p90",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Median &amp; p90</title>" in svg
    assert "&lt;Verifikasi&gt;" in svg and "<Verifikasi>" not in svg
    assert svg.count('fill="#b42318"') == 1  # the late one is red
    assert charts.bar_chart([], title="x") == ""


def test_line_chart_breaks_the_line_where_a_week_has_no_data():
    svg = charts.line_chart(
        ["02/11", "09/11", "16/11", "23/11"], [charts.Series("Langkah", [100, None, 50, 75])], title="Tren"
    )
    assert svg.count("<polyline") == 1  # 16/11-23/11 only; 02/11 stands alone
    assert svg.count("<circle") == 3
    assert "02/11" in svg and "23/11" in svg


@pytest.mark.django_db
def test_alert_texts_filled_by_the_sweep_keep_each_bounded_value_whole(reachable, register, settings):
    """The sweep's real contexts (a 21-character registration number, a long lateness, the explanation
    links) in every alert text: number, lateness and link whole, one SMS (free text such as the step's
    or the officer's name may be cut)."""
    from permits.monitoring.services import stall_sweep
    from permits.notifications.models import Message
    from permits.notifications.tests.test_placeholders import LONG_NUMBER_FORMAT, assert_whole_and_one_sms

    from .conftest import FAST, at, claim

    settings.REGISTRATION_NUMBER_FORMAT = LONG_NUMBER_FORMAT
    settings.PUBLIC_BASE_URL = "https://izin.kotacontoh.go.id"
    app = register("FAST", now=at(2, 9), **FAST)
    assert len(app.registration_number) == 21
    claim(reachable, app, at(2, 9, 30))
    officer = reachable["verifier"]
    officer.first_name, officer.last_name = "Raden Mas Bambang Sutrisno", "Wibisono Hadikusumo, S.T., M.Sc."
    officer.save()
    stall_sweep(now=at(27, 15))  # some three weeks of working days late
    messages = list(Message.objects.filter(application=app, template__in=TEMPLATES.values()))
    rows = {t.code: t for t in MessageTemplate.objects.filter(code__in=TEMPLATES.values())}
    assert {m.template for m in messages} >= {"stall_overdue", "stall_escalation_supervisor", "stall_escalation_head"}
    for message in messages:
        assert_whole_and_one_sms(message, rows[message.template])


def test_bar_chart_wraps_a_long_label_to_two_lines_instead_of_cutting_it():
    label = "SLF · Penilaian kelaikan fungsi bangunan gedung oleh tim teknis"
    svg = charts.bar_chart([charts.Bar(label, 3, "3 jam")], title="Median")
    assert svg.count("<tspan") == 2 and "…" not in svg
    assert "Penilaian kelaikan" in svg and "tim teknis</tspan>" in svg
    assert f"<title>{label}</title>" in svg  # the whole label, for a pointer or a screen reader


def test_label_lines_keeps_whole_words_and_ends_what_does_not_fit_with_an_ellipsis():
    assert charts.label_lines("PBG · Verifikasi", 44) == ["PBG · Verifikasi"]
    assert charts.label_lines("aaa bbb ccc ddd eee", 7) == ["aaa bbb", "ccc dd…"]
