"""Gap-free counters: the number is taken inside the caller's transaction and rolls back with it."""

from django.db import transaction

from .models import Sequence


def sequence_next(key: str) -> int:
    """Return the next value of counter `key`, holding its row lock until the caller commits.

    The row is created first with ON CONFLICT DO NOTHING so that two first-ever callers do not
    fail on the insert race; the SELECT ... FOR UPDATE then serialises them.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside the transaction that uses the number")
    Sequence.objects.bulk_create([Sequence(key=key, value=0)], ignore_conflicts=True)
    seq = Sequence.objects.select_for_update().get(key=key)
    seq.value += 1
    seq.save(update_fields=["value"])
    return seq.value
