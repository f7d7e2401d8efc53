"""Walk every audit chain and name the first broken link of each broken stream (exit status 1 on any).

    manage.py audit_verify                         # every stream
    manage.py audit_verify --stream intake.application:42
    manage.py audit_verify --heads var/audit-heads.jsonl     # also write each stream's newest event
    manage.py audit_verify --anchors /backup/audit-heads.jsonl   # and compare with heads kept earlier

The heads file has one JSON object per line ({"stream", "seq", "hash"}); kept off this server (a
nightly copy), it lets a later run notice removed tails and removed streams, which the chain alone
cannot show (docs/SECURITY.md).
"""

import json

from django.core.management import BaseCommand, CommandError

from permits.core.audit import audit_verify


def _read_anchors(path: str) -> dict[str, tuple[int, str]]:
    anchors = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    anchors[str(row["stream"])] = (int(row["seq"]), str(row["hash"]))
                except (ValueError, KeyError, TypeError) as exc:
                    raise CommandError(f"{path}:{number}: not a heads line ({exc})") from None
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    return anchors


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; name the first broken link per stream (exit 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument("--stream", action="append", dest="streams", help="only this stream (repeatable)")
        parser.add_argument("--heads", help="write the newest (seq, hash) of each intact stream to this file")
        parser.add_argument("--anchors", help="heads file kept from an earlier run, to catch removed tails")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, streams=None, heads=None, anchors=None, chunk_size=2000, **options):
        kept = _read_anchors(anchors) if anchors else None
        counted = {"streams": 0}
        heads_file = open(heads, "w", encoding="utf-8") if heads else None  # closed below

        def on_head(stream: str, seq: int, digest: str) -> None:
            counted["streams"] += 1
            if heads_file is not None:
                heads_file.write(json.dumps({"stream": stream, "seq": seq, "hash": digest}) + "\n")

        try:
            breaks = audit_verify(streams, anchors=kept, on_head=on_head, chunk_size=chunk_size)
        finally:
            if heads_file is not None:
                heads_file.close()
        for b in breaks:
            self.stdout.write(f"BROKEN {b}")
        if breaks:
            raise CommandError(f"audit trail: {len(breaks)} broken stream(s); first link named above", returncode=1)
        self.stdout.write(f"audit trail intact: {counted['streams']} stream(s) verified")
