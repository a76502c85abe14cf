"""EBS: encryption of volumes (and encryption by default per account and Region), gp2 volumes that gp3 would serve
for less, volumes attached to nothing, and snapshots kept past any retention."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.identity import as_of, parse_time
from wafr.checks.network import named
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.metrics.pricing import ebs_rates
from wafr.resource_types import EC2_EBS_ENCRYPTION_BY_DEFAULT, EC2_INSTANCE, EC2_SNAPSHOT, EC2_VOLUME

SNAPSHOT_RETENTION_DAYS = 365  # older than a year and under no lifecycle policy: kept by default, not by decision
GP3_IOPS, GP3_MBPS = 3000, 125  # included in gp3's storage price
# Tags AWS puts on the snapshots its lifecycle services create and expire.
MANAGED_TAG_PREFIXES = ("aws:dlm:", "aws:backup:")


def gp2_performance(size_gib: int, iops: int | None) -> tuple[int, int]:
    """gp2's baseline IOPS (3 per GiB, 100 to 16,000) and throughput (250 MB/s from 334 GiB; below, about gp3's)."""
    baseline = iops or min(max(3 * size_gib, 100), 16000)
    return baseline, 250 if size_gib >= 334 else GP3_MBPS


def gp3_saving(volume: Resource) -> tuple[float, str] | None:
    """The monthly saving of moving a gp2 volume to gp3 at gp2's performance, and its basis; None if unpriced."""
    priced = ebs_rates(volume.region)
    if priced is None:
        return None
    rates, source = priced
    size = int(volume.config.get("Size") or 0)
    iops, mbps = gp2_performance(size, volume.config.get("Iops"))
    gp2 = size * rates["gp2_gb_month"]
    gp3 = (size * rates["gp3_gb_month"] + max(0, iops - GP3_IOPS) * rates["gp3_iops_month"]
           + max(0, mbps - GP3_MBPS) * rates["gp3_mbps_month"])
    basis = (f"{size} GiB at gp2 ${gp2:.2f}/month against gp3 ${gp3:.2f}/month with {max(iops, GP3_IOPS)} IOPS "
             f"and {max(mbps, GP3_MBPS)} MB/s; {source}")
    return gp2 - gp3, basis


def storage_cost(volume: Resource) -> str:
    """", billed about $N a month for its storage (...)" for a gp2 or gp3 volume in a priced region, else ""."""
    priced = ebs_rates(volume.region)
    rate = priced[0].get(f"{volume.config.get('VolumeType')}_gb_month") if priced else None
    if priced is None or rate is None:
        return ""
    return f", billed about ${int(volume.config.get('Size') or 0) * rate:.2f} a month for its storage ({priced[1]})"


@check(
    "ebs-volume-gp2",
    title="EBS volume is gp2 where gp3 gives the same performance for less",
    pillar="cost-optimization",
    focus_area="Cost evaluation",
    risk="LOW",
    best_practices=["COST05-BP05"],
    remediation="Modify the volume to gp3 (online, no detach), provisioning IOPS and throughput to match what the "
                "gp2 volume delivered; gp3's storage is about 20% cheaper and its baseline does not depend on size.",
    resource_types=[EC2_VOLUME],
    needs=("ec2",),
)
def ebs_volume_gp2(estate: Estate) -> Iterator[Result]:
    for volume in estate.of_type(EC2_VOLUME):
        kind = volume.config.get("VolumeType")
        if kind != "gp2":
            yield passed(volume, f"It is a {kind} volume.")
            continue
        saving = gp3_saving(volume)
        if saving is None:
            yield fail(volume, f"It is a {volume.config.get('Size')} GiB gp2 volume; no EBS price is recorded for "
                               f"{volume.region}, so the saving is not estimated.")
        elif saving[0] > 0:
            yield fail(volume, f"It is gp2; gp3 at the same performance would save about ${saving[0]:.2f} a month "
                               f"({saving[1]}).")
        else:
            yield passed(volume, f"It is gp2, but gp3 at the same performance would not cost less ({saving[1]}).")


@check(
    "ebs-volume-unattached",
    title="EBS volume is attached to no instance",
    pillar="cost-optimization",
    focus_area="Unused resources",
    risk="LOW",
    best_practices=["COST04-BP03", "SUS02-BP03"],
    remediation="Snapshot the volume if its data may be needed (or confirm it is not), then delete it; an "
                "unattached volume is billed for its full size.",
    resource_types=[EC2_VOLUME],
    needs=("ec2",),
)
def ebs_volume_unattached(estate: Estate) -> Iterator[Result]:
    now = as_of(estate)
    for volume in estate.of_type(EC2_VOLUME):
        status = volume.config.get("State")
        if status != "available":
            yield passed(volume, f"It is {status}.")
            continue
        created = volume.config.get("CreateTime")
        age = f", created {(now - parse_time(str(created))).days} days ago" if created else ""
        yield fail(volume, f"The {volume.config.get('Size')} GiB {volume.config.get('VolumeType')} volume is "
                           f"attached to no instance{age}{storage_cost(volume)}.")


def lifecycle_manager(snapshot: Resource) -> str | None:
    """What expires the snapshot, where AWS marks it: a Data Lifecycle Manager policy or AWS Backup."""
    managed = [key for key in snapshot.tags if key.startswith(MANAGED_TAG_PREFIXES)]
    if any(key.startswith("aws:dlm:") for key in managed):
        return f"Data Lifecycle Manager ({snapshot.tags.get('aws:dlm:lifecycle-policy-id', 'a policy')})"
    if managed or "AWS Backup" in str(snapshot.config.get("Description", "")):
        return "AWS Backup"
    return None


def orphan(estate: Estate, snapshot: Resource) -> str:
    """"; its volume ... no longer exists" where the volumes of its account and region were read and it is gone."""
    volume = str(snapshot.config.get("VolumeId", ""))
    unread = estate.gap(snapshot.account, snapshot.region, "ec2")
    if unread or not volume.startswith("vol-") or volume == "vol-ffffffff":
        return ""  # copied snapshots name a placeholder volume; unread volumes say nothing
    return "" if estate.get(volume, EC2_VOLUME, snapshot.account) else f"; its volume {volume} no longer exists"


@check(
    "ebs-snapshot-past-retention",
    title="EBS snapshot kept for over a year under no lifecycle policy",
    pillar="sustainability",
    focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP03", "COST04-BP05"],
    remediation="Delete snapshots nobody needs, and create new ones through AWS Backup plans or Data Lifecycle "
                "Manager policies whose retention expires them; archive the few kept for compliance.",
    resource_types=[EC2_SNAPSHOT],
    needs=("ebs-snapshots",),
)
def ebs_snapshot_past_retention(estate: Estate) -> Iterator[Result]:
    now = as_of(estate)
    for snapshot in estate.of_type(EC2_SNAPSHOT):
        if str(snapshot.config.get("Description", "")).startswith("Created by CreateImage"):
            continue  # it backs an image, and goes when the image is deregistered
        manager = lifecycle_manager(snapshot)
        started = snapshot.config.get("StartTime")
        if manager:
            yield passed(snapshot, f"{manager} manages its retention.")
        elif not started:
            yield not_assessed(snapshot, "Its start time was not reported.")
        elif (days := (now - parse_time(str(started))).days) > SNAPSHOT_RETENTION_DAYS:
            yield fail(snapshot, f"It was taken {days} days ago ({snapshot.config.get('VolumeSize')} GiB) and no "
                                 "Data Lifecycle Manager policy or AWS Backup plan expires it"
                                 f"{orphan(estate, snapshot)}.")
        else:
            yield passed(snapshot, f"It was taken {days} days ago.")


# -- encryption at rest -----------------------------------------------------------------------------------------
VOLUME_RISK = by_environment(prod="HIGH")


@check(
    "ebs-volume-not-encrypted",
    title="EBS volume is not encrypted",
    pillar="security",
    focus_area="Encryption at rest",
    risk=VOLUME_RISK,
    best_practices=["SEC08-BP02"],
    remediation="Snapshot the volume, copy the snapshot with encryption (KMS key), create a volume from it and swap "
                "it in; turn on EBS encryption by default so new volumes are encrypted.",
    resource_types=[EC2_VOLUME],
    needs=("ec2",),
    bullet=("Encrypt the EBS volume {resources}",
            "Encrypt the EBS volumes {resources}"),
)
def ebs_volume_not_encrypted(estate: Estate) -> Iterator[Result]:
    for volume in estate.of_type(EC2_VOLUME):
        if volume.config.get("Encrypted"):
            yield passed(volume, f"Encrypted with {volume.config.get('KmsKeyId') or 'a KMS key'}.")
            continue
        instances = [i for i in (estate.get(x, EC2_INSTANCE, volume.account) for x in volume.link("instances")) if i]
        attached = f", attached to {', '.join(named(i) for i in instances)}" if instances else ""
        # A volume carries no environment of its own; its instance's decides how much the risk weighs.
        env = estate.environment_of(volume)
        if env == "unknown" and instances:
            env = estate.environment_of(instances[0])
        size = f"{volume.config.get('Size', '?')} GiB {volume.config.get('VolumeType', '')}".strip()
        yield fail(volume, f"Encrypted is false ({size}{attached}).", risk=VOLUME_RISK[env])


@check(
    "ebs-encryption-by-default-off",
    title="EBS encryption by default is off",
    pillar="security",
    focus_area="Encryption at rest",
    risk="MEDIUM",
    best_practices=["SEC08-BP03", "SEC08-BP02"],
    remediation="Turn on EBS encryption by default in every region (EC2 settings, or `aws ec2 "
                "enable-ebs-encryption-by-default`) so every new volume and snapshot copy is encrypted.",
    resource_types=[EC2_EBS_ENCRYPTION_BY_DEFAULT],
    needs=("ec2",),
    bullet="Turn on EBS encryption by default ({resources})",
)
def ebs_encryption_by_default(estate: Estate) -> Iterator[Result]:
    for setting in estate.of_type(EC2_EBS_ENCRYPTION_BY_DEFAULT):
        if "EbsEncryptionByDefault" not in setting.config:
            why = setting.errors.get("GetEbsEncryptionByDefault", "not collected")
            yield not_assessed(setting, f"the setting could not be read ({why})")
        elif setting.config["EbsEncryptionByDefault"]:
            yield passed(setting, f"EbsEncryptionByDefault is true in {setting.region}.")
        else:
            yield fail(setting, f"EbsEncryptionByDefault is false in {setting.region}: new volumes are unencrypted "
                                "unless each launch asks for encryption.")
