"""Service quotas close to their limit: the account's quota (Service Quotas) against the estate's own count of the
resources it limits, in the same account and Region (the quota names the type it limits and the read counting it;
data/service_quotas.yaml says which quotas are compared)."""

from __future__ import annotations

from collections import Counter

from typing import Iterator

from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import SERVICE_QUOTAS_QUOTA, display_name

THRESHOLD_PERCENT = 80.0  # usage at or above this share of the limit leaves too little headroom


@check(
    "service-quota-near-limit",
    title="A service quota is close to its limit",
    pillar="reliability",
    focus_area="Service quotas",
    risk="MEDIUM",
    risk_up_to="HIGH",
    best_practices=["REL01-BP02", "REL01-BP06"],
    remediation="Request an increase (Service Quotas) well before the limit, with room for a failover or a surge; "
                "where the quota cannot be raised, spread the resources over accounts or Regions.",
    resource_types=[SERVICE_QUOTAS_QUOTA],
    needs=("service-quotas",),
)
def service_quota_near_limit(estate: Estate) -> Iterator[Result]:
    in_use: Counter[tuple[str, str, str]] = Counter()  # (type, account, region) -> how many the scan read
    counted: set[str] = set()
    for quota in estate.of_type(SERVICE_QUOTAS_QUOTA):
        counts, counted_by, limit = (quota.config.get(k) for k in ("counts", "countedBy", "value"))
        if not counts or not counted_by or not limit:
            continue
        gap = estate.gap(quota.account, quota.region, counted_by)
        if gap:
            yield not_assessed(quota, f"The usage of {quota.name} is a count of what {counted_by} reads, and {gap}.")
            continue
        if counts not in counted:  # each type counted once, for every account and Region
            in_use.update((counts, r.account, r.region) for r in estate.of_type(counts))
            counted.add(counts)
        used = in_use[(counts, quota.account, quota.region)]
        share = 100 * used / float(limit)
        words = (f"{quota.name}: {used} in use in {quota.region} (each {display_name(counts)} the scan read) "
                 f"of a limit of {limit:g} ({'applied' if quota.config.get('applied') else 'AWS default'})"
                 f" = {share:.0f}%.")
        if share >= THRESHOLD_PERCENT:
            yield fail(quota, f"{words} At or above {THRESHOLD_PERCENT:g}%, there is no room for a failover or a "
                              "surge.", risk="HIGH" if used >= limit else None)
        else:
            yield passed(quota, words)
