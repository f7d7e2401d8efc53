"""Money is Decimal whole rupiah; this formats it the Indonesian way."""

from decimal import Decimal


def rupiah(amount) -> str:
    """Rp 1.300.000 (dots for thousands, no decimals)."""
    value = int(Decimal(str(amount)))
    return f"Rp {value:,}".replace(",", ".")
