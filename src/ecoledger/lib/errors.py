"""Errors that business rules raise, shared by every interface.

Services raise these; the API turns them into JSON, pages into messages next
to the form, the CLI into a line on stderr. Each says what is wrong and, when
it concerns one input, which field.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, str | list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.fields = {
            name: [str(m) for m in (value if isinstance(value, list) else [value])]
            for name, value in (fields or {}).items()
        }

    def __str__(self) -> str:
        if not self.fields:
            return self.message
        details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.fields.items())
        return f"{self.message} ({details})"


class InvalidInput(DomainError):
    """The input is wrong; ``fields`` names which and why."""

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(message, fields={name: message})


class ActionRefused(DomainError):
    """The actor may not do this (role, scope, the four-eyes rule, a closed window)."""

    status_code = 403
    default_code = "refused"


class StateConflict(DomainError):
    """The object is not in a state that allows this, or someone else changed it first."""

    status_code = 409
    default_code = "conflict"
