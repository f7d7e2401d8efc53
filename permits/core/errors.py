"""Errors that services raise and views/API translate into a message in the user's language."""

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refused action: nothing was changed.

    `message` is given once, as a translatable text: a `gettext_lazy` string whose source is Indonesian and
    whose English lives in the catalog (locale/en), with `%(name)s` placeholders filled from `params` in the
    language it is read in. `.message` reads it in Indonesian and `.message_en` in English (the API answers
    both), `.text()` in the active language (pages). `fields` maps an input field to its own message (forms
    and 422 answers); `status` is the HTTP status the API answers with.
    """

    def __init__(
        self,
        code: str,
        message,
        *,
        fields: dict | None = None,
        details: dict | None = None,
        status: int = 400,
        params: dict | None = None,
    ):
        super().__init__(code)
        self.code = code
        self.text_source = message
        self.fields = fields or {}
        self.details = details or {}
        self.status = status
        self.params = params or {}

    def text(self, language: str | None = None) -> str:
        """The message in `language` (default: the active one)."""
        if language is not None:
            with translation.override(language):
                return self.text()
        text = str(self.text_source)
        if not self.params:
            return text
        return text % {k: str(v) if isinstance(v, Promise) else v for k, v in self.params.items()}

    @property
    def message(self) -> str:
        return self.text("id")

    @property
    def message_en(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"


ANY_RECORD = _("Data")
NOT_ALLOWED = _("Anda tidak berwenang melakukan ini.")
CHECK_THE_FORM = _("Isian belum benar. Periksa bagian yang ditandai.")


class NotFound(ServiceError):
    def __init__(self, what=ANY_RECORD):
        super().__init__("not_found", _("%(what)s tidak ditemukan."), status=404, params={"what": what})


class Forbidden(ServiceError):
    def __init__(self, message=NOT_ALLOWED, *, params: dict | None = None):
        super().__init__("forbidden", message, status=403, params=params)


class Invalid(ServiceError):
    """Input refused (422): `fields` maps each wrong field to its own message; the message says what to do
    with the form as a whole, the one house wording unless the caller has a more useful one."""

    def __init__(
        self,
        fields: dict[str, str],
        message=CHECK_THE_FORM,
        *,
        params: dict | None = None,
    ):
        super().__init__("invalid", message, fields=fields, status=422, params=params)


class Conflict(ServiceError):
    def __init__(self, code: str, message, *, params: dict | None = None):
        super().__init__(code, message, status=409, params=params)


def indonesian(text) -> str:
    """`text` (a lazy translation, e.g. a choice's label) in Indonesian whatever language is active: for the
    Indonesian message of a ServiceError, which the English side carries separately."""
    with translation.override("id"):
        return str(text)
