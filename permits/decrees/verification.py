"""Checking an uploaded PDF against an issued decree: the exact file (SHA-256 of the stored one) and the
office's electronic signature (pyHanko: intact, trusted, nothing appended, by an office certificate), and
whether that decree is still in force: a genuine copy of a revoked or expired decree says so in its verdict.

Reads only; the answer names no officer and reveals nothing the verification page does not show.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.storage import default_storage

from .models import Decree
from .selectors import decree_by_sha256, office_fingerprints, today
from .signing import SignatureCheck, check_pdf

AUTHENTIC = "authentic"  # the very file issued, signature valid
OTHER_DECREE = "other_decree"  # a genuine decree of this office, but not the one this page is about
TAMPERED = "tampered"  # signed once, changed since (or signature not trusted)
UNSIGNED = "unsigned"  # no usable signature at all
HASH_ONLY = "hash_only"  # the very file issued, but its signature does not validate today (e.g. expired certificate)

MESSAGES = {
    AUTHENTIC: (
        "ASLI: berkas ini sama persis dengan SK yang diterbitkan, dan tanda tangan elektroniknya sah.",
        "AUTHENTIC: this file is exactly the decree issued, and its electronic signature is valid.",
    ),
    OTHER_DECREE: (
        "TIDAK COCOK: berkas ini ditandatangani kantor ini, tetapi bukan SK yang sedang Anda periksa.",
        "NO MATCH: this file was signed by this office, but it is not the decree you are checking.",
    ),
    TAMPERED: (
        "TIDAK ASLI: berkas ini berbeda dari SK yang diterbitkan dan tanda tangan elektroniknya tidak sah: "
        "isinya telah diubah setelah ditandatangani, atau ditandatangani pihak lain.",
        "NOT AUTHENTIC: this file differs from the decree issued and its signature is not valid: it was changed "
        "after signing, or signed by someone else.",
    ),
    HASH_ONLY: (
        "COCOK: berkas ini sama persis dengan SK yang diterbitkan (sidik SHA-256 sama), tetapi tanda tangan "
        "elektroniknya tidak dapat divalidasi saat ini (mis. sertifikat sudah kedaluwarsa). Hubungi kantor bila ragu.",
        "MATCH: this file is exactly the decree issued (same SHA-256), but its signature cannot be validated "
        "today (e.g. an expired certificate). Ask the office if in doubt.",
    ),
    UNSIGNED: (
        "TIDAK ASLI: berkas ini tidak memuat tanda tangan elektronik kantor ini yang dapat diperiksa.",
        "NOT AUTHENTIC: this file carries no verifiable electronic signature of this office.",
    ),
}


# The very file of a decree no longer in force: genuine, and not valid; said before anything else.
NOT_IN_FORCE = {
    Decree.Status.REVOKED: (
        "ASLI TETAPI DICABUT: berkas ini sama persis dengan SK yang diterbitkan, tetapi SK ini telah dicabut "
        "dan tidak berlaku lagi.",
        "GENUINE BUT REVOKED: this file is exactly the decree issued, but the decree has been revoked and is "
        "no longer in force.",
    ),
    Decree.Status.EXPIRED: (
        "ASLI TETAPI MASA BERLAKU HABIS: berkas ini sama persis dengan SK yang diterbitkan, tetapi masa "
        "berlakunya telah habis.",
        "GENUINE BUT EXPIRED: this file is exactly the decree issued, but its period of validity has ended.",
    ),
}


@dataclass(frozen=True)
class UploadCheck:
    verdict: str  # about the file
    sha256: str
    hash_match: bool
    signature: SignatureCheck
    office_signed: bool
    decree_status: str = Decree.Status.VALID  # about the decree, on the day of the check

    @property
    def in_force(self) -> bool:
        return self.decree_status == Decree.Status.VALID

    @property
    def ok(self) -> bool:
        """The green answer: the very file, validly signed, of a decree in force."""
        return self.verdict == AUTHENTIC and self.in_force

    @property
    def _texts(self) -> tuple[str, str]:
        if self.hash_match and not self.in_force:
            return NOT_IN_FORCE[self.decree_status]
        return MESSAGES[self.verdict]

    @property
    def message(self) -> str:
        return self._texts[0]

    @property
    def message_en(self) -> str:
        return self._texts[1]


def stored_signature(decree: Decree) -> SignatureCheck:
    """The signature of the issued file itself, as the verification page shows it (time-stamp, valid then):
    checked once a day per decree (the answer changes only with time), kept in the cache."""
    key = f"decree-signature:{decree.pk}:{decree.sha256[:16]}:{today().isoformat()}"
    found = cache.get(key)
    if found is None:
        try:
            with default_storage.open(decree.file.name, "rb") as handle:
                found = check_pdf(handle.read())
        except OSError:  # the page still shows the decree's facts
            return SignatureCheck(problem="file unavailable")
        cache.set(key, found, 24 * 3600)
    return found


def check_upload(decree: Decree, data: bytes, *, on: datetime.date | None = None) -> UploadCheck:
    """Is `data` the decree issued as `decree`, and is that decree in force on `on` (today)? Both the hash
    and the signature must agree for the file; a revoked or expired decree is never answered "authentic" alone."""
    digest = hashlib.sha256(data).hexdigest()
    signature = check_pdf(data)
    office_signed = bool(signature.signer_fingerprint) and signature.signer_fingerprint in office_fingerprints()
    hash_match = digest == decree.sha256
    if hash_match and signature.valid and office_signed:
        verdict = AUTHENTIC
    elif hash_match:
        verdict = HASH_ONLY
    elif signature.valid and office_signed:
        other = decree_by_sha256(digest)
        verdict = OTHER_DECREE if other is not None else TAMPERED
    elif signature.signed:
        verdict = TAMPERED
    else:
        verdict = UNSIGNED
    return UploadCheck(
        verdict=verdict,
        sha256=digest,
        hash_match=hash_match,
        signature=signature,
        office_signed=office_signed,
        decree_status=decree.status_on(on or today()),
    )
