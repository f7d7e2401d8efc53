"""QR codes as inline SVG (segno: pure Python, no image library needed)."""

import segno


def qr_svg(data: str, scale: int = 4) -> str:
    qr = segno.make(data, error="m")
    return qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff")
