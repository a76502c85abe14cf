"""How an AWS error maps to coverage: denied, unsupported, skipped or failed, with a one-line reason.

The reason is quoted in coverage and in findings' evidence, so it is built from the error's code and a
one-line message only: never a response body (an emulator's HTML error page, a proxy's banner).
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    UnknownEndpointError,
)
from botocore.parsers import ResponseParserError

DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired",
    "SubscriptionRequiredException", "UnauthorizedException",
})
UNSUPPORTED_CODES = frozenset({
    "UnknownOperationException", "InvalidAction", "UnsupportedOperation", "NotImplemented",
    "UnsupportedOperationException",
})
MESSAGE_LENGTH = 200
_HTML = re.compile(r"<\s*(!doctype\s+html|html|head|body|title)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def error_code(error: BaseException) -> str:
    """The AWS error code of a failed call ("AccessDenied"), or "Error" when it has none."""
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "") or "Error"
    if isinstance(error, NotImplementedError):  # an emulator without the API
        return "NotImplemented"
    return type(error).__name__


def one_line(text: str, limit: int = MESSAGE_LENGTH) -> str:
    """A message fit to quote: its first line, without control characters or markup pages, at most ``limit``."""
    if _HTML.search(text):
        return "an HTML error page (not an AWS API response)"
    first = next((line for line in text.splitlines() if line.strip()), "")
    printable = "".join(c if c.isprintable() else " " for c in first)
    flat = _SPACE.sub(" ", printable).strip()
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def _client_error(error: ClientError) -> tuple[str, str]:
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    status_code = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = one_line(str(details.get("Message", "") or ""))
    label = code or (f"HTTP {status_code}" if status_code else "Error")
    reason = f"{label}: {message}" if message else label
    if code in DENIED_CODES:
        return "denied", reason
    if code in UNSUPPORTED_CODES or "not yet implemented" in message.lower() or (status_code == 404 and not code):
        return "unsupported", reason
    return "failed", reason


class NotEnabled(Exception):
    """Raised by a collector when the account answers that the service is off for it (not opted in, a support
    plan without the API): recorded as coverage ``not-enabled`` with the message, never as a denial."""


def classify(error: BaseException) -> tuple[str, str]:
    """(coverage status, one-line reason) for an exception raised while collecting."""
    if isinstance(error, NotEnabled):
        return "not-enabled", one_line(str(error))
    if isinstance(error, ClientError):
        return _client_error(error)
    if isinstance(error, NotImplementedError):
        return "unsupported", f"API not implemented by this endpoint: {one_line(str(error))}"
    if isinstance(error, UnknownEndpointError):  # botocore's endpoint data has no such service in the region
        return "skipped", f"not offered in this region: {one_line(str(error))}"
    if isinstance(error, EndpointConnectionError):  # refused, or no such host: the service should be there
        return "failed", f"could not connect: {one_line(str(error))}"
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return "failed", f"timed out: {one_line(str(error))}"
    if isinstance(error, ResponseParserError):
        return "failed", f"unreadable response: {one_line(str(error))}"
    if isinstance(error, NoCredentialsError):
        return "denied", "no credentials"
    return "failed", f"{type(error).__name__}: {one_line(str(error))}"
