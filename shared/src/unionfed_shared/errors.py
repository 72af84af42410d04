"""Refusals the HTTP layer turns into RFC 9457 problems (``problems.py``).

A refusal names a stable machine ``code`` and says why in each language a caller may ask for:

    raise Invalid("period_out_of_range", zh="会费月份须在 1900-01 到 2999-12 之间",
                  en="the period must be between 1900-01 and 2999-12")

The class gives the HTTP status and the problem's ``type`` (its category); the code tells a client
which refusal it is, and stays the same when the words change. ``detail`` is the English text, for
logs and for the places outside HTTP that keep a refusal's reason (a journal entry, a dead letter).
"""

from collections.abc import Mapping

from pydantic_core import PydanticCustomError


class DomainError(Exception):
    status_code = 400
    category = "invalid_request"

    def __init__(
        self,
        code: str,
        *,
        zh: str | None = None,
        en: str | None = None,
        pointer: str | None = None,
    ):
        if zh is None and en is None:
            # The older form, ``Invalid("why")``: the category is the code and one text serves both.
            self.code, self.zh, self.en = self.category, code, code
        else:
            self.code, self.zh, self.en = code, zh or en or code, en or zh or code
        # A JSON pointer into the request body (``#/lines/0/amount_fen``) when one field is at fault.
        self.pointer = pointer
        super().__init__(self.en)

    @property
    def detail(self) -> str:
        return self.en

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh

    @property
    def texts(self) -> Mapping[str, str]:
        return {"zh-CN": self.zh, "en": self.en}


class Invalid(DomainError):
    status_code = 422
    category = "invalid"


class Unauthorized(DomainError):
    status_code = 401
    category = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    category = "forbidden"


class NotFound(DomainError):
    status_code = 404
    category = "not_found"


class Conflict(DomainError):
    status_code = 409
    category = "conflict"


class Unavailable(DomainError):
    """A system the request needs (Keycloak for accounts, say) cannot be reached; retry later."""

    status_code = 503
    category = "unavailable"


def field_refusal(code: str, *, zh: str, en: str) -> PydanticCustomError:
    """What a pydantic validator raises for a cross-field rule: FastAPI answers it as a field error
    with this ``code``, in the caller's language (``problems.field_problems`` reads ``zh``)."""
    return PydanticCustomError(code, en, {"zh": zh})
