"""Errors raised by services. Each carries a message id (an English gettext msgid with
{named} placeholders) and its parameters, so the UI can translate it and show it next to the
field it names."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str | None
    msg_id: str
    params: dict[str, Any] = dc_field(default_factory=dict)


class DomainError(Exception):
    """Base of every error a user is meant to read."""

    def __init__(self, msg_id: str, field: str | None = None, /, **params: Any) -> None:
        super().__init__(msg_id.format(**params) if params else msg_id)
        self.msg_id = msg_id
        self.field = field
        self.params = params

    @property
    def errors(self) -> list[FieldError]:
        return [FieldError(self.field, self.msg_id, self.params)]


class ValidationError(DomainError):
    """One or more fields are wrong; nothing was saved."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = errors[0]
        super().__init__(first.msg_id, first.field, **first.params)
        self._errors = list(errors)

    @property
    def errors(self) -> list[FieldError]:
        return list(self._errors)


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The operation clashes with the current state (duplicate number, meter in use, ...)."""


class AuthenticationError(DomainError):
    pass


class DatabaseUnavailable(DomainError):
    pass


def N_(msg_id: str) -> str:
    """Mark a string for extraction without translating it here."""
    return msg_id
