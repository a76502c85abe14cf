"""CloudWatch Synthetics: the canaries that exercise endpoints and user journeys on a schedule (name, state and
schedule; data/redaction.yaml drops their code location and run settings)."""

from wafr.resource_types import SYNTHETICS_CANARY
from wafr.sources.aws.declarative import Kind, List, declare


def _state(config: dict) -> dict:
    return {"State": (config.get("Status") or {}).get("State", "")}


declare("synthetics", Kind(SYNTHETICS_CANARY, List("describe_canaries", "Canaries"), id="Name", tags="Tags",
                           derive=_state))
