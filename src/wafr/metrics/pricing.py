"""The price table (data/pricing.yaml): what a Fargate task, an RDS instance or an EBS volume costs, where recorded."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DATA_FILE = "pricing.yaml"


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    return yaml.safe_load(resources.files("wafr").joinpath("data", DATA_FILE).read_text(encoding="utf-8"))


def hours_per_month() -> float:
    return float(table()["hours_per_month"])


@dataclass(frozen=True)
class Price:
    hourly: float
    basis: str  # the assumptions a reader needs: which rates, from where, as of when

    @property
    def monthly(self) -> float:
        return self.hourly * hours_per_month()


def _source(section: str, region: str) -> str:
    data = table()[section]
    return f"{region} {data['basis']} ({data['source']}, as of {data['as_of']})"


def fargate_architecture(task_definition_config: dict[str, Any]) -> str:
    platform = task_definition_config.get("runtimePlatform") or {}
    return "arm64" if str(platform.get("cpuArchitecture", "")).upper() == "ARM64" else "x86_64"


def fargate_task(region: str, architecture: str, cpu_units: int, memory_mib: int) -> Price | None:
    """One task's hourly price, or None where the table has no rate for the region."""
    rates = (table()["fargate"]["regions"].get(region) or {}).get(architecture)
    if not rates:
        return None
    hourly = cpu_units / 1024 * rates["vcpu_hour"] + memory_mib / 1024 * rates["gb_hour"]
    basis = (f"Fargate {architecture} at ${rates['vcpu_hour']} per vCPU-hour and ${rates['gb_hour']} per GB-hour, "
             + _source("fargate", region))
    return Price(hourly, basis)


def rds_instance(region: str, engine: str, instance_class: str, multi_az: bool) -> Price | None:
    """An RDS instance's hourly price (standby included for Multi-AZ), or None where none is recorded."""
    hourly = ((table()["rds"]["regions"].get(region) or {}).get(engine) or {}).get(instance_class)
    if hourly is None:
        return None
    deployment = "Multi-AZ (primary and standby both billed)" if multi_az else "Single-AZ"
    return Price(hourly * (2 if multi_az else 1), f"RDS {engine} {deployment}, " + _source("rds", region))


def rds_class(instance_class: str) -> tuple[int, float] | None:
    """(vCPUs, memory GiB) of a DB instance class, where recorded."""
    found = table()["rds_classes"].get(instance_class)
    return (int(found[0]), float(found[1])) if found else None


def rds_family(instance_class: str) -> list[str]:
    """The recorded classes of the same family (db.r6g.*), smallest first."""
    family = instance_class.rsplit(".", 1)[0] + "."
    members = [c for c in table()["rds_classes"] if c.startswith(family)]
    return sorted(members, key=lambda c: (rds_class(c) or (0, 0))[::-1])


def ebs_rates(region: str) -> tuple[dict[str, float], str] | None:
    """EBS General Purpose SSD rates for a region (per GB-month, IOPS-month, MB/s-month) and their basis."""
    rates = table().get("ebs", {}).get("regions", {}).get(region)
    return (dict(rates), _source("ebs", region)) if rates else None


def public_ipv4() -> Price:
    """What one public IPv4 address (an Elastic IP included) costs an hour, in every region."""
    data = table()["public_ipv4"]
    return Price(float(data["hour"]), f"{data['basis']} ({data['source']}, as of {data['as_of']})")


def ec2_instance(region: str, instance_type: str) -> Price | None:
    """An EC2 instance's On-Demand Linux hourly price, or None where none is recorded."""
    hourly = (table().get("ec2", {}).get("regions", {}).get(region) or {}).get(instance_type)
    if hourly is None:
        return None
    return Price(float(hourly), f"EC2 {instance_type}, " + _source("ec2", region))


def ec2_type(instance_type: str) -> tuple[int, float] | None:
    """(vCPUs, memory GiB) of an EC2 instance type, where recorded."""
    found = table().get("ec2_types", {}).get(instance_type)
    return (int(found[0]), float(found[1])) if found else None


def ec2_family(instance_type: str) -> list[str]:
    """The recorded types of the same family (m6i.*), smallest first."""
    family = instance_type.split(".", 1)[0] + "."
    members = [t for t in table().get("ec2_types", {}) if t.startswith(family)]
    return sorted(members, key=lambda t: (ec2_type(t) or (0, 0))[::-1])


def dynamodb_rates(region: str) -> tuple[dict[str, float], dict[str, float], str] | None:
    """DynamoDB Standard rates for a region, the Standard-IA factors against them, and their basis."""
    data = table().get("dynamodb", {})
    rates = data.get("regions", {}).get(region)
    return (dict(rates), dict(data["infrequent_access"]), _source("dynamodb", region)) if rates else None
