"""S3 buckets: bucket policies (open to anyone, TLS not required), ACLs, versioning, lifecycle, server access
logging, copies of production data (replication, AWS Backup), default encryption, and Block Public Access on the
account and the buckets."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.data_stores import AT_REST_RISK, KeyDirectory, selects
from wafr.checks.policies import actions_of, denies_insecure_transport, open_statements
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import BACKUP_PLAN, S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, S3_BUCKET


def enabled_rules(bucket: Resource) -> list[dict[str, Any]]:
    return [r for r in bucket.config.get("LifecycleRules") or [] if r.get("Status") == "Enabled"]


def versioning(bucket: Resource) -> str:
    """Enabled, Suspended, or Off (never turned on)."""
    return (bucket.config.get("Versioning") or {}).get("Status") or "Off"


def restricted_by_block(estate: Estate, bucket: Resource) -> bool:
    """Whether RestrictPublicBuckets (on the bucket or its account) keeps a public policy from taking effect."""
    accounts = [s for s in estate.of_type(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK) if s.account == bucket.account]
    blocks = [bucket.config.get("PublicAccessBlockConfiguration")] + [
        s.config.get("PublicAccessBlockConfiguration") for s in accounts]
    return any((block or {}).get("RestrictPublicBuckets") for block in blocks)


@check(
    "s3-bucket-policy-public",
    title="S3 bucket policy lets anyone in",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC03-BP07", "SEC08-BP04"],
    remediation="Remove the statements that allow principal \"*\", or narrow them with aws:PrincipalOrgID, "
                "aws:SourceArn or aws:SourceVpce; serve public content through CloudFront with origin access control, "
                "and keep Block Public Access on.",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Close the bucket policy of {resources} to anyone outside the accounts that use it",
)
def s3_bucket_policy_public(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        policy = bucket.config.get("Policy")
        statements = open_statements(policy)
        if why := unread(bucket, "GetBucketPolicy") or unread(bucket, "GetBucketPolicy (not JSON)"):
            yield not_assessed(bucket, why)
        elif not statements:
            yield passed(bucket, "No statement of the bucket policy lets anyone in without a condition on who calls."
                         if policy else "The bucket has no bucket policy.")
        elif restricted_by_block(estate, bucket):
            yield fail(bucket, f"The bucket policy allows anyone {actions_of(statements)}; RestrictPublicBuckets "
                               "blocks it for now, but turning Block Public Access off would make it public.",
                       risk="LOW")
        else:
            yield fail(bucket, f"The bucket policy allows anyone ({len(statements)} statement(s) with principal \"*\" "
                               f"and no account, organization or network condition) {actions_of(statements)}.")


@check(
    "s3-bucket-tls-not-enforced",
    title="S3 bucket accepts requests without TLS",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Add a bucket policy statement that denies s3:* to principal \"*\" when aws:SecureTransport is false "
                "(and, where required, when s3:TlsVersion is below 1.2).",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Deny requests without TLS in the bucket policy of {resources}",
)
def s3_bucket_tls_not_enforced(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        if why := unread(bucket, "GetBucketPolicy") or unread(bucket, "GetBucketPolicy (not JSON)"):
            yield not_assessed(bucket, why)
        elif denies_insecure_transport(bucket.config.get("Policy")):
            yield passed(bucket, "The bucket policy denies every request made without TLS (aws:SecureTransport).")
        else:
            yield fail(bucket, "No bucket policy statement denies requests without TLS: clients can read and write "
                               "over plain HTTP." if bucket.config.get("Policy") else
                               "The bucket has no policy, so nothing denies requests without TLS.")


@check(
    "s3-bucket-acls-enabled",
    title="S3 bucket still honours access control lists",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP04"],
    remediation="Set Object Ownership to BucketOwnerEnforced: ACLs are disabled, the bucket owner owns every object, "
                "and access is granted by policies alone (first move any grants the ACLs carry into the bucket "
                "policy).",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Disable ACLs on {resources} (Object Ownership BucketOwnerEnforced)",
)
def s3_bucket_acls_enabled(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        rules = (bucket.config.get("OwnershipControls") or {}).get("Rules") or []
        ownership = next((r.get("ObjectOwnership") for r in rules if r.get("ObjectOwnership")), None)
        if why := unread(bucket, "GetBucketOwnershipControls"):
            yield not_assessed(bucket, why)
        elif ownership == "BucketOwnerEnforced":
            yield passed(bucket, "Object Ownership is BucketOwnerEnforced: ACLs are disabled.")
        else:
            yield fail(bucket, f"Object Ownership is {ownership or 'not set (ObjectWriter)'}: bucket and object ACLs "
                               "still grant access, alongside and unseen by the bucket policy.")


@check(
    "s3-bucket-versioning-off",
    title="Production S3 bucket is not versioned",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="LOW", dev="LOW"),
    best_practices=["SEC08-BP04"],
    remediation="Turn on versioning so an overwritten or deleted object can be restored, expire noncurrent versions "
                "with a lifecycle rule, and consider Object Lock for data that must not be deleted (backups, audit "
                "logs).",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Turn on versioning for the production buckets {resources}",
)
def s3_bucket_versioning_off(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        status = versioning(bucket)
        lock = (bucket.config.get("ObjectLockConfiguration") or {}).get("ObjectLockEnabled") == "Enabled"
        if why := unread(bucket, "GetBucketVersioning"):
            yield not_assessed(bucket, why)
        elif status == "Enabled":
            mfa = (bucket.config.get("Versioning") or {}).get("MFADelete") == "Enabled"
            extras = [name for name, on in (("MFA delete", mfa), ("Object Lock", lock)) if on]
            yield passed(bucket, "Versioning is Enabled" + (f", with {' and '.join(extras)}." if extras else "."))
        elif not estate.in_production(bucket):
            yield passed(bucket, f"Versioning is {status}, acceptable in {estate.environment_of(bucket)}.")
        else:
            yield fail(bucket, f"Versioning is {status} on a {estate.environment_of(bucket)} bucket: an overwrite or delete "
                               "destroys the only copy of an object.")


@check(
    "s3-bucket-no-lifecycle",
    title="S3 bucket has no lifecycle rule or Intelligent-Tiering",
    pillar="sustainability",
    focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP03", "SEC07-BP04"],
    remediation="Add lifecycle rules that move data to colder storage classes (or S3 Intelligent-Tiering) as it "
                "ages and expire what the retention policy no longer requires.",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Add lifecycle rules or Intelligent-Tiering to {resources}",
)
def s3_bucket_no_lifecycle(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        rules = enabled_rules(bucket)
        tiering = [t.get("Id", "?") for t in bucket.config.get("IntelligentTiering") or []
                   if t.get("Status") == "Enabled"]
        found = ([f"{len(rules)} enabled lifecycle rule(s)"] if rules else []) + (
            [f"Intelligent-Tiering configuration(s) {', '.join(tiering)}"] if tiering else [])
        why = unread(bucket, "GetBucketLifecycleConfiguration") or unread(
            bucket, "ListBucketIntelligentTieringConfigurations")
        if found:
            yield passed(bucket, f"Data ages out under {' and '.join(found)}.")
        elif why:
            yield not_assessed(bucket, why)
        else:
            yield fail(bucket, "No enabled lifecycle rule and no Intelligent-Tiering configuration: every object stays "
                               "in its storage class, and is kept, until someone deletes it.")


@check(
    "s3-noncurrent-versions-kept-forever",
    title="Versioned S3 bucket keeps noncurrent versions forever",
    pillar="cost-optimization",
    focus_area="Resource management",
    risk="LOW",
    best_practices=["COST04-BP05", "SUS04-BP05"],
    remediation="Add a lifecycle rule with NoncurrentVersionExpiration (keeping a few newer versions, if needed) and "
                "AbortIncompleteMultipartUpload, so overwritten and deleted objects stop accruing storage.",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Expire the noncurrent object versions of {resources}",
)
def s3_noncurrent_versions_kept_forever(estate: Estate) -> Iterator[Result]:
    for bucket in estate.of_type(S3_BUCKET):
        if versioning(bucket) == "Off":
            continue  # nothing is kept as a noncurrent version
        expiring = [r for r in enabled_rules(bucket) if (r.get("NoncurrentVersionExpiration") or {}).get(
            "NoncurrentDays")]
        if why := unread(bucket, "GetBucketLifecycleConfiguration"):
            yield not_assessed(bucket, why)
        elif expiring:
            days = min(r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in expiring)
            yield passed(bucket, f"Noncurrent versions expire after {days} day(s) "
                                 f"(rule {expiring[0].get('ID') or expiring[0].get('Id') or '?'}).")
        else:
            yield fail(bucket, f"Versioning is {versioning(bucket)} and no enabled lifecycle rule expires noncurrent "
                               "versions: every overwritten or deleted object is stored, and paid for, for good.")


@check(
    "s3-bucket-access-logging-off",
    title="S3 bucket has no server access logging",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Turn on server access logging to a separate log bucket (or CloudTrail data events for the bucket) so "
                "who read, wrote and deleted which object can be investigated.",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet="Turn on server access logging for {resources}",
)
def s3_bucket_access_logging_off(estate: Estate) -> Iterator[Result]:
    buckets = list(estate.of_type(S3_BUCKET))
    log_targets = {(b.config.get("LoggingEnabled") or {}).get("TargetBucket") for b in buckets} - {None}
    for bucket in buckets:
        log = bucket.config.get("LoggingEnabled") or {}
        if why := unread(bucket, "GetBucketLogging"):
            yield not_assessed(bucket, why)
        elif log.get("TargetBucket"):
            where = "/".join(part for part in (log["TargetBucket"], log.get("TargetPrefix", "")) if part)
            yield passed(bucket, f"Server access logs go to {where}.")
        elif bucket.name in log_targets:
            continue  # a log bucket logging itself would log its own log deliveries, without end
        else:
            yield fail(bucket, "Server access logging is off: requests to the bucket's objects leave no record "
                               "outside CloudTrail data events.")


@check(
    "s3-production-bucket-without-copy",
    title="Production S3 bucket is neither replicated nor backed up",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL09-BP01", "REL09-BP03"],
    remediation="Unless its data can be reproduced from sources, give the bucket a copy: S3 Replication to a bucket in "
                "another account or Region (with delete marker replication off and versioning on both sides), or an "
                "AWS Backup plan that selects it; add Object Lock where the copy must survive a compromised account.",
    resource_types=[S3_BUCKET],
    needs=("s3", "backup"),
    bullet="Replicate or back up the production buckets {resources}",
)
def s3_production_bucket_without_copy(estate: Estate) -> Iterator[Result]:
    plans = list(estate.of_type(BACKUP_PLAN))
    buckets = list(estate.of_type(S3_BUCKET))
    sources = {_replication_target(r): b.name for b in buckets for r in _replication_rules(b)}
    for bucket in buckets:
        if not estate.in_production(bucket):
            continue
        rules = _replication_rules(bucket)
        here = [p for p in plans if p.account == bucket.account and p.region == bucket.region]
        backed_up = [p for p in here if any(selects(s, bucket) for s in p.config.get("BackupSelections") or [])]
        if rules:
            yield passed(bucket, f"Replicated to {', '.join(sorted({_replication_target(r) for r in rules}))}.")
        elif bucket.name in sources:
            yield passed(bucket, f"It is the replica of {sources[bucket.name]}: the copy, not the original.")
        elif backed_up:
            yield passed(bucket, f"Selected by the AWS Backup plan {backed_up[0].label}.")
        elif why := unread(bucket, "GetBucketReplication"):
            yield not_assessed(bucket, why)
        elif not estate.assessed(bucket.account, bucket.region, "backup"):
            yield not_assessed(bucket, estate.gap(bucket.account, bucket.region, "backup") or (
                f"AWS Backup was not read in {bucket.region}, so whether a plan selects it is unknown"))
        elif any("BackupSelections" not in p.config or unread(p, "ListBackupSelections") for p in here):
            yield not_assessed(bucket, "the resource selections of the AWS Backup plans in its Region could not be "
                                       "read, so whether one selects it is unknown")
        else:
            yield fail(bucket, "No replication rule and no AWS Backup plan copies this production bucket: its "
                               f"objects exist only here{' (versioned)' if versioning(bucket) == 'Enabled' else ''}.")


def _replication_rules(bucket: Resource) -> list[dict[str, Any]]:
    return [r for r in (bucket.config.get("ReplicationConfiguration") or {}).get("Rules") or []
            if r.get("Status") == "Enabled"]


def _replication_target(rule: dict[str, Any]) -> str:
    """The destination bucket's name, from its ARN."""
    return str((rule.get("Destination") or {}).get("Bucket", "?")).rsplit(":", 1)[-1]


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@check(
    "s3-bucket-default-encryption",
    title="S3 bucket has no default encryption configured",
    pillar="security",
    focus_area="Encryption at rest",
    risk=AT_REST_RISK,
    best_practices=["SEC08-BP02", "SEC08-BP03"],
    remediation="Set the bucket's default encryption (SSE-KMS with a customer managed key and S3 Bucket Keys for "
                "sensitive data, SSE-S3 otherwise) and deny unencrypted uploads in the bucket policy.",
    resource_types=[S3_BUCKET],
    needs=("s3",),
    bullet=("Set default encryption on the S3 bucket {resources}",
            "Set default encryption on the S3 buckets {resources}"),
)
def s3_bucket_default_encryption(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory(estate)
    for bucket in estate.of_type(S3_BUCKET):
        if "GetBucketEncryption" in bucket.errors:
            yield not_assessed(bucket, f"GetBucketEncryption failed ({bucket.errors['GetBucketEncryption']})")
            continue
        rules = (bucket.config.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
        algorithm = next((d.get("SSEAlgorithm") for d in defaults if d.get("SSEAlgorithm")), None)
        if algorithm is None:
            # AWS has applied SSE-S3 to every bucket since January 2023, so this is rare on AWS itself; emulators
            # and very old tooling still show it, and then uploads without encryption headers stay unencrypted.
            yield fail(bucket, "No default encryption configuration: objects uploaded without encryption headers are "
                               "stored unencrypted.")
        elif algorithm == "AES256":
            yield passed(bucket, "Default encryption is SSE-S3 (keys managed by S3).")
        else:
            key = next((d.get("KMSMasterKeyID") for d in defaults if d.get("KMSMasterKeyID")), None)
            yield passed(bucket, f"Default encryption is {algorithm} with "
                                 f"{keys.describe(bucket, key) if key else 'the AWS managed key aws/s3'}.")


@check(
    "s3-public-access-block-off",
    title="S3 Block Public Access is not fully on",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM", staging="MEDIUM", dev="LOW"),
    best_practices=["SEC08-BP04", "SEC03-BP07"],
    remediation="Turn on all four Block Public Access settings at the account level (and on each bucket); serve "
                "public content through CloudFront with origin access control instead of a public bucket.",
    resource_types=[S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, S3_BUCKET],
    needs=("s3", "s3-account"),
    bullet="Turn on S3 Block Public Access for {resources}",
)
def s3_public_access_block_off(estate: Estate) -> Iterator[Result]:
    account_flags: dict[str, set[str]] = {}
    for setting in estate.of_type(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK):
        account_flags[setting.account] = on = _flags_on(setting.config.get("PublicAccessBlockConfiguration"))
        missing = [f for f in PUBLIC_ACCESS_FLAGS if f not in on]
        if missing:
            yield fail(setting, f"Account-level Block Public Access has {', '.join(missing)} off"
                                f"{'' if on else ' (no account-level configuration at all)'}.")
        else:
            yield passed(setting, "All four account-level Block Public Access settings are on.")
    for bucket in estate.of_type(S3_BUCKET):
        from_account = account_flags.get(bucket.account)
        if from_account is not None and len(from_account) == len(PUBLIC_ACCESS_FLAGS):
            yield passed(bucket, "Public access is blocked by the account-level settings.")
            continue
        if "GetPublicAccessBlock" in bucket.errors:
            yield not_assessed(bucket, f"GetPublicAccessBlock failed ({bucket.errors['GetPublicAccessBlock']})")
            continue
        effective = _flags_on(bucket.config.get("PublicAccessBlockConfiguration")) | (from_account or set())
        missing = [f for f in PUBLIC_ACCESS_FLAGS if f not in effective]
        if not missing:
            yield passed(bucket, "All four Block Public Access settings are on for the bucket.")
        elif from_account is None:
            gap = estate.gap(bucket.account, GLOBAL, "s3-account") or "the account-level setting was not read"
            yield not_assessed(bucket, f"{', '.join(missing)} off on the bucket, and the account-level setting is "
                                       f"unknown: {gap}")
        else:
            yield fail(bucket, f"{', '.join(missing)} off on both the bucket and the account: a bucket policy or ACL "
                               "can make objects public.")


def _flags_on(configuration: dict[str, Any] | None) -> set[str]:
    return {f for f in PUBLIC_ACCESS_FLAGS if (configuration or {}).get(f)}
