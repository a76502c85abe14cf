"""AWS Budgets: the account's cost and usage budgets."""

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
    operations=("budgets:DescribeBudgets",),  # IAM calls it budgets:ViewBudget
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
        yield ctx.resource(BUDGET, name, name=name, config=budget,
                           arn=f"arn:{ctx.partition}:budgets::{ctx.account}:budget/{name}")
