"""Retries that cannot help, cut short.

botocore retries a 5xx and a failed connection up to the client's ``max_attempts`` with growing back-off, which
is right for AWS under load. Two failures do not heal that way: an HTML error page from something that is not
AWS (an emulator or proxy without the API) and a refused connection. Those get one retry, so one missing API
does not add seconds to every scan; throttling and AWS's own 5xx keep the full budget.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import EndpointConnectionError

HOPELESS_RETRIES = 1  # retries for a failure that a retry is unlikely to fix


def is_foreign_error_page(http_response: Any) -> bool:
    """A 5xx whose body is an HTML page: AWS answers errors in XML or JSON, never HTML."""
    if http_response is None or getattr(http_response, "status_code", 0) < 500:
        return False
    content_type = (http_response.headers or {}).get("Content-Type", "") or ""
    body = (http_response.content or b"")[:64].lstrip().lower()
    return "html" in content_type.lower() or body.startswith((b"<!doctype html", b"<html"))


def _hopeless(response: Any = None, caught_exception: Any = None) -> bool:
    if isinstance(caught_exception, EndpointConnectionError):  # refused, or no such host
        return True
    return response is not None and is_foreign_error_page(response[0])


def _cut_short(attempts: int = 1, response: Any = None, caught_exception: Any = None, **_: Any) -> bool | None:
    """False (no retry) once a hopeless failure has had its retry; None leaves the decision to botocore."""
    if attempts > HOPELESS_RETRIES and _hopeless(response, caught_exception):
        return False
    return None


def install(events: Any) -> None:
    """Register on a boto3 Session's events, before any client is created (clients copy the hooks)."""
    # "needs-retry.*.*" is more specific than botocore's own "needs-retry.<service>", so it is asked first.
    events.register("needs-retry.*.*", _cut_short, unique_id="wafr-hopeless-retries")
