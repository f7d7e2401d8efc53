"""Print the access table (permits/core/access.py) as Markdown, or write it into docs/SECURITY.md."""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from permits.core.access import access_table_markdown, unlisted

START, END = "<!-- access-table:start -->", "<!-- access-table:end -->"


class Command(BaseCommand):
    help = "Print the roles x endpoints access table; --write puts it into docs/SECURITY.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="replace the table in docs/SECURITY.md")

    def handle(self, *args, write=False, **options):
        for missing in unlisted():
            self.stderr.write(f"not in the access table: {missing}")
        table = access_table_markdown()
        if not write:
            self.stdout.write(table, ending="")
            return
        path = settings.BASE_DIR / "docs" / "SECURITY.md"
        text = path.read_text(encoding="utf-8")
        if START not in text or END not in text:
            raise CommandError(f"{path} has no {START} ... {END} block")
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
        path.write_text(f"{head}{START}\n{table}{END}{tail}", encoding="utf-8")
        self.stdout.write(f"access table written to {path}")
