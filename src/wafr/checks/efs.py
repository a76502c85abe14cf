"""EFS file systems: encryption at rest and in transit, who the file system policy lets in, backups, placement
across Availability Zones, and storage that ages into colder classes and throughput that follows demand."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.data_stores import KeyDirectory, selects
from wafr.checks.policies import actions_of, denies_insecure_transport, open_statements
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import BACKUP_PLAN, EFS_FILE_SYSTEM


def one_zone(fs: Resource) -> str | None:
    """The Availability Zone of a One Zone file system; None for a Regional one."""
    return fs.config.get("AvailabilityZoneName") or None


@check(
    "efs-not-encrypted",
    title="EFS file system is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC08-BP02"],
    remediation="EFS cannot encrypt a file system in place: create an encrypted one (a customer managed KMS key for "
                "sensitive data), copy the data with AWS DataSync, and move the mounts; enforce "
                "elasticfilesystem:Encrypted in an SCP or IAM policy for new file systems.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Move the data of {resources} to encrypted file systems",
)
def efs_not_encrypted(estate: Estate) -> Iterator[Result]:
    keys = KeyDirectory.of(estate)
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        key = fs.config.get("KmsKeyId")
        if fs.config.get("Encrypted"):
            yield passed(fs, f"Encrypted with {keys.describe(fs, key) if key else 'the AWS managed key'}.")
        else:
            yield fail(fs, "Encrypted is false: files, metadata and backups of it are stored unencrypted.")


@check(
    "efs-tls-not-enforced",
    title="EFS file system accepts mounts without TLS",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Add a file system policy that denies every action to principal \"*\" when aws:SecureTransport is "
                "false, and mount with the EFS mount helper's tls option.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Require TLS for mounts of {resources} in the file system policy",
)
def efs_tls_not_enforced(estate: Estate) -> Iterator[Result]:
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        if why := unread(fs, "DescribeFileSystemPolicy"):
            yield not_assessed(fs, why)
        elif denies_insecure_transport(fs.config.get("FileSystemPolicy")):
            yield passed(fs, "The file system policy denies every client that does not use TLS.")
        else:
            yield fail(fs, "No file system policy statement denies clients without TLS: NFS traffic may cross the "
                           "network in plain text.")


@check(
    "efs-policy-public",
    title="EFS file system policy lets anyone in",
    pillar="security",
    focus_area="Data protection",
    risk="MEDIUM",  # a mount still needs network reach to a mount target
    best_practices=["SEC03-BP07"],
    remediation="Limit the file system policy's principals to the roles that mount it, or add an aws:PrincipalOrgID "
                "or aws:SourceVpc condition.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Close the file system policy of {resources} to anyone outside the accounts that use it",
)
def efs_policy_public(estate: Estate) -> Iterator[Result]:
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        policy = fs.config.get("FileSystemPolicy")
        statements = open_statements(policy)
        if why := unread(fs, "DescribeFileSystemPolicy") or unread(fs, "FileSystemPolicy (not JSON)"):
            yield not_assessed(fs, why)
        elif statements:
            yield fail(fs, f"The file system policy lets anyone ({len(statements)} statement(s) with principal \"*\" "
                           f"and no account, organization or network condition) call {actions_of(statements)}.")
        else:
            yield passed(fs, "No statement of the file system policy lets anyone in without a condition on who calls."
                         if policy else "No file system policy: access is by network reach to a mount target and "
                                        "the account's IAM policies.")


@check(
    "efs-backups-off",
    title="EFS file system is not backed up",
    pillar="reliability",
    focus_area="Disaster recovery",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL09-BP03", "REL09-BP01"],
    remediation="Turn on EFS automatic backups (daily, kept 35 days) or select the file system in an AWS Backup plan "
                "with the retention and cross-Region copy the recovery objectives ask for.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Back up the file systems {resources}",
)
def efs_backups_off(estate: Estate) -> Iterator[Result]:
    plans = list(estate.of_type(BACKUP_PLAN))
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        status = (fs.config.get("BackupPolicy") or {}).get("Status")
        selecting = [p for p in plans if p.account == fs.account and p.region == fs.region
                     and any(selects(s, fs) for s in p.config.get("BackupSelections") or [])]
        if status == "ENABLED":
            yield passed(fs, "Automatic backups are on (AWS Backup, daily).")
        elif selecting:
            yield passed(fs, f"Selected by the AWS Backup plan {selecting[0].label}.")
        elif why := unread(fs, "DescribeBackupPolicy"):
            yield not_assessed(fs, why)
        elif gap := estate.gap(fs.account, fs.region, "backup"):
            yield not_assessed(fs, f"automatic backups are {status or 'off'}, and whether an AWS Backup plan selects "
                                   f"it is unknown: {gap}")
        else:
            yield fail(fs, f"Automatic backups are {status or 'off'} and no AWS Backup plan selects it: a deleted or "
                           "corrupted file cannot be restored.")


@check(
    "efs-single-az",
    title="Production EFS file system is reachable in only one Availability Zone",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="HIGH", staging="MEDIUM", dev="LOW"),
    best_practices=["REL10-BP01"],
    remediation="Use a Regional (multi-AZ) file system for production data and create a mount target in every "
                "Availability Zone its clients run in.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Give {resources} mount targets in every Availability Zone its clients use",
)
def efs_single_az(estate: Estate) -> Iterator[Result]:
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        zone = one_zone(fs)
        targets = fs.config.get("MountTargets")
        zones = sorted({t.get("AvailabilityZoneName") or t.get("SubnetId", "?") for t in targets or []})
        if zone and not estate.in_production(fs):
            yield passed(fs, f"A One Zone file system in {zone}, acceptable in {estate.environment_of(fs)}.")
        elif zone:
            yield fail(fs, f"A One Zone file system: its data is stored only in {zone} and is lost or unreachable "
                           "with that zone.")
        elif why := unread(fs, "DescribeMountTargets"):
            yield not_assessed(fs, why)
        elif not zones:
            continue  # no mount target: nothing mounts it, so there is no access path to spread
        elif len(zones) == 1:
            yield fail(fs, f"Regional storage, but its only mount target is in {zones[0]}: clients in other zones "
                           "lose it when that zone fails.")
        else:
            yield passed(fs, f"Regional storage with mount targets in {len(zones)} zones ({', '.join(zones)}).")


@check(
    "efs-no-lifecycle-policy",
    title="EFS file system keeps every file in Standard storage",
    pillar="sustainability",
    focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP03"],
    remediation="Add a lifecycle policy that moves files not read for 30 days to Infrequent Access (and later to "
                "Archive), with TransitionToPrimaryStorageClass on first access if they become hot again.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Move files unread for weeks in {resources} to Infrequent Access",
)
def efs_no_lifecycle_policy(estate: Estate) -> Iterator[Result]:
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        moves = [f"{k.removeprefix('TransitionTo')} {v.replace('_', ' ').lower()}"
                 for policy in fs.config.get("LifecyclePolicies") or [] for k, v in policy.items()
                 if k in ("TransitionToIA", "TransitionToArchive")]
        if why := unread(fs, "DescribeLifecycleConfiguration"):
            yield not_assessed(fs, why)
        elif moves:
            yield passed(fs, f"Files move to colder storage: {', '.join(moves)}.")
        else:
            yield fail(fs, "No lifecycle policy: files nobody reads stay in Standard storage, the most costly and "
                           "resource-intensive class, for good.")


@check(
    "efs-provisioned-throughput",
    title="EFS throughput is provisioned rather than following demand",
    pillar="cost-optimization",
    focus_area="Right-sizing",
    risk="LOW",
    best_practices=["SUS04-BP04"],
    remediation="Switch the file system to Elastic throughput, which scales with the workload and is billed for what "
                "it uses; keep Provisioned only where a steady, measured throughput makes it cheaper.",
    resource_types=[EFS_FILE_SYSTEM],
    needs=("efs",),
    bullet="Switch {resources} to Elastic throughput",
)
def efs_provisioned_throughput(estate: Estate) -> Iterator[Result]:
    for fs in estate.of_type(EFS_FILE_SYSTEM):
        mode = fs.config.get("ThroughputMode") or "bursting"
        if mode == "provisioned":
            mibps = fs.config.get("ProvisionedThroughputInMibps")
            rate = f"{mibps:g}" if isinstance(mibps, (int, float)) else "?"
            yield fail(fs, f"Throughput is provisioned at {rate} MiB/s: reserved and "
                           "paid for whether the workload uses it or not.")
        else:
            how = {"elastic": "scales with the workload", "bursting": "grows with the data stored, with burst credits"}
            yield passed(fs, f"Throughput mode is {mode}: throughput {how.get(mode, 'is not reserved ahead')}.")
