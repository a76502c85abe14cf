"""AWS Budgets: the account's cost and usage budgets, with the notifications each one sends."""

from __future__ import annotations

from typing import Iterator

from botocore.exceptions import ClientError

from wafr.estate import Resource
from wafr.resource_types import BUDGET
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.errors import error_code
from wafr.sources.aws.registry import collector


@collector(
    "budgets",
    resource_types=(BUDGET,),
    # IAM calls both budgets:ViewBudget
    operations=("budgets:DescribeBudgets", "budgets:DescribeNotificationsForBudget"),
    global_service=True,
)
def collect_budgets(ctx: CollectContext) -> Iterator[Resource]:
    budgets = ctx.client("budgets")
    try:
        found = list(ctx.paginate(budgets, "describe_budgets", "Budgets", AccountId=ctx.account))
    except ClientError as error:
        # Some AWS endpoints answer an account without budgets with NotFoundException instead of an empty list.
        if error_code(error) != "NotFoundException":
            raise
        found = []
    for budget in found:
        name = budget["BudgetName"]
        # A budget that notifies nobody is a number nobody watches. AWS requires a subscriber for every
        # notification, so a notification is someone (an address or a topic) told.
        try:
            budget["_notifications"] = list(ctx.paginate(budgets, "describe_notifications_for_budget",
                                                         "Notifications", AccountId=ctx.account, BudgetName=name))
        except ClientError as error:
            budget["_errors"] = {"DescribeNotificationsForBudget": error_code(error)}
        yield ctx.resource(BUDGET, name, name=name, config=budget,
                           arn=f"arn:{ctx.partition}:budgets::{ctx.account}:budget/{name}")
