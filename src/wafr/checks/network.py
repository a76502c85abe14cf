"""Network facts the network checks share: what an interface belongs to, public addresses, subnets,
VPC ranges, the component a resource is part of, and how evidence names a kind of resource."""

from __future__ import annotations

import ipaddress

from wafr.estate import Estate, Resource
from wafr.resource_types import (AUTOSCALING_GROUP, DYNAMODB_TABLE, EC2_INSTANCE, EC2_NAT_GATEWAY,
                                 EC2_NETWORK_INTERFACE, EC2_SUBNET, EC2_VPC, ECS_CLUSTER, ECS_SERVICE,
                                 ELASTICACHE_CACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP, ELB_LOAD_BALANCER,
                                 LAMBDA_FUNCTION, RDS_DB_CLUSTER, RDS_DB_INSTANCE)

# ENIs of the edge: they belong in public subnets and are judged through their owners.
EDGE_INTERFACE_TYPES = frozenset({
    "nat_gateway", "network_load_balancer", "gateway_load_balancer", "gateway_load_balancer_endpoint",
    "vpc_endpoint", "transit_gateway", "global_accelerator_managed", "api_gateway_managed",
})


# -- shared facts ---------------------------------------------------------------------------------------------
def named(resource: Resource) -> str:
    """``name (id)``, or just the id when it has no name."""
    return f"{resource.name} ({resource.id})" if resource.name and resource.name != resource.id else resource.id


def public_ips(resource: Resource) -> list[str]:
    """Public IPv4 addresses of an instance (all its interfaces) or of a network interface."""
    config = resource.config
    found = [config.get("PublicIpAddress"), (config.get("Association") or {}).get("PublicIp")]
    found += [(i.get("Association") or {}).get("PublicIp") for i in config.get("NetworkInterfaces", [])]
    return sorted({ip for ip in found if ip})


def eni_owner(eni: Resource, nat_interfaces: set[str]) -> str | None:
    """What an ENI belongs to, from its attachment, type and description; None for one nobody manages."""
    config = eni.config
    kind, description = config.get("InterfaceType", "interface"), config.get("Description") or ""
    if (config.get("Attachment") or {}).get("InstanceId"):
        return "instance"
    if kind == "nat_gateway" or eni.id in nat_interfaces:  # moto types NAT gateway ENIs as plain "interface"
        return "NAT gateway"
    if kind in ("network_load_balancer", "gateway_load_balancer") or description.startswith("ELB "):
        return "load balancer"
    if kind in EDGE_INTERFACE_TYPES:
        return "endpoint"
    if (description.startswith("arn:aws") and ":ecs:" in description) or kind in ("trunk", "branch"):
        return "ECS task"
    if description == "RDSNetworkInterface":
        return "RDS"
    if kind == "lambda" or description.startswith("AWS Lambda VPC ENI"):
        return "Lambda"
    if config.get("RequesterManaged"):
        return f"AWS-managed ({description[:60]})" if description else "AWS-managed"
    return None


def nat_interfaces(estate: Estate) -> set[str]:
    return {eni_id for nat in estate.of_type(EC2_NAT_GATEWAY) for eni_id in nat.link("network_interfaces")}


def vpc_networks(vpc: Resource) -> list[ipaddress.IPv4Network]:
    """The VPC's associated IPv4 ranges, primary and secondary."""
    blocks = [a["CidrBlock"] for a in vpc.config.get("CidrBlockAssociationSet", [])
              if (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"]
    if not blocks and vpc.config.get("CidrBlock"):
        blocks = [vpc.config["CidrBlock"]]
    return [ipaddress.ip_network(b, strict=False) for b in dict.fromkeys(blocks)]


def subnet_of(estate: Estate, resource: Resource) -> Resource | None:
    for subnet_id in resource.link("subnets"):
        subnet = estate.get(subnet_id, EC2_SUBNET, resource.account)
        if subnet is not None:
            return subnet
    return None


def component_key(resource: Resource) -> tuple[str, str]:
    """The component a resource is part of: an Aurora member is its cluster, a cache node its replication
    group, an Auto Scaling instance its group."""
    config = resource.config
    if resource.type == RDS_DB_INSTANCE and config.get("DBClusterIdentifier"):
        return RDS_DB_CLUSTER, config["DBClusterIdentifier"]
    if resource.type == ELASTICACHE_CACHE_CLUSTER and config.get("ReplicationGroupId"):
        return ELASTICACHE_REPLICATION_GROUP, config["ReplicationGroupId"]
    if resource.type == EC2_INSTANCE and resource.tags.get("aws:autoscaling:groupName"):
        return AUTOSCALING_GROUP, resource.tags["aws:autoscaling:groupName"]
    return resource.type, resource.id


# How evidence names a kind of resource.
KIND_NAMES = {
    EC2_VPC: "vpc", EC2_SUBNET: "subnet", EC2_INSTANCE: "ec2", EC2_NETWORK_INTERFACE: "network interface",
    ELB_LOAD_BALANCER: "load balancer", RDS_DB_INSTANCE: "rds", RDS_DB_CLUSTER: "rds cluster",
    ELASTICACHE_REPLICATION_GROUP: "elasticache", ELASTICACHE_CACHE_CLUSTER: "elasticache",
    DYNAMODB_TABLE: "dynamodb", ECS_CLUSTER: "ecs cluster", ECS_SERVICE: "ecs service",
    LAMBDA_FUNCTION: "lambda", AUTOSCALING_GROUP: "auto scaling group",
}


def kind_name(resource_type: str) -> str:
    """``AWS::RDS::DBInstance`` -> ``rds``; unlisted types as ``Service Type``."""
    if resource_type in KIND_NAMES:
        return KIND_NAMES[resource_type]
    parts = resource_type.split("::")
    return " ".join(parts[1:]) if len(parts) == 3 else resource_type
