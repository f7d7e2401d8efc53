"""Errors that services raise and views/API translate into a message in the user's language."""

from dataclasses import dataclass, field

from django.utils import translation


@dataclass
class ServiceError(Exception):
    """A refused action: nothing was changed. `message` is Indonesian, `message_en` English.

    `fields` maps an input field to its own message (for forms and 422 answers); `status` is the
    HTTP status the API answers with.
    """

    code: str
    message: str
    message_en: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en or self.message}"


class NotFound(ServiceError):
    def __init__(self, what: str = "data", what_en: str = "record"):
        super().__init__("not_found", f"{what} tidak ditemukan.", f"{what_en} not found.", status=404)


class Forbidden(ServiceError):
    def __init__(self, message="Anda tidak berwenang melakukan ini.", message_en="You are not allowed to do this."):
        super().__init__("forbidden", message, message_en, status=403)


class Invalid(ServiceError):
    """Input refused (422): `fields` maps each wrong field to its own message; the message says what to do
    with the form as a whole, the one house wording unless the caller has a more useful one."""

    def __init__(
        self,
        fields: dict[str, str],
        message: str = "Isian belum benar. Periksa bagian yang ditandai.",
        message_en: str = "Invalid input.",
    ):
        super().__init__("invalid", message, message_en, fields=fields, status=422)


class Conflict(ServiceError):
    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(code, message, message_en, status=409)


def indonesian(text) -> str:
    """`text` (a lazy translation, e.g. a choice's label) in Indonesian whatever language is active: for the
    Indonesian message of a ServiceError, which the English side carries separately."""
    with translation.override("id"):
        return str(text)
