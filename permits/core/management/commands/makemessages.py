"""`makemessages` that also collects `_l("...")`, the alias some modules give `gettext_lazy`.

xgettext only knows the standard names (`gettext`, `gettext_lazy`, `_`...); without this, strings marked with
`_l` would never reach the catalog and stay Indonesian in English. README, "Translations".
"""

from django.core.management.commands import makemessages

EXTRA_KEYWORDS = ["_l"]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, *(f"--keyword={k}" for k in EXTRA_KEYWORDS)]
