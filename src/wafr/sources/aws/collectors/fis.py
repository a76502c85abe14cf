"""AWS Fault Injection Service: the Region's experiment templates and the experiments run from them, with when each
started and how it ended. The list calls' summaries carry no action or target parameters, so nothing free-form beyond
a template's description is read."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import FIS_EXPERIMENT, FIS_EXPERIMENT_TEMPLATE
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector


@collector(
    "fis",
    resource_types=(FIS_EXPERIMENT_TEMPLATE, FIS_EXPERIMENT),
    operations=("fis:ListExperimentTemplates", "fis:ListExperiments"),
)
def collect_fis(ctx: CollectContext) -> Iterator[Resource]:
    fis = ctx.client("fis")
    for template in ctx.paginate(fis, "list_experiment_templates", "experimentTemplates"):
        template_id = template["id"]
        yield ctx.resource(FIS_EXPERIMENT_TEMPLATE, template_id, arn=template.get("arn", ""),
                           name=template.get("description", "") or template_id, tags=template.get("tags") or {},
                           config={k: v for k, v in template.items() if k != "tags"})
    for experiment in ctx.paginate(fis, "list_experiments", "experiments"):
        experiment_id = experiment["id"]
        config = {k: v for k, v in experiment.items() if k != "tags"}
        yield ctx.resource(FIS_EXPERIMENT, experiment_id, arn=experiment.get("arn", ""), name=experiment_id,
                           tags=experiment.get("tags") or {}, config=config)
