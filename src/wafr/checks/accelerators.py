"""Accelerators kept busy: GPU instances judged on the utilisation wafr reads from CloudWatch (see
wafr.metrics.analyses.accelerator_use); an instance whose accelerator publishes none is not assessed, never passed."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.registry import FAIL, PASS, Result, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.metrics.analyses import accelerator_use
from wafr.metrics.analyze import results_of
from wafr.metrics.measurements import measurements_of
from wafr.resource_types import EC2_INSTANCE


@check(
    "accelerator-underused",
    title="Accelerated instance keeps its GPUs mostly idle",
    pillar="sustainability",
    focus_area="Hardware efficiency",
    risk="MEDIUM",
    best_practices=["SUS05-BP04", "PERF02-BP06"],
    remediation="Find what the instance runs and match the accelerator to it: a smaller accelerated size, more work "
                "batched or shared on the same GPUs, instances started only while jobs are queued, or a CPU instance "
                "where the accelerator is not needed; publish GPU utilisation with the CloudWatch agent's nvidia_gpu "
                "section where it is not measured.",
    resource_types=[EC2_INSTANCE],
    needs=("ec2", "cloudwatch-metrics"),
    bullet=("Keep the GPUs of {resources} busy, or move its work off them",
            "Keep the GPUs of {resources} busy, or move their work off them"),
)
def accelerator_underused(estate: Estate) -> Iterator[Result]:
    # The analysis judged only running instances with an accelerator: the others have no result, and no verdict.
    for found in results_of(estate, accelerator_use.ANALYSIS):
        instance = found.resource
        if found.status == FAIL:
            yield fail(instance, found.evidence, measurements=measurements_of(estate, found))
        elif found.status == PASS:
            yield passed(instance, found.evidence)
        else:
            yield not_assessed(instance, found.evidence)
