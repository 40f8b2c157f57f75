"""Domain errors raised by services; views and the API turn them into messages and status codes."""

from __future__ import annotations

from typing import Any


class WorkflowError(Exception):
    """A request the workflow refuses; `message` is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    status_code = 403


class InvalidTransition(WorkflowError):
    status_code = 409


class VersionConflict(WorkflowError):
    """Someone saved a newer version first; `current` is what they saved."""

    status_code = 409

    def __init__(self, message: str, *, current: Any) -> None:
        super().__init__(message)
        self.current = current
