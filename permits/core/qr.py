"""QR codes as inline SVG for pages and as vector drawings for PDFs (segno: pure Python, no image library)."""

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors


def qr_svg(data: str, scale: int = 4) -> str:
    qr = segno.make(data, error="m")
    return qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff")


def qr_drawing(data: str, size: float) -> Drawing:
    """The QR code as vector squares (segno computes the matrix; nothing is rasterised)."""
    qr = segno.make(data, error="m")
    matrix = qr.matrix
    border = 2
    modules = len(matrix) + 2 * border
    unit = size / modules
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None))
    for row_index, row in enumerate(matrix):
        y = size - (row_index + border + 1) * unit
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                x = (start + border) * unit
                drawing.add(Rect(x, y, (col - start) * unit, unit, fillColor=colors.black, strokeColor=None))
            else:
                col += 1
    return drawing
