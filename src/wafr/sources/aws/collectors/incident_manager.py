"""Systems Manager Incident Manager: the replication set that turns it on, its response plans (what happens when an
incident opens) and its contacts and escalation plans (whom it engages).

A Region where Incident Manager was never set up has no replication set: coverage ``not-enabled`` there, never a
denial and never an empty pass. Contacts keep their alias and type only: display names are people's names."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import SSM_CONTACTS_CONTACT, SSM_INCIDENTS_REPLICATION_SET, SSM_INCIDENTS_RESPONSE_PLAN
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import NotEnabled
from wafr.sources.aws.registry import collector

NOT_SET_UP = "Incident Manager is not set up in this Region (no replication set)"


@collector(
    "incident-manager",
    client="ssm-incidents",
    resource_types=(SSM_INCIDENTS_REPLICATION_SET, SSM_INCIDENTS_RESPONSE_PLAN, SSM_CONTACTS_CONTACT),
    operations=("ssm-incidents:ListReplicationSets", "ssm-incidents:ListResponsePlans",
                "ssm-contacts:ListContacts"),
)
def collect_incident_manager(ctx: CollectContext) -> Iterator[Resource]:
    incidents = ctx.client("ssm-incidents")
    replication_sets = list(ctx.paginate(incidents, "list_replication_sets", "replicationSetArns"))
    if not replication_sets:
        raise NotEnabled(NOT_SET_UP)
    for arn in replication_sets:
        yield ctx.resource(SSM_INCIDENTS_REPLICATION_SET, arn, arn=arn, name=arn.rsplit("/", 1)[-1],
                           config={"arn": arn})
    for plan in ctx.paginate(incidents, "list_response_plans", "responsePlanSummaries"):
        yield ctx.resource(SSM_INCIDENTS_RESPONSE_PLAN, plan["arn"], arn=plan["arn"], name=plan.get("name", ""),
                           config={"arn": plan["arn"], "name": plan.get("name", "")})
    contacts = ctx.client("ssm-contacts")
    for contact in ctx.paginate(contacts, "list_contacts", "Contacts"):
        config = {"ContactArn": contact["ContactArn"], "Alias": contact.get("Alias", ""),
                  "Type": contact.get("Type", "")}
        yield ctx.resource(SSM_CONTACTS_CONTACT, contact["ContactArn"], arn=contact["ContactArn"],
                           name=config["Alias"], config=config)
