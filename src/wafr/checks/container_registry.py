"""ECR repositories: vulnerability scanning, tag immutability and lifecycle policies."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterator, Mapping

from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed
from wafr.estate import Estate, Resource
from wafr.resource_types import ECR_REGISTRY_SCANNING_CONFIGURATION, ECR_REPOSITORY



def registry_scan(repository: Resource, scanning: Mapping[str, Any] | None) -> str | None:
    """How the registry's scanning rules scan this repository ("ENHANCED continuous scanning"), or None."""
    config = (scanning or {}).get("scanningConfiguration") or {}
    for rule in config.get("rules") or []:
        filters = [f.get("filter", "") for f in rule.get("repositoryFilters") or []]
        if any(fnmatchcase(repository.id, f) for f in filters):
            return f"the registry's {config.get('scanType', 'BASIC')} {rule.get('scanFrequency', '')} rule"
    return None


@check(
    "ecr-scan-on-push-off",
    title="ECR images are not scanned for vulnerabilities",
    pillar="security",
    focus_area="Compute protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC06-BP01"],
    remediation="Turn on scanning for the repository: enhanced scanning (Amazon Inspector, continuous) with a registry "
                "rule that covers it, or at least basic scan on push; act on the findings on a deadline.",
    resource_types=[ECR_REPOSITORY],
    needs=("ecr",),
    bullet="Scan the images of {resources} for vulnerabilities",
)
def ecr_scan_on_push_off(estate: Estate) -> Iterator[Result]:
    registries = {(r.account, r.region): r.config for r in estate.of_type(ECR_REGISTRY_SCANNING_CONFIGURATION)}
    for repository in estate.of_type(ECR_REPOSITORY):
        by_rule = registry_scan(repository, registries.get((repository.account, repository.region)))
        if by_rule:
            yield passed(repository, f"Images are scanned by {by_rule}.")
        elif (repository.config.get("imageScanningConfiguration") or {}).get("scanOnPush"):
            yield passed(repository, "Images are scanned on push.")
        else:
            yield fail(repository, "Scan on push is off and no registry scanning rule covers the repository: "
                                   "vulnerable images are pushed and run unnoticed.")


@check(
    "ecr-tags-mutable",
    title="ECR image tags can be overwritten",
    pillar="security", focus_area="Compute protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC06-BP04"],
    remediation="Set the repository's image tag mutability to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for a moving "
                "tag such as latest) and deploy by digest, so the image that runs is the one built and tested.",
    bullet="Make the image tags of {resources} immutable",
    each=ECR_REPOSITORY,
)
def ecr_tags_mutable(repository: Resource) -> Result:
    mutability = repository.config.get("imageTagMutability", "MUTABLE")
    return judged(repository, mutability.startswith("IMMUTABLE"), f"Image tag mutability is {mutability}.",
                  f"Image tag mutability is {mutability}: a push can replace the image behind a tag that is "
                  "already deployed.")


@check(
    "ecr-no-lifecycle-policy",
    title="ECR repository has no lifecycle policy",
    pillar="sustainability",
    focus_area="Data lifecycle",
    risk="LOW",
    best_practices=["SUS04-BP03", "COST04-BP04"],
    remediation="Add a lifecycle policy that expires untagged images after a few days and keeps only the last N "
                "tagged images that could still be rolled back to.",
    resource_types=[ECR_REPOSITORY],
    needs=("ecr",),
    bullet="Expire old images in {resources} with a lifecycle policy",
)
def ecr_no_lifecycle_policy(estate: Estate) -> Iterator[Result]:
    for repository in estate.of_type(ECR_REPOSITORY):
        code = repository.errors.get("GetLifecyclePolicy")
        rules = (repository.config.get("LifecyclePolicy") or {}).get("rules") if not code else None
        if code:
            yield not_assessed(repository, f"GetLifecyclePolicy failed for this repository ({code}).")
        elif rules:
            yield passed(repository, f"A lifecycle policy with {len(rules)} rule(s) expires old images.")
        else:
            yield fail(repository, "No lifecycle policy: every image ever pushed is stored, and paid for, for good.")
