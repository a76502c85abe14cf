"""How an AWS error maps to coverage: denied, unsupported or failed."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    UnknownEndpointError,
)

DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired",
    "SubscriptionRequiredException", "UnauthorizedException",
})
UNSUPPORTED_CODES = frozenset({
    "UnknownOperationException", "InvalidAction", "UnsupportedOperation", "NotImplemented",
    "UnsupportedOperationException",
})


def error_code(error: BaseException) -> str:
    """The AWS error code of a failed call ("AccessDenied"), or "Error" when it has none."""
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "") or "Error"
    if isinstance(error, NotImplementedError):  # an emulator without the API
        return "NotImplemented"
    return type(error).__name__


def classify(error: BaseException) -> tuple[str, str]:
    """(coverage status, one-line reason) for an exception raised while collecting."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        status_code = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in DENIED_CODES:
            return "denied", f"{code}: {message}"[:300]
        if code in UNSUPPORTED_CODES or "not yet implemented" in message.lower() or (
            status_code == 404 and not code
        ):
            return "unsupported", f"{code or status_code}: {message}"[:300]
        return "failed", f"{code}: {message}"[:300]
    if isinstance(error, NotImplementedError):
        return "unsupported", f"API not implemented by this endpoint: {error}"[:300]
    if isinstance(error, (EndpointConnectionError, UnknownEndpointError)):
        return "unsupported", f"service not reachable in this region: {error}"[:300]
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return "failed", f"timed out: {error}"[:300]
    if isinstance(error, NoCredentialsError):
        return "denied", "no credentials"
    return "failed", f"{type(error).__name__}: {error}"[:300]
