"""Resource policies as the checks read them: which statements let anyone in.

A statement is open to anyone when it allows a principal of "*" (or every account, "arn:aws:iam::*:root") and
no condition narrows it to an account, an organization, a source or a network path. A condition on anything else
(TLS, time, a header) does not say who may call, so the statement stays open.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# Condition keys that narrow who may call (AWS's global condition keys, any operator).
NARROWING_KEYS = frozenset(key.lower() for key in (
    "aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:ResourceAccount", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:userid", "aws:username",
    "kms:CallerAccount",  # KMS's own: the account of the caller, as in AWS managed keys' policies
))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(p == "*" or (isinstance(p, str) and p.startswith("arn:") and ":*:" in p)
                   for value in principal.values() for p in _listed(value))
    return False


def _narrowed(condition: Any) -> bool:
    if not isinstance(condition, Mapping):
        return False
    return any(isinstance(keys, Mapping) and any(k.lower() in NARROWING_KEYS for k in keys)
               for keys in condition.values())


def open_statements(policy: Any) -> list[Mapping[str, Any]]:
    """The Allow statements of a (parsed) policy document that let anyone call."""
    if not isinstance(policy, Mapping):
        return []
    statements: Iterable[Any] = _listed(policy.get("Statement") or [])
    return [s for s in statements if isinstance(s, Mapping) and s.get("Effect") == "Allow"
            and _anyone(s.get("Principal")) and not _narrowed(s.get("Condition"))]


def actions_of(statements: list[Mapping[str, Any]]) -> str:
    """The actions the statements allow, for evidence: "sqs:SendMessage, sqs:ReceiveMessage"."""
    actions = dict.fromkeys(str(a) for s in statements for a in _listed(s.get("Action") or "*"))
    return ", ".join(actions)


def denies_insecure_transport(policy: Any) -> bool:
    """Whether a (parsed) resource policy denies every action to anyone over a connection without TLS: a Deny of
    "*" (or "service:*") to principal "*" when aws:SecureTransport is false."""
    if not isinstance(policy, Mapping):
        return False
    for statement in _listed(policy.get("Statement") or []):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Deny":
            continue
        if not _anyone(statement.get("Principal")):
            continue
        if not any(a == "*" or str(a).endswith(":*") for a in _listed(statement.get("Action") or [])):
            continue
        for operator, keys in (statement.get("Condition") or {}).items():
            if operator.lower() not in ("bool", "boolifexists") or not isinstance(keys, Mapping):
                continue
            values = [str(v).lower() for key, value in keys.items() if key.lower() == "aws:securetransport"
                      for v in _listed(value)]
            if values == ["false"]:
                return True
    return False
