"""The read-only guard: a botocore event hook that refuses any operation that is not a read.

It is installed on every session wafr creates, so no code path (collector, demo scan, plugin) can call a
mutating API through it, whatever its IAM permissions would allow.
"""

from __future__ import annotations

import re
from typing import Any

# Configuration reads only: Scan/Query/Select read a customer's data, which a review has no business reading.
_READ_NAME = re.compile(r"^(Describe|List|Get|BatchGet|Lookup|Search)[A-Z]")
# Reads whose names do not say so: IAM builds its credential report on request, and STS hands out the
# temporary credentials an organization scan reads with. Neither changes the account's resources.
READ_OPERATIONS = frozenset({"GenerateCredentialReport", "AssumeRole"})
# Reads by name that return secrets or data rather than configuration.
SECRET_READS = frozenset({
    "GetSecretValue", "BatchGetSecretValue", "GetParameter", "GetParameters", "GetParametersByPath",
    "GetObject", "GetObjectTorrent", "GetRandomPassword",
})


class ReadOnlyViolation(RuntimeError):
    """wafr tried to call an AWS operation that is not a read."""


def is_read_operation(operation: str) -> bool:
    if operation in SECRET_READS:
        return False
    return bool(_READ_NAME.match(operation)) or operation in READ_OPERATIONS


def _refuse_writes(model: Any = None, **_: Any) -> None:
    operation = getattr(model, "name", "")
    if not is_read_operation(operation):
        service = getattr(getattr(model, "service_model", None), "service_name", "?")
        raise ReadOnlyViolation(f"wafr is read-only and refused {service}:{operation}")


def install(events: Any) -> None:
    """Register the guard on a botocore event system (a boto3 Session's ``events``)."""
    events.register("before-parameter-build.*.*", _refuse_writes, unique_id="wafr-read-only-guard")
