"""Cost optimization / Cloud financial management: whether an account's workload resources name their owner, so
each one can be traced to the team that answers for it over its lifetime (and asked before it is removed)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterator

from wafr.checks.account_separation import WORKLOAD_TYPES
from wafr.checks.network import component_key
from wafr.checks.registry import Result, check, fail, not_assessed, passed
from wafr.data import load as load_data
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import ACCOUNT, EC2_VPC, S3_BUCKET, display_name, services_of

# Workloads, and the buckets that hold their data: what a team builds and must answer for. Plumbing (route tables,
# rules, interfaces) follows its workload and is left out.
OWNED_TYPES = (*WORKLOAD_TYPES, S3_BUCKET)
# Above this share of unowned resources ownership is not how the account is run: a few strays (a test table, a
# leftover bucket) are tolerated, but past one in five, who answers for a resource is guesswork for most teams.
UNOWNED_SHARE_MAX = 0.2
EXAMPLES = 5

_SEPARATORS = re.compile(r"[^a-z0-9]")


def _plain(key: str) -> str:
    return _SEPARATORS.sub("", key.lower())


OWNER_KEYS = frozenset(_plain(k) for k in load_data("ownership_tags.yaml")["tag_keys"])


def owner_tag(resource: Resource) -> str | None:
    """The tag key that names the resource's owner, whole or as the last segment of a namespaced key."""
    for key in resource.tags:
        if key.lower().startswith("aws:"):
            continue  # AWS's own tags (stack name, Auto Scaling group) name no owner
        if _plain(key) in OWNER_KEYS or _plain(re.split(r"[:/]", key)[-1]) in OWNER_KEYS:
            return key
    return None


def _tags_unread(resource: Resource) -> bool:
    return any("tag" in operation.lower() for operation in resource.errors)


def _components(resources: list[Resource]) -> dict[tuple[str, str], list[Resource]]:
    """Resources grouped by component (an Aurora cluster and its instances, a replication group and its nodes, an
    Auto Scaling group's instances), so a cluster of ten counts once; a default VPC is AWS's, not a team's."""
    grouped: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.type == EC2_VPC and resource.config.get("IsDefault"):
            continue
        grouped[component_key(resource)].append(resource)
    return grouped


def _label(key: tuple[str, str], members: list[Resource]) -> str:
    own = next((r for r in members if (r.type, r.id) == key), None)
    return own.label if own else f"{display_name(key[0])} {key[1]}"


@check(
    "resources-without-owner",
    title="Workload resources do not name their owner",
    pillar="cost-optimization",
    focus_area="Cloud financial management",
    risk="MEDIUM",
    best_practices=["COST04-BP01", "OPS02-BP01"],
    remediation="Tag every workload resource with the team that owns it (Owner or Team, with a contact), applied "
                "from the IaC stacks (CDK Tags.of(stack).add) and required by a tag policy, so each resource can "
                "be traced to whoever answers for it and asked before it is changed or removed.",
    resource_types=[ACCOUNT],
    needs=tuple(dict.fromkeys(s for t in OWNED_TYPES for s in services_of(t))),
    bullet="Tag the workload resources of {resources} with their owner",
)
def resources_without_owner(estate: Estate) -> Iterator[Result]:
    by_account: dict[str, list[Resource]] = defaultdict(list)
    for resource in estate.of_type(*OWNED_TYPES):
        by_account[resource.account].append(resource)
    for account, resources in sorted(by_account.items()):
        components = _components(resources)
        if components:
            yield _judge(estate.account_resource(account), components)


def _judge(target: Resource, components: dict[tuple[str, str], list[Resource]]) -> Result:
    owners: Counter[str] = Counter()
    unowned, unread = [], []
    for key, members in sorted(components.items(), key=lambda item: _label(*item)):
        found = next((tag for tag in map(owner_tag, members) if tag), None)
        if found:
            owners[found] += 1
        elif any(_tags_unread(r) for r in members):
            unread.append(_label(key, members))
        else:
            unowned.append(_label(key, members))
    total = len(components)
    # An unread resource may or may not name an owner: judge only when either answer gives the same verdict.
    least, most = len(unowned) / total, (len(unowned) + len(unread)) / total
    unknown = f"; the tags of {len(unread)} more could not be read ({first_few(unread, EXAMPLES)})" if unread else ""
    if least > UNOWNED_SHARE_MAX:
        return fail(target, f"{len(unowned)} of {total} workload resources ({least:.0%}) name no owner: "
                            f"{first_few(unowned, EXAMPLES)}{unknown}.")
    if most > UNOWNED_SHARE_MAX:
        return not_assessed(target, f"{len(unowned)} of {total} workload resources name no owner{unknown}, so "
                                    f"whether more than {UNOWNED_SHARE_MAX:.0%} name none is unknown.")
    keys = first_few([f"{key} ({count})" for key, count in owners.most_common()], EXAMPLES)
    verb = "names" if len(unowned) == 1 else "name"
    missing = f"; {len(unowned)} {verb} none ({first_few(unowned, EXAMPLES)})" if unowned else ""
    return passed(target, f"{sum(owners.values())} of {total} workload resources name an owner, by tag {keys}"
                          f"{missing}{unknown}.")
