"""Checking uploaded documents by their content, not by the name the client gave them."""

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def sniff(head: bytes) -> str | None:
    """The file kind ("pdf", "jpg", "png") its first bytes show, or None."""
    for kind, signatures in _SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return kind
    return None


def check_upload(upload, accepted: list[str]) -> str:
    """Return the sniffed kind of `upload`, or raise ValueError with an Indonesian message."""
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValueError("Berkas kosong.")
    if size > MAX_UPLOAD_BYTES:
        raise ValueError(f"Berkas terlalu besar (maks. {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None or kind not in accepted:
        raise ValueError("Jenis berkas tidak diterima; gunakan " + ", ".join(a.upper() for a in accepted) + ".")
    return kind
