"""Infrastructure as code: CloudFormation stacks kept in step with their templates, and how much of production was
created by a tool rather than by hand."""

from __future__ import annotations

import re
from typing import Iterator

from wafr.checks.registry import Result, by_environment, check, judged, not_assessed
from wafr.estate import Estate, Resource, by_account
from wafr.phrases import first_few
from wafr.resource_types import (AUTOSCALING_GROUP, CLOUDFORMATION_STACK, DYNAMODB_TABLE, EC2_INSTANCE,
                                 ECS_SERVICE, ELB_LOAD_BALANCER, LAMBDA_FUNCTION, RDS_DB_INSTANCE)

# The stateful and compute resources a workload is made of, whose collectors read their tags.
WORKLOAD_TYPES = (EC2_INSTANCE, AUTOSCALING_GROUP, ECS_SERVICE, LAMBDA_FUNCTION, RDS_DB_INSTANCE, DYNAMODB_TABLE,
                  ELB_LOAD_BALANCER)
# CloudFormation (and CDK, SAM, Service Catalog, Elastic Beanstalk, which deploy through it) tags what it creates.
STACK_TAG = "aws:cloudformation:stack-name"
# Terraform, Pulumi and the like tag nothing by themselves; teams that use them commonly tag a "managed by" key.
MANAGED_BY_KEYS = ("managed-by", "managedby", "managed_by", "provisioner", "provisioned-by", "provisionedby", "iac",
                   "created-by", "createdby", "deployed-by")
IAC_TOOLS = re.compile(r"terraform|opentofu|pulumi|cdk|cloudformation|\bsam\b|serverless|crossplane|ansible",
                       re.IGNORECASE)
# Above this share of production resources made by hand, production is not reproducible from code. A few
# hand-made resources (a bootstrap bucket's table, a break-glass instance) are normal, so the bar is not zero.
UNMANAGED_SHARE_LIMIT = 0.2


def production_workloads(estate: Estate) -> list[Resource]:
    """Production-like workload resources; an instance launched by an Auto Scaling group is judged by its group."""
    return [r for r in estate.of_type(*WORKLOAD_TYPES) if estate.in_production(r)
            and not (r.type == EC2_INSTANCE and "aws:autoscaling:groupName" in r.tags)]


def made_by(resource: Resource) -> str | None:
    """The tool that created a resource, as its tags say; None when nothing says so."""
    if STACK_TAG in resource.tags:
        return f"CloudFormation stack {resource.tags[STACK_TAG]}"
    for key, value in resource.tags.items():
        if key.lower() in MANAGED_BY_KEYS and IAC_TOOLS.search(value or ""):
            return value
        if key.lower().startswith(("terraform", "pulumi")):
            return key
    return None


@check(
    "production-not-deployed-as-code",
    title="Production resources were not created by infrastructure as code",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk="MEDIUM",
    best_practices=["REL08-BP05", "OPS05-BP03"],
    remediation="Bring the hand-made production resources under CloudFormation (resource import) or Terraform and "
                "change them only through the pipeline that deploys that code; tag what Terraform or Pulumi manages "
                "(ManagedBy=terraform) so it can be told apart.",
    bullet="Bring the production resources of {resources} under infrastructure as code",
    resource_types=WORKLOAD_TYPES,
)
def production_not_deployed_as_code(estate: Estate) -> Iterator[Result]:
    for account, mine in sorted(by_account(production_workloads(estate)).items()):
        by_hand = sorted(r.label for r in mine if made_by(r) is None)
        share = len(by_hand) / len(mine)
        counted = f"{len(by_hand)} of {len(mine)} production resources ({share:.0%})"
        yield judged(estate.account_resource(account), share <= UNMANAGED_SHARE_LIMIT,
                     f"{len(mine) - len(by_hand)} of {len(mine)} production resources carry a CloudFormation stack "
                     f"tag or a managed-by tag naming an IaC tool" + (f"; {counted} do not." if by_hand else "."),
                     f"{counted} were not created by CloudFormation and carry no managed-by tag naming an IaC tool: "
                     f"{first_few(by_hand, 5)}.")


@check(
    "cloudformation-stack-drifted",
    title="CloudFormation stack has drifted from its template",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS05-BP03"],
    remediation="Find the hand-made changes with drift detection, then either put them into the template or undo "
                "them, and run drift detection on a schedule (an AWS Config rule) so drift is seen when it happens.",
    bullet="Bring {resources} back in step with their templates",
    each=CLOUDFORMATION_STACK,
)
def cloudformation_stack_drifted(stack: Resource) -> Result:
    drift = stack.config.get("DriftInformation") or {}
    status = drift.get("StackDriftStatus") or "NOT_CHECKED"
    if status not in ("DRIFTED", "IN_SYNC"):
        return not_assessed(stack, f"Drift detection has not been run on this stack ({status}), so whether its "
                                   "resources were changed by hand is unknown.")
    checked = drift.get("LastCheckTimestamp")
    when = f" (checked {str(checked)[:10]})" if checked else ""
    return judged(stack, status == "IN_SYNC", f"Its resources match its template{when}.",
                  f"Its resources were changed outside CloudFormation{when}: the template no longer describes "
                  "what runs, and the next stack update may undo or fail on the hand-made change.")


@check(
    "cloudformation-rollback-disabled",
    title="CloudFormation stack does not roll back a failed change",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS06-BP01"],
    remediation="Leave rollback on for stack operations (no --disable-rollback), and add rollback triggers on the "
                "alarms that show a change has gone wrong.",
    bullet="Turn rollback back on for the stacks {resources}",
    each=CLOUDFORMATION_STACK,
)
def cloudformation_rollback_disabled(stack: Resource) -> Result:
    triggers = (stack.config.get("RollbackConfiguration") or {}).get("RollbackTriggers") or []
    on_alarms = f", and {len(triggers)} alarm(s) trigger it" if triggers else ""
    return judged(stack, not stack.config.get("DisableRollback"),
                  f"A failed change rolls back to the last working state{on_alarms}.",
                  "Rollback on failure is disabled (DisableRollback): a failed stack operation stops where it failed, "
                  "half-applied, instead of returning to the last working state.")
