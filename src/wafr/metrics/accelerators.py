"""Which EC2 instance families carry accelerators, what they carry, and whether wafr can read how busy they are
(data/accelerators.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from wafr.data import load as load_data

SCHEMA = "wafr.accelerators/1"
NVIDIA_GPU = "nvidia-gpu"  # the only kind whose utilisation the CloudWatch agent publishes under a fixed name


@dataclass(frozen=True)
class Accelerator:
    family: str
    kind: str
    carries: str  # e.g. "NVIDIA A10G GPUs"

    @property
    def measurable(self) -> bool:
        return self.kind == NVIDIA_GPU


@cache
def _families() -> dict[str, dict[str, str]]:
    data = load_data("accelerators.yaml")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"data/accelerators.yaml: expected schema {SCHEMA}")
    return data["families"]


def accelerator_of(instance_type: str | None) -> Accelerator | None:
    """The accelerator an instance type carries, or None when its family carries none (or is not recorded)."""
    family = (instance_type or "").split(".", 1)[0]
    found = _families().get(family)
    return Accelerator(family, found["kind"], found["carries"]) if found else None
