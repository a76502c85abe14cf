"""The allowlist guard: a botocore event hook that lets a session call only the operations declared for it.

A scan's sessions are guarded with the scan's allowlist: the (service, operation) pairs that the collectors,
metric collection and account discovery declare, the same set ``wafr iam-policy`` grants. Any other call
raises ReadOnlyViolation before a request is built, whatever the credentials would allow; so does an
operation that returns secrets or customer data (SECRET_READS), even if it was declared by mistake; the few
exceptions (SCANNED_READS) are named by service and operation, each read only to be scanned in memory.

An operation is named as botocore names it, ``(service, operation)``: the boto3 client name and the API's
operation name, e.g. ``("elbv2", "DescribeListeners")``. IAM's names for the same call (policy.py) are derived
from these, so the policy and the guard cannot drift apart.

For a session that must write (e.g. to the Well-Architected Tool), guard it with its own declared set::

    allowed = guard.operations("wellarchitected:CreateWorkload", "wellarchitected:UpdateAnswer")
    guard.install(session.events, allowed)

API: ``reads(*names)`` and ``operations(*names)`` parse "service:Operation" declarations (``reads`` also
insists each is a read by name); ``install(events, allowed)`` guards a boto3 Session's event system;
``allowlist.scan_allowlist()`` is everything a scan may call; ``is_allowed(allowed, service, operation)`` is the rule.
A session is guarded once: a second ``install`` on the same event system is ignored, so the first set stands.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

Operation = tuple[str, str]  # (botocore service name, operation name)

# A read by its name. Scan/Query/Select read a customer's data, which a review has no business reading.
_READ_NAME = re.compile(r"^(Describe|List|Get|BatchGet|Lookup|Search)[A-Z]")
# Reads whose names do not say so: STS hands out the temporary credentials an organization scan reads with.
READ_OPERATIONS = frozenset({"AssumeRole", "GenerateCredentialReport"})
# Operations that return secrets, credentials, code or customer data rather than configuration, or that change
# state behind a read's name. Refused in every session, declared or not. Matched by operation name in any
# service: a name that means this in one service is kept out of all of them.
SECRET_READS = frozenset({
    # secrets and parameters
    "GetSecretValue", "BatchGetSecretValue", "GetRandomPassword", "GetParameter", "GetParameters",
    "GetParametersByPath", "GetParameterHistory",
    # credentials and tokens
    "GetSessionToken", "GetFederationToken", "GetAuthorizationToken", "GetCredentialsForIdentity", "GetId",
    "GetOpenIdToken", "GetOpenIdTokenForDeveloperIdentity", "GetRoleCredentials", "GetPasswordData",
    "GetChangeToken", "GetClusterCredentials", "GetClusterCredentialsWithIAM", "GenerateDataKey",
    # customer data: objects, items, logs, query results
    "GetObject", "GetObjectTorrent", "SelectObjectContent", "GetItem", "BatchGetItem", "Scan", "Query",
    "ExecuteStatement", "BatchExecuteStatement", "GetLogEvents", "FilterLogEvents", "GetQueryResults",
    "GetRecords", "GetShardIterator", "ReceiveMessage", "GetMedia",
    # code, templates and user data that carry embedded values
    "GetFunction", "GetFunctionConfiguration", "GetTemplate", "BatchGetProjects", "GetLaunchTemplateData",
    "DescribeLaunchTemplateVersions", "DescribeInstanceAttribute", "GetConsoleOutput", "GetConsoleScreenshot",
})
# The exceptions, by service and operation (the name stays refused in every other service): EC2 user data and
# launch template versions are the only place a boot script's embedded credentials can be found, and finding them
# is a review's job (SEC02-BP03). Their one caller, the EC2 collectors, hands the answer straight to the secret
# scanner (wafr.sources.aws.secret_scan) in memory and keeps only what was found where ("AWS Access Key, user data
# line 2"), never the user data or a value; DescribeInstanceAttribute is also how an instance's other attributes
# are read. CodeBuild's BatchGetProjects is the only read of a build project's settings (privileged mode, source,
# variable types): its collector keeps each environment variable's name, type and a looks-secret hint taken in memory,
# and of the buildspec only where it lives and whether it builds images or runs tests, never a value or a command.
# Nothing else may be added here without a scanner in front of it.
SCANNED_READS: frozenset[Operation] = frozenset({
    ("ec2", "DescribeInstanceAttribute"), ("ec2", "DescribeLaunchTemplateVersions"),
    ("codebuild", "BatchGetProjects"),
})


class ReadOnlyViolation(RuntimeError):
    """wafr tried to call an AWS operation its session did not declare."""


def is_read_operation(operation: str) -> bool:
    """A configuration read by its name (and not one that returns secrets or data)."""
    if operation in SECRET_READS:
        return False
    return bool(_READ_NAME.match(operation)) or operation in READ_OPERATIONS


def operations(*names: str) -> frozenset[Operation]:
    """Parse "service:Operation" declarations; a secret or data read is refused here, at declaration."""
    parsed = set()
    for name in names:
        service, _, operation = name.partition(":")
        if not service or not re.fullmatch(r"[A-Z][A-Za-z0-9]+", operation):
            raise ValueError(f"{name!r} is not a 'service:Operation' declaration (e.g. 'ec2:DescribeVpcs')")
        if returns_secrets(service, operation):
            raise ValueError(f"{name} returns secrets or data and may not be declared")
        parsed.add((service, operation))
    return frozenset(parsed)


def reads(*names: str) -> frozenset[Operation]:
    """Parse declarations that must all be reads: what a scan declares."""
    declared = operations(*names)
    writes = sorted(f"{s}:{o}" for s, o in declared if not is_read_operation(o) and (s, o) not in SCANNED_READS)
    if writes:
        raise ValueError(f"a scan declares reads only, not {', '.join(writes)}")
    return declared


def returns_secrets(service: str, operation: str) -> bool:
    """A read of secrets or data that no scan may make: named in SECRET_READS and not one of the SCANNED_READS."""
    return operation in SECRET_READS and (service, operation) not in SCANNED_READS


def is_allowed(allowed: frozenset[Operation], service: str, operation: str) -> bool:
    return not returns_secrets(service, operation) and (service, operation) in allowed


def install(events: Any, allowed: Iterable[Operation]) -> None:
    """Guard a botocore event system (a boto3 Session's ``events``): only ``allowed`` operations pass."""
    allowed = frozenset(allowed)
    secret = sorted(f"{s}:{o}" for s, o in allowed if returns_secrets(s, o))
    if secret:
        raise ValueError(f"refusing to allow secret or data reads: {', '.join(secret)}")

    def refuse_undeclared(model: Any = None, **_: Any) -> None:
        operation = getattr(model, "name", "")
        service = getattr(getattr(model, "service_model", None), "service_name", "?")
        if not is_allowed(allowed, service, operation):
            raise ReadOnlyViolation(f"wafr refused {service}:{operation}: not an operation this session declared")

    events.register("before-parameter-build.*.*", refuse_undeclared, unique_id="wafr-allowlist-guard")
