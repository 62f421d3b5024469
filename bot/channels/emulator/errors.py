"""Bot API error answers: ``{"ok": false, "error_code": N, "description": ..., "parameters"}``."""

from __future__ import annotations

from typing import Any

UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: UNAUTHORIZED,
    403: "Forbidden: bot was blocked by the user",
    404: NOT_FOUND,
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """Raised by a method handler; becomes the Bot API error answer with ``status``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            answer["parameters"] = {"retry_after": self.retry_after}
        return answer


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def default_description(status: int, retry_after: int | None) -> str:
    if status == 429 and retry_after is not None:
        return f"Too Many Requests: retry after {retry_after}"
    return DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
