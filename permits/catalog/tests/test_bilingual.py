"""Catalogue data the office types is shown through its English twin when English is on; the stored
values (what validation and tariffs compare) stay the Indonesian ones."""

from django.utils import translation

from permits.catalog.models import DataField, Step


def test_choices_and_unit_follow_the_language_while_the_stored_value_stays_indonesian():
    field = DataField(type="choice", choices="Hunian, Usaha", choices_en="Residential, Business", unit="lantai")
    field.unit_en = "storeys"
    with translation.override("en"):
        assert field.choice_options == [("Hunian", "Residential"), ("Usaha", "Business")]
        assert field.value_label("Usaha") == "Business" and field.unit_label == "storeys"
        assert field.value_label("Lainnya") == "Lainnya"  # a value no longer offered is shown as stored
    with translation.override("id"):
        assert field.choice_options == [("Hunian", "Hunian"), ("Usaha", "Usaha")]
        assert field.value_label("Usaha") == "Usaha" and field.unit_label == "lantai"


def test_without_english_twins_the_indonesian_is_shown():
    field = DataField(type="choice", choices="Hunian,Usaha", unit="m2")
    with translation.override("en"):
        assert field.choice_options == [("Hunian", "Hunian"), ("Usaha", "Usaha")] and field.unit_label == "m2"


def test_a_step_limit_is_worded_with_plurals_in_the_active_language():
    with translation.override("en"):
        assert Step(bound_value=1, bound_unit="days").bound_label == "1 working day"
        assert Step(bound_value=4, bound_unit="hours").bound_label == "4 working hours"
    with translation.override("id"):
        assert Step(bound_value=1, bound_unit="days").bound_label == "1 hari kerja"
