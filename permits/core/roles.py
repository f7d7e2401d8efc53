"""The office's roles. Each is a Django group of the same name; a user's roles are its groups."""

from django.utils.translation import gettext_lazy as _

FRONTDESK = "frontdesk"
VERIFIER = "verifier"
SURVEYOR = "surveyor"
DATA_ENTRY = "data_entry"
TECHNICAL = "technical"
TREASURER = "treasurer"
SUPERVISOR = "supervisor"
HEAD = "head"
ADMIN = "admin"

ROLES: dict[str, str] = {
    FRONTDESK: _("Petugas loket (front office)"),
    VERIFIER: _("Verifikator berkas"),
    SURVEYOR: _("Petugas survei lapangan"),
    DATA_ENTRY: _("Petugas entri data"),
    TECHNICAL: _("Tim teknis"),
    TREASURER: _("Bendahara penerimaan"),
    SUPERVISOR: _("Kepala bidang/seksi"),
    HEAD: _("Kepala dinas"),
    ADMIN: _("Administrator sistem"),
}
ROLE_CHOICES = list(ROLES.items())

# --- the role sets: the only lists of role names (permits/core/access.py states who may open what with
# them; pages, the API, the navigation and the services' own checks all read these) ---------------------
OFFICERS = frozenset(ROLES)
LEADERS = frozenset({SUPERVISOR, HEAD, ADMIN})  # see every task, assign, rework, stand in, monitoring
DESK = frozenset({FRONTDESK, ADMIN})  # register files, receipts, PINs, bookings
CASE_DESK = frozenset({FRONTDESK, *LEADERS})  # record an applicant's corrected file or withdrawal
PEOPLE_SEARCHERS = frozenset({FRONTDESK, *LEADERS})  # find files by applicant name, NIK, phone (others: number)
LEVY_READERS = frozenset({TREASURER, SUPERVISOR, HEAD, ADMIN})
LEVY_WRITERS = frozenset({TREASURER, SUPERVISOR, ADMIN})  # reissue, cancel, reconcile (the head reads)
PAYMENT_POSTERS = frozenset({TREASURER})  # record a counter payment
MESSAGE_STAFF = frozenset({FRONTDESK, SUPERVISOR, HEAD, ADMIN})  # failed messages, the dev inbox
SIGNERS = frozenset({HEAD})  # sign and revoke decrees
OFFICE_WIDE = frozenset({HEAD, ADMIN})  # see every section's files whatever sections they head (monitoring)


def user_roles(user) -> set[str]:
    """The role names a user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_smart_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._smart_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
