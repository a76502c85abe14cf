"""Secret values never leave the collector: environment variables keep their names, arguments their count.

Which variables *looked* like credentials is computed before the values are dropped, so the plaintext-secret
check can still judge a snapshot that holds no secret.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

REDACTED = "<redacted>"
# Names that say "this holds a credential" ...
_SECRET_NAME = re.compile(r"PASS(WORD|WD)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|SIGNING_?KEY",
                          re.IGNORECASE)
# ... unless the variable only points at where the secret is kept (a reference is the good practice).
_REFERENCE_NAME = re.compile(r"_(ARN|NAME|ID|PATH|FILE|PARAM|PARAMETER|REF|URL|LOCATION)$", re.IGNORECASE)
_REFERENCE_VALUE = re.compile(r"^(arn:|\{\{resolve:|ssm:|secretsmanager:)", re.IGNORECASE)
# Values shaped like a credential whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM private keys
    r"|\b(AKIA|ASIA)[A-Z0-9]{16}\b"  # AWS access key ids (their secret is usually beside them)
    r"|^(?=.*[A-Z])(?=.*[a-z])[A-Za-z0-9/+]{40}$"  # AWS secret access keys (mixed case: not a git SHA)
    r"|://[^/\s:@]+:[^/\s@]+@"  # URLs with a password in them
    r"|\b(ghp|gho|ghs|github_pat|glpat|xox[abprs]|sk_live|rk_live)[-_][A-Za-z0-9_-]{10,}"  # well-known token prefixes
)
# Log-driver options that never carry credentials; every other option value is redacted.
_SAFE_OPTION = re.compile(r"^(awslogs-.*|mode|max-buffer-size|Name|region|log_group_name|log_stream_prefix"
                          r"|log_stream_name|auto_create_group|delivery_stream|stream|tag)$")


def looks_secret(name: str, value: str) -> bool:
    """A cheap hint that a plaintext variable holds a credential, from its name or the shape of its value."""
    value = value or ""
    if not value.strip() or _REFERENCE_VALUE.match(value):
        return False
    if _SECRET_VALUE.search(value):
        return True
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)


def redact_variables(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Environment variables as names only; the secret hint is computed before the value is dropped."""
    return [{"name": name, "valueRedacted": True, "_looksSecret": looks_secret(name, value)} for name, value in pairs]


def _redact_options(options: dict[str, str] | None) -> dict[str, str]:
    return {k: (v if _SAFE_OPTION.match(k) else REDACTED) for k, v in (options or {}).items()}


def redact_container(container: dict[str, Any]) -> dict[str, Any]:
    """A container definition without any value that could carry a secret (``secrets`` are references: kept)."""
    clean = dict(container)
    clean["environment"] = redact_variables((e.get("name", ""), e.get("value", ""))
                                            for e in container.get("environment", []))
    for key in ("command", "entryPoint"):  # arguments often carry passwords; their count is kept
        if key in clean:
            clean[key] = [REDACTED] * len(clean[key])
    if "healthCheck" in clean:
        command = clean["healthCheck"].get("command", [])
        clean["healthCheck"] = {**clean["healthCheck"], "command": command[:1] + [REDACTED] * len(command[1:])}
    if "dockerLabels" in clean:
        clean["dockerLabels"] = dict.fromkeys(clean["dockerLabels"], REDACTED)
    for key in ("logConfiguration", "firelensConfiguration"):
        if clean.get(key, {}).get("options"):
            clean[key] = {**clean[key], "options": _redact_options(clean[key]["options"])}
    return clean
