"""GuardDuty: the Region's threat-detection detector, if any, and whether it is enabled."""

from __future__ import annotations

from typing import Iterator

from wafr.estate import Resource
from wafr.resource_types import GUARDDUTY_DETECTOR
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.registry import collector


@collector(
    "guardduty",
    resource_types=(GUARDDUTY_DETECTOR,),
    operations=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def collect_guardduty(ctx: CollectContext) -> Iterator[Resource]:
    guardduty = ctx.client("guardduty")
    for detector_id in ctx.paginate(guardduty, "list_detectors", "DetectorIds"):
        # A detector without its status says nothing, so a failure here fails the Region's coverage.
        detector = guardduty.get_detector(DetectorId=detector_id)
        arn = f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account}:detector/{detector_id}"
        yield ctx.resource(GUARDDUTY_DETECTOR, detector_id, arn=arn, name=detector_id,
                           tags=detector.get("Tags") or {}, config=detector)
