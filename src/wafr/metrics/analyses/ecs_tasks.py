"""What an ECS service runs: its task size, whether Fargate bills it, and how many tasks to price."""

from __future__ import annotations

from wafr.estate import Estate, Resource
from wafr.metrics import pricing
from wafr.metrics.analyses.common import Context
from wafr.metrics.results import Saving
from wafr.resource_types import ECS_TASK_DEFINITION



def task_size(estate: Estate, service: Resource) -> tuple[Resource | None, int | None, int | None]:
    """(task definition, task-level CPU units, task-level memory MiB); None where unknown."""
    definition = estate.get(service.config.get("taskDefinition", ""), type=ECS_TASK_DEFINITION)
    if definition is None:
        return None, None, None
    try:
        return definition, int(definition.config.get("cpu")), int(definition.config.get("memory"))
    except (TypeError, ValueError):
        return definition, None, None


def on_fargate(service: Resource, definition: Resource) -> bool:
    if service.config.get("launchType") == "FARGATE":
        return True
    strategy = service.config.get("capacityProviderStrategy") or []
    if strategy:
        return all(str(s.get("capacityProvider", "")).startswith("FARGATE") for s in strategy)
    compatible = definition.config.get("requiresCompatibilities") or []
    return "FARGATE" in compatible and not service.config.get("launchType")


def tasks_running(ctx: Context, service: Resource) -> tuple[float, str]:
    """How many tasks to price, and where the number comes from."""
    counts = ctx.series(service).get("RunningTaskCount")
    if counts and counts.present:
        average = sum(counts.present) / len(counts.present)
        return average, f"{average:.1f} tasks on average (Container Insights RunningTaskCount)"
    desired = service.config.get("desiredCount", 1) or 0
    return float(desired), f"{desired} task{'' if desired == 1 else 's'} (desiredCount)"


def monthly_cost(ctx: Context, service: Resource) -> Saving | None:
    """What the service's Fargate tasks cost a month, as a saving were they all removed."""
    definition, cpu, memory = task_size(ctx.estate, service)
    if definition is None or not cpu or not memory or not on_fargate(service, definition):
        return None
    price = pricing.fargate_task(service.region, pricing.fargate_architecture(definition.config), cpu, memory)
    if price is None:
        return None
    tasks, basis = tasks_running(ctx, service)
    monthly = price.monthly * tasks
    return Saving(monthly, monthly, 0.0, f"{basis}, {pricing.hours_per_month():.0f} hours a month, {price.basis}",
                  price.basis)
