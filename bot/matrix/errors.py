"""Matrix answers -> the engine's SendError (rate limits with their wait, refusals as permanent),
and the transaction ids that make a resent outbox row one event, not two."""

from __future__ import annotations

import logging
from typing import Any

import nio

from bot.engine.port import SendError

log = logging.getLogger("bot.matrix.transport")

_PERMANENT = {
    "M_FORBIDDEN",
    "M_NOT_FOUND",
    "M_BAD_JSON",
    "M_NOT_JSON",
    "M_INVALID_PARAM",
    "M_TOO_LARGE",
    "M_BAD_STATE",
    "M_UNSUPPORTED_ROOM_VERSION",
}


def txn_id(outbox_id: int, part: str = "") -> str:
    """The transaction id of an outbox row (and of a further event the same row makes)."""
    return f"ouderkring-{outbox_id}{part}"


def error_from(response: nio.ErrorResponse, what: str) -> SendError:
    code = response.status_code or ""
    reason = f"{what}: {code or 'error'} {response.message or ''}".strip()
    if code == "M_LIMIT_EXCEEDED" or code == "429":
        retry = (response.retry_after_ms or 5000) / 1000
        return SendError(reason, retry_after=retry)
    if code in _PERMANENT:
        return SendError(reason, permanent=True)
    if code == "M_UNKNOWN_TOKEN":
        log.error("the Matrix access token was refused; set OUDERKRING_MATRIX_ACCESS_TOKEN")
    return SendError(reason)


def http_status(response: nio.Response) -> int | None:
    transport = getattr(response, "transport_response", None)
    return getattr(transport, "status", None)


def ok(response: Any, what: str) -> Any:
    if isinstance(response, nio.ErrorResponse):
        raise error_from(response, what)
    return response
