"""EC2 instance families as data (data/instance_families.yaml): generation, Graviton, the Graviton equivalent, vCPUs."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Mapping

from wafr.data import load as load_data


SCHEMA = "wafr.instance-families/1"
_NXLARGE = re.compile(r"^(\d+)xlarge$")


@cache
def families() -> dict[str, Any]:
    data = load_data("instance_families.yaml")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"data/instance_families.yaml: expected schema {SCHEMA}")
    return data


def family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


def is_previous_generation(instance_type: str) -> bool:
    return family(instance_type) in families()["previous_generation"]


def is_graviton(instance_type: str) -> bool:
    return family(instance_type) in families()["graviton"]


def graviton_equivalent(instance_type: str) -> str | None:
    return families()["graviton_equivalent"].get(family(instance_type))


def vcpus(instance: Mapping[str, Any]) -> int | None:
    """An instance's vCPUs: from its CPU options where it reports them, else from its size; None if unknown."""
    options = instance.get("CpuOptions") or {}
    if options.get("CoreCount") and options.get("ThreadsPerCore"):
        return int(options["CoreCount"]) * int(options["ThreadsPerCore"])
    name, _, size = str(instance.get("InstanceType", "")).partition(".")
    known = families()["vcpus_by_family_size"].get(name, {}).get(size) or families()["vcpus_by_size"].get(size)
    if known:
        return int(known)
    multiple = _NXLARGE.match(size)
    return 4 * int(multiple.group(1)) if multiple else None
