"""SNAP response codes: HTTP status (3 digits) + service code (2) + case (2), e.g. 4042514.

The table is in docs/LEVY.md and /shared/specs/snap-bi-va.md.
"""

from dataclasses import dataclass, field

SERVICE_CODES = {"token": "73", "inquiry": "24", "payment": "25", "status": "26"}


@dataclass(frozen=True)
class Case:
    status: int
    case: str
    message: str


SUCCESS = Case(200, "00", "Successful")
INVALID_FIELD = Case(400, "01", "Invalid Field Format {}")
MISSING_FIELD = Case(400, "02", "Invalid Mandatory Field {}")
UNAUTHORIZED = Case(401, "00", "Unauthorized. {}")
INVALID_TOKEN = Case(401, "01", "Invalid Token (B2B)")
TRANSACTION_NOT_FOUND = Case(404, "01", "Transaction Not Found")
BILL_NOT_FOUND = Case(404, "12", "Invalid Bill/Virtual Account [Not Found]")
INVALID_AMOUNT = Case(404, "13", "Invalid Amount")
PAID_BILL = Case(404, "14", "Paid Bill")
EXPIRED_BILL = Case(404, "19", "Invalid Bill/Virtual Account [Expired]")
CONFLICT = Case(409, "00", "Conflict")
INTERNAL = Case(500, "01", "Internal Server Error")


def response_code(service: str, case: Case) -> str:
    return f"{case.status}{SERVICE_CODES[service]}{case.case}"


@dataclass
class Refusal(Exception):
    """A refused SNAP request: answered with `case` (and `extra` fields, e.g. virtualAccountData)."""

    case: Case
    detail: str = ""
    extra: dict = field(default_factory=dict)

    def answer(self, service: str) -> tuple[int, dict]:
        message = self.case.message.format(self.detail).strip() if "{}" in self.case.message else self.case.message
        return self.case.status, {
            "responseCode": response_code(service, self.case),
            "responseMessage": message,
            **self.extra,
        }
