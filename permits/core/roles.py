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
