"""Secrets in boot scripts: EC2 user data scanned in memory with Yelp's detect-secrets, kept as findings only.

A finding is the detector's kind and where it was found ("AWS Access Key", "user data line 2"): never the value,
never the user data. The collectors that read user data call ``scan_user_data`` on the answer and keep its result
instead of the text, so the text never reaches a resource, a snapshot or a log line.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import threading
from typing import Any

from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.settings import default_settings

# detect-secrets keeps its settings in a process-wide cache; collectors run in threads.
_LOCK = threading.Lock()
# The scanner's filters read the file name (a shell script's heuristics differ from a YAML file's); user data is
# most often a shell script or cloud-init, and neither has one.
_NAME = "user-data"


def user_data_text(encoded: str | None) -> str:
    """User data as AWS returns it (base64, sometimes gzip-compressed by cloud-init tooling) as text."""
    if not encoded:
        return ""
    try:
        raw = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        return encoded  # not base64 after all: scan it as it is
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            pass
    return raw.decode("utf-8", errors="replace")


def scan_text(text: str, where: str) -> list[dict[str, Any]]:
    """What detect-secrets finds in ``text``: one {kind, where} per detector and line, ``where`` naming the line."""
    lines = list(enumerate(text.splitlines(), 1))
    found: dict[tuple[str, int], None] = {}
    with _LOCK, default_settings():
        # The scan detect-secrets runs on a file's lines, with its default plugins AND its false-positive filters,
        # on text that never touches disk. Its public ad hoc scan (scan_line) skips those filters and flags ordinary
        # boot scripts, so this uses the file scan's own step; pyproject pins detect-secrets below 2 for that reason.
        for secret in _process_line_based_plugins(lines, _NAME):
            found[(secret.type, secret.line_number)] = None
    return [{"kind": kind, "where": f"{where} line {line}"} for kind, line in found]


def scan_user_data(encoded: str | None, where: str = "user data") -> list[dict[str, Any]]:
    """The secrets found in base64-encoded user data, as findings."""
    return scan_text(user_data_text(encoded), where)
