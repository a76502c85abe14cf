"""Security / Incident readiness: what must be in place before a security incident, because it cannot be added
during one - a security contact AWS can reach, and audit logs whose integrity can be proven, kept outside the
account they record."""

from __future__ import annotations

from wafr.checks.registry import Result, check, fail, judged, not_assessed, passed, unread
from wafr.estate import GLOBAL, Estate, Resource
from wafr.resource_types import ACCOUNT, ACCOUNT_ALTERNATE_CONTACT, CLOUDTRAIL_TRAIL, S3_BUCKET


@check(
    "no-security-contact",
    title="The account names no security contact",
    pillar="security",
    focus_area="Incident readiness",
    # AWS sends abuse reports and notices of a compromised account to this contact, whatever the environment.
    risk="MEDIUM",
    best_practices=["SEC10-BP01"],
    remediation="Set the account's security alternate contact (Account settings, or aws account "
                "put-alternate-contact --alternate-contact-type SECURITY, for every member from the management "
                "account) to a monitored team address, not one person's mailbox.",
    bullet="Name a security contact for {resources}",
    resource_types=[ACCOUNT],
    each=ACCOUNT_ALTERNATE_CONTACT,
)
def no_security_contact(contact: Resource, estate: Estate) -> Result | None:
    if contact.config.get("AlternateContactType") != "SECURITY":
        return None
    account = estate.account_resource(contact.account)
    if why := unread(contact, "GetAlternateContact"):
        return not_assessed(account, why)
    return judged(account, bool(contact.config.get("Set")), "A security alternate contact is set.",
                  "No security alternate contact is set: AWS's notices of abuse or of a compromised account go only "
                  "to the root user's email address, which the security team may never read.")


def _judged_here(trail: Resource, estate: Estate) -> bool:
    """Whether this copy of a trail is the one to judge: its home Region's, in the account that owns it. A shadow
    homed in another account (an organization trail) is that account's to fix; a multi-Region trail whose home
    Region was not scanned is judged once, in the first Region scanned."""
    owner = trail.arn.split(":")[4] if trail.arn.startswith("arn:") else trail.account
    if owner != trail.account:
        return False
    if not trail.config.get("_shadow"):
        return True
    scanned = [r for r in estate.regions if r != GLOBAL]
    return trail.config.get("HomeRegion") not in scanned and bool(scanned) and trail.region == scanned[0]


@check(
    "cloudtrail-log-file-validation-off",
    title="CloudTrail log file validation is off",
    pillar="security",
    focus_area="Incident readiness",
    # Security Hub's CloudTrail.4 rates it LOW: the logs still exist, only their integrity cannot be proven.
    risk="LOW",
    best_practices=["SEC10-BP03"],
    remediation="Turn on log file validation for the trail (aws cloudtrail update-trail --enable-log-file-validation), "
                "so every hour's digest file proves whether a log file was changed or deleted after delivery.",
    bullet="Turn on log file validation for the trails {resources}",
    each=CLOUDTRAIL_TRAIL,
)
def cloudtrail_log_file_validation_off(trail: Resource, estate: Estate) -> Result | None:
    if not _judged_here(trail, estate):
        return None
    return judged(trail, bool(trail.config.get("LogFileValidationEnabled")),
                  "Log file validation is on: digest files prove the logs are as delivered.",
                  "Log file validation is off: after an incident nobody can prove the trail's log files were not "
                  "changed or deleted, so they are weak evidence.")


@check(
    "cloudtrail-logs-in-recorded-account",
    title="CloudTrail delivers its logs to a bucket in the account it records",
    pillar="security",
    focus_area="Incident readiness",
    risk="LOW",
    best_practices=["SEC10-BP03"],
    remediation="Deliver the trail to a bucket in a separate log archive account (an organization trail does this for "
                "every member), with a bucket policy and Object Lock that the recorded accounts' administrators "
                "cannot change.",
    bullet="Deliver the logs of the trails {resources} to a separate log archive account",
    each=CLOUDTRAIL_TRAIL,
    needs=("cloudtrail", "s3"),
)
def cloudtrail_logs_in_recorded_account(trail: Resource, estate: Estate) -> Result | None:
    bucket_name = trail.config.get("S3BucketName")
    if not bucket_name or not _judged_here(trail, estate):
        return None
    if not estate.assessed(trail.account, GLOBAL, "s3"):
        return not_assessed(trail, "The account's S3 buckets were not read, so where bucket "
                                   f"{bucket_name} lives is unknown.")
    bucket = estate.get(bucket_name, S3_BUCKET, account=trail.account)
    if bucket is None:
        elsewhere = estate.get(bucket_name, S3_BUCKET)
        where = f"account {elsewhere.account}" if elsewhere is not None else "another account"
        return passed(trail, f"Bucket {bucket_name} is not one of this account's buckets: the logs are kept in "
                             f"{where}.")
    return fail(trail, f"Bucket {bucket_name} is in this account: whoever takes over the account can delete or "
                       "rewrite the record of what they did.")
