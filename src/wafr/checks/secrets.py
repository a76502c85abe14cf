"""Secrets Manager: rotation, and secrets nobody reads any more (from ListSecrets metadata; no value is read)."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.identity import as_of, days_since
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import SECRETSMANAGER_SECRET

UNUSED_AFTER_DAYS = 90  # Secrets Manager records the last access by day; a quarter without one is not a blip


@check(
    "secret-rotation-disabled",
    title="Secrets Manager secret is not rotated",
    pillar="security",
    focus_area="IAM",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC02-BP05"],
    remediation="Turn on automatic rotation for the secret (a managed rotation for RDS, Redshift and DocumentDB "
                "credentials, or a rotation function) on a schedule that matches the credential's sensitivity; where "
                "rotation is on but failing, fix it from the rotation function's logs.",
    resource_types=[SECRETSMANAGER_SECRET],
    needs=("secretsmanager",),
    bullet="Rotate the secrets {resources} automatically",
)
def secret_rotation_disabled(estate: Estate) -> Iterator[Result]:
    now = as_of(estate)
    for secret in estate.of_type(SECRETSMANAGER_SECRET):
        rules = secret.config.get("RotationRules") or {}
        every = rules.get("AutomaticallyAfterDays")
        schedule = f"every {every} days" if every else rules.get("ScheduleExpression") or "on a schedule"
        rotated = days_since(secret.config.get("LastRotatedDate"), now)
        last = f", last {rotated} days ago" if rotated is not None else ""
        if not secret.config.get("RotationEnabled"):
            changed = days_since(secret.config.get("LastChangedDate"), now)
            since = f"; last changed {changed} days ago" if changed is not None else ""
            yield fail(secret, f"Automatic rotation is off{since}.")
        elif every and rotated is not None and rotated > 2 * every:  # two missed rotations: it is failing
            yield fail(secret, f"Rotation is on ({schedule}) but last succeeded {rotated} days ago: it is failing.")
        else:
            yield passed(secret, f"Rotated automatically ({schedule}{last}).")


@check(
    "secret-unused",
    title="Secrets Manager secret has not been read for months",
    pillar="cost-optimization",
    focus_area="Resource management",
    risk="LOW",
    best_practices=["COST04-BP03", "SUS02-BP03"],
    remediation="Confirm nothing still needs the secret (CloudTrail GetSecretValue events), then schedule its "
                "deletion; a secret nobody reads still costs a monthly fee and still is a credential to protect.",
    resource_types=[SECRETSMANAGER_SECRET],
    needs=("secretsmanager",),
    bullet="Delete the secrets nobody has read for months ({resources})",
)
def secret_unused(estate: Estate) -> Iterator[Result]:
    now = as_of(estate)
    for secret in estate.of_type(SECRETSMANAGER_SECRET):
        accessed = days_since(secret.config.get("LastAccessedDate"), now)
        created = days_since(secret.config.get("CreatedDate"), now)
        if accessed is not None and accessed > UNUSED_AFTER_DAYS:
            yield fail(secret, f"Last read {accessed} days ago.")
        elif accessed is None and created is not None and created > UNUSED_AFTER_DAYS:
            yield fail(secret, f"Never read since it was created {created} days ago.")
        elif accessed is not None:
            yield passed(secret, f"Last read {accessed} days ago.")
        elif created is not None:
            yield passed(secret, f"Created {created} days ago, within {UNUSED_AFTER_DAYS} days; not read yet.")
        else:
            yield not_assessed(secret, "ListSecrets reported neither a last access nor a creation date.")
