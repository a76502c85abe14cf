"""Amazon Detective: the behavior graphs the account administers in the Region, and those it is a member of."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import DETECTIVE_GRAPH, DETECTIVE_MEMBERSHIP
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector



@collector("detective", resource_types=(DETECTIVE_GRAPH, DETECTIVE_MEMBERSHIP),
           operations=("detective:ListGraphs", "detective:ListInvitations"))
def collect_detective(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("detective")
    for graph in client.list_graphs().get("GraphList") or []:
        yield ctx.resource(DETECTIVE_GRAPH, graph["Arn"], arn=graph["Arn"], name=graph["Arn"].rsplit("/", 1)[-1],
                           config=graph)
    for invitation in client.list_invitations().get("Invitations") or []:
        arn = invitation.get("GraphArn", "")
        yield ctx.resource(DETECTIVE_MEMBERSHIP, arn, arn=arn, name=arn.rsplit("/", 1)[-1], config=invitation)
