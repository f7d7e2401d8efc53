"""What the front desk keeps of its own: files refused as incomplete (the application itself, its applicant and
its documents belong to the case: permits/workflow/models.py)."""

from django.conf import settings
from django.db import models

from permits.catalog.models import PermitType


class IncompleteAttempt(models.Model):
    """A file refused at the front desk as incomplete: counted for the office's statistics."""

    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT)
    at = models.DateTimeField(db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    missing = models.JSONField(default=list)  # requirement codes

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.permit_type.code} missing {len(self.missing)}"
