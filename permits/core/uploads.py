"""Checking uploaded documents by their content, not by the name the client gave them, and serving them back."""

from django.http import FileResponse, Http404

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


def check_requirement_files(
    files: dict, requirements: dict, *, total_limit: int | None = None, unknown: str = ""
) -> tuple[dict[str, str], dict[str, str]]:
    """Check uploaded scans against the requirements they answer: the sniffed kind per requirement
    code, and the Indonesian error per field (`files.<code>`, or `files` for the total size).

    `requirements` maps a code to an object with `accepted` (the kinds it takes) and `name_id`; a
    file for a code not in it gets `unknown` as its error. One rule for the front desk, online
    pre-registration and the applicant's corrections.
    """
    kinds: dict[str, str] = {}
    errors: dict[str, str] = {}
    for code, upload in files.items():
        requirement = requirements.get(code)
        if requirement is None:
            errors[f"files.{code}"] = unknown or "Persyaratan tidak dikenal untuk jenis izin ini."
            continue
        try:
            kinds[code] = check_upload(upload, requirement.accepted)
        except ValueError as exc:
            errors[f"files.{code}"] = f"{requirement.name_id}: {exc}"
    if total_limit is not None and sum(files[c].size for c in kinds) > total_limit:
        errors["files"] = f"Ukuran semua berkas bersama terlalu besar (maks. {total_limit // (1024 * 1024)} MB)."
    return kinds, errors


def scan_response(field_file, *, content_type: str, filename: str, download: bool = False):
    """An uploaded scan served through a view (never the web root): the type it was stored with, never
    one the browser guesses (nosniff), kept out of every cache, inline unless asked for as a download.
    Raises Http404 when the stored file is missing."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=download, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
