"""English, the second language: one complete, compiled catalog that holds every marked string, and key pages
that speak English when asked (cookie or the language switch) while Indonesian stays the default."""

import ast
import gettext
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

from permits.conftest import make_permit_type, make_user
from permits.core.management.commands.makemessages import EXTRA_KEYWORDS

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
# What `makemessages` skips (README, "Translations"): the virtualenv, runtime data, the load-test kit, build output.
SKIPPED_DIRS = {".venv", "var", "bench", "node_modules", "staticfiles", "locale", "__pycache__"}
FIX = "run `manage.py makemessages -l en ...`, translate, then `compilemessages` (README, Translations)"


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())  # PO string literals use the C escapes Python understands


def read_po(path: Path) -> list[dict]:
    """The catalog's live entries (obsolete `#~` ones are left out): msgctxt, msgid, msgid_plural, msgstr list,
    flags. A small reader: only what `makemessages`/`msgmerge` write."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            close()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None or (line.startswith("#") and "msgid" in entry):
            close()
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += _unquote(line)
            else:
                entry[field[0]] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            index = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if index or keyword == "msgstr":
                field = ("msgstr", int(index.group(1)) if index else 0)
                entry["msgstr"][field[1]] = _unquote(value)
            else:
                field = (keyword, None)
                entry[keyword] = _unquote(value)
    return [{**e, "msgstr": [e["msgstr"][k] for k in sorted(e["msgstr"])]} for e in entries]


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    assert PO.is_file(), f"{PO} is missing: {FIX}"
    return [e for e in read_po(PO) if e["msgid"]]  # the header has an empty msgid


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]", text))


def test_every_catalog_entry_is_translated_and_none_is_fuzzy(catalog):
    assert len(catalog) > 500  # the whole UI, not a stub
    untranslated = [e["msgid"] for e in catalog if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in catalog if "fuzzy" in e["flags"]]
    assert untranslated == [], f"untranslated: {untranslated[:10]}; {FIX}"
    assert fuzzy == [], f"fuzzy (msgmerge guessed, check and remove the flag): {fuzzy[:10]}"


def test_plural_entries_have_both_english_forms_and_translations_keep_their_placeholders(catalog):
    for e in catalog:
        assert len(e["msgstr"]) == (2 if "msgid_plural" in e else 1), e["msgid"]
        for text in e["msgstr"]:
            if "python-format" in e["flags"]:
                assert _placeholders(text) == _placeholders(e["msgid"]), (e["msgid"], text)
            assert text.count("&amp;") == e["msgid"].count("&amp;"), (e["msgid"], text)
            assert re.findall(r"</?\w+", text) == re.findall(r"</?\w+", e["msgid"]), (e["msgid"], text)


def test_the_compiled_catalog_matches_the_po_file(catalog):
    assert MO.is_file() and MO.stat().st_size > 0, f"{MO} is missing: {FIX}"
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in catalog:
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = [compiled.ngettext(msgid, e["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [compiled.gettext(msgid)]
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], f".mo is older than .po for {stale[:5]}: run `manage.py compilemessages --ignore=.venv`"


# --- every string the code marks for translation is in the catalog ----------------------------------------------

PY_KEYWORDS = {  # name -> (index of the context or None, index of msgid, index of msgid_plural or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
} | dict.fromkeys(EXTRA_KEYWORDS, (None, 0, None))  # aliases of gettext_lazy our makemessages also collects
_LITERAL = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
# `templatize` turns {% translate %}/{% blocktranslate %} into gettext(...) calls and keeps {{ x|default:_("...") }}.
TEMPLATE_CALL = re.compile(rf"\b(npgettext|ngettext|pgettext|gettext|_)\(({_LITERAL}(?:\s*,\s*{_LITERAL})*)")


def _source_files():
    root = Path(settings.BASE_DIR)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".") and "egg-info" not in d]
        for name in filenames:
            if name.endswith((".py", ".html", ".txt")):
                yield Path(dirpath) / name


def _marked_in_python(source: str):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in PY_KEYWORDS:
            continue
        ctx, single, plural = PY_KEYWORDS[name]
        wanted = [i for i in (ctx, single) if i is not None]
        args = node.args
        if len(args) > max(wanted) and all(
            isinstance(args[i], ast.Constant) and isinstance(args[i].value, str) for i in wanted
        ):
            yield (args[ctx].value if ctx is not None else None, args[single].value)


def _marked_in_template(source: str, origin: str):
    for match in TEMPLATE_CALL.finditer(templatize(source, origin=origin)):
        args = ast.literal_eval(f"({match.group(2)},)")
        has_context = match.group(1).startswith(("pgettext", "npgettext"))
        yield (args[0], args[1]) if has_context else (None, args[0])


def test_every_string_marked_in_templates_and_python_is_in_the_catalog(catalog):
    known = {(e.get("msgctxt"), e["msgid"]) for e in catalog}
    missing = set()
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            found = _marked_in_python(source)
        elif "{%" in source:
            found = _marked_in_template(source, str(path))
        else:
            continue
        where = str(path.relative_to(settings.BASE_DIR))
        missing |= {(where, msgid) for context, msgid in found if (context, msgid) not in known}
    assert sorted(missing) == [], f"marked but not in the catalog: {sorted(missing)[:10]}; {FIX}"


# --- key pages in English -----------------------------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_pages_stay_indonesian_without_a_language_choice(client, db):
    html = _html(client.get(reverse("portal:track")))
    assert 'lang="id"' in html and "Lacak permohonan izin" in html and "Track a permit application" not in html


def test_login_page_in_english(english, db):
    html = _html(english.get(reverse("login")))
    assert 'lang="en"' in html
    assert "Officer login" in html and "Username" in html and "Password" in html and "Log in" in html
    assert "Kata sandi" not in html and "Nama pengguna" not in html


def test_tracking_page_in_english(english, db):
    html = _html(english.get(reverse("portal:track")))
    assert "Track a permit application" in html and "Registration number" in html and "PIN (6 digits)" in html
    assert "Track an application" in html and "Services" in html and "Apply online" in html  # public menu
    assert "Nomor pendaftaran" not in html and "Lacak permohonan" not in html


def test_service_standards_page_in_english_with_plural_days(english, db):
    make_permit_type("TEN", service_days=10)
    html = _html(english.get(reverse("portal:services")))
    assert "Permit types and service standards" in html and "10 working days" in html and "levy applies" in html
    assert "hari kerja" not in html and "dikenakan retribusi" not in html


def test_front_desk_page_in_english(english, db):
    make_permit_type()
    english.force_login(make_user("frontdesk"))
    html = _html(english.get(reverse("intake:desk")))
    assert "Registration desk: choose a permit type" in html and "Open an online booking" in html
    assert "3 requirements" in html and "Check the file &amp; register" in html
    assert "Front desk" in html and "Work queue" in html and "Log out" in html  # officer menu
    assert "Loket pendaftaran" not in html and "persyaratan" not in html and "Keluar" not in html


def test_work_queue_in_english(english, register, officers):
    register()
    english.force_login(officers["verifier"])
    html = _html(english.get(reverse("workflow:queue")))
    assert "Work queue" in html and "1 task, most urgent first" in html and "Claim" in html and "Time left" in html
    assert "Antrian kerja" not in html and "paling mendesak" not in html and "Ambil" not in html


def test_language_switch_turns_a_page_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert "Officer login" in _html(client.get(response["Location"]))
    client.post(reverse("set_language"), {"language": "id", "next": reverse("login")})
    assert "Masuk petugas" in _html(client.get(reverse("login")))
