import pytest

from permits.notifications.models import MessageTemplate
from permits.notifications.rendering import (
    PLACEHOLDERS,
    SMS_LIMIT,
    render,
    sample_context,
    shorten_items,
    sms_errors,
    sms_length,
    text_errors,
    to_gsm7,
)


@pytest.mark.django_db
def test_every_seeded_template_fits_one_sms_with_the_longest_realistic_values():
    templates = list(MessageTemplate.objects.all())
    codes = {t.code for t in templates}
    assert {
        "registration_receipt",
        "returned",
        "survey_scheduled",
        "rejected",
        "levy_assessed",
        "payment_received",
        "decree_ready",
        "officer_alert",
    } <= codes
    for t in templates:
        for text in (t.text_id, t.text_en):
            assert text_errors(text) == [], t.code
            rendered = render(text, sample_context())
            assert sms_length(rendered) <= SMS_LIMIT, (t.code, sms_length(rendered), rendered)
        for text in (t.subject_id, t.email_body_id, t.subject_en):
            assert text_errors(text) == [], t.code
        assert set(t.whatsapp_param_names) <= set(PLACEHOLDERS), t.code
        assert t.whatsapp_name, t.code


@pytest.mark.django_db
def test_essential_templates_are_rejection_levy_decree_and_officer_alerts():
    essential = set(MessageTemplate.objects.filter(essential=True).values_list("code", flat=True))
    assert essential == {"rejected", "levy_assessed", "decree_ready", "officer_alert"}


def test_samples_are_at_least_as_long_as_the_limits_so_the_length_proof_means_something():
    for name, p in PLACEHOLDERS.items():
        assert len(p.sample) >= p.max_len - 4 or not p.cut, name


def test_render_fills_known_placeholders_and_never_reaches_attributes():
    assert render("No {number} tgl {due}", {"number": "2026-000001", "due": "01/12/2026"}) == (
        "No 2026-000001 tgl 01/12/2026"
    )
    evil = "{number.__class__.__mro__} {number[0]} {number!r} {number:>99}"
    # attribute and index lookups render nothing; conversions and format specs are ignored
    assert render(evil, {"number": "X"}) == "  X X"
    assert text_errors(evil)  # and the admin refuses to save it
    assert text_errors("{unknown}") and text_errors("{number") and not text_errors("{{literal}} {number}")


def test_render_cuts_long_values_for_sms_but_not_for_email_and_shows_missing_as_dash():
    reason = "Lokasi " + "sangat " * 30 + "jauh"
    short = render("{reason}", {"reason": reason})
    assert len(short) == PLACEHOLDERS["reason"].max_len and short.endswith("...")
    assert render("{reason}", {"reason": reason}, limit=False) == reason
    assert render("A {va} B", {}) == "A - B"


def test_sms_text_is_kept_in_gsm7_so_160_characters_fit_one_part():
    assert to_gsm7("Ibu Zoë “Siti” — Rp 1.000…") == 'Ibu Zoe "Siti" - Rp 1.000...'
    assert to_gsm7("日本") == "??"
    assert sms_length("a{b}") == 1 + 2 + 1 + 2  # braces are extension characters: two septets each
    assert sms_errors("x" * 160) == [] and sms_errors("x" * 161)


def test_shorten_items_keeps_whole_items_and_says_how_many_more():
    items = ["Surat kuasa", "Foto lokasi", "Denah lantai", "KTP"]
    assert shorten_items(items, 100) == "Surat kuasa; Foto lokasi; Denah lantai; KTP"
    assert shorten_items(items, 40) == "Surat kuasa; Foto lokasi dan 2 lainnya"
    assert shorten_items(items, 40, language="en") == "Surat kuasa; Foto lokasi and 2 more"
    assert shorten_items(items, 26) == "Surat kuasa dan 3 lainnya"


def test_shorten_items_never_cuts_a_word():
    long_item = "Gambar denah lantai satu dan dua yang ditandatangani arsitek"
    short = shorten_items([long_item, "KTP"], 40)
    assert short.endswith("... dan 1 lainnya")
    first = short.removesuffix(" dan 1 lainnya").removesuffix("...")
    assert long_item.startswith(first) and long_item[len(first)] == " " and len(short) <= 40
    sentences = ["Lokasi tidak sesuai RTRW.", "Bangunan di sempadan sungai."]
    assert shorten_items(sentences, 30, joiner=" ", count_rest=False) == "Lokasi tidak sesuai RTRW..."
