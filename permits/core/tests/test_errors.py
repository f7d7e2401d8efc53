"""A refusal's message is written once, in Indonesian, and translated by gettext (issue 17: one way to
translate): the API answers it in both languages, the pages in the reader's, from the same source."""

import ast
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy as _l

from permits.core.errors import Conflict, NotFound, ServiceError
from permits.workflow.models import Task

PERMITS = Path(__file__).resolve().parents[2]
REFUSALS = {"ServiceError", "Conflict", "Forbidden", "NotFound", "Invalid"}


def test_one_lazy_message_reads_in_both_languages_with_its_parameters():
    err = Conflict("task_closed", _l("Tugas ini sudah berstatus '%(state)s'."), params={"state": Task.State.DONE.label})
    assert err.message == "Tugas ini sudah berstatus 'Selesai'."
    assert err.message_en == "The task is already 'Finished'."
    with translation.override("en"):
        assert err.text() == err.message_en
    assert NotFound(_l("Permohonan")).message_en.endswith("not found.")
    assert str(ServiceError("x", _l("Anda tidak berwenang melakukan ini."))) == "x: You are not allowed to do this."


def test_no_refusal_is_raised_with_a_hand_written_english_twin_or_an_untranslated_text():
    """Every refusal's message is a gettext text (`_l("...")`), never a plain or f-string, and takes no
    second (English) text: the catalog holds the English."""
    wrong = []
    for path in sorted(PERMITS.rglob("*.py")):
        parts = path.relative_to(PERMITS).parts
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSALS):
                continue
            texts = [a for a in node.args if isinstance(a, ast.Constant | ast.JoinedStr)]
            if node.func.id in ("ServiceError", "Conflict"):
                texts = texts[1:]  # the first is the machine code
            if texts or any(k.arg in ("message_en", "what_en") for k in node.keywords):
                wrong.append(f"{path.relative_to(PERMITS)}:{node.lineno}")
    assert wrong == []
