"""Checking an uploaded PDF against an issued decree: the exact file (SHA-256 of the stored one) and the
office's electronic signature (pyHanko: intact, trusted, nothing appended, by an office certificate).

Reads only; the answer names no officer and reveals nothing the verification page does not show.
"""

import hashlib
from dataclasses import dataclass

from .models import Decree
from .selectors import decree_by_sha256, office_fingerprints
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


@dataclass(frozen=True)
class UploadCheck:
    verdict: str
    sha256: str
    hash_match: bool
    signature: SignatureCheck
    office_signed: bool

    @property
    def ok(self) -> bool:
        return self.verdict == AUTHENTIC

    @property
    def message(self) -> str:
        return MESSAGES[self.verdict][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.verdict][1]


def check_upload(decree: Decree, data: bytes) -> UploadCheck:
    """Is `data` the decree issued as `decree`? Both the hash and the signature must agree."""
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
        verdict=verdict, sha256=digest, hash_match=hash_match, signature=signature, office_signed=office_signed
    )
