"""AWS Network Firewall: firewalls with the VPC and subnets each inspects."""

from wafr.resource_types import NETWORK_FIREWALL
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

declare("network-firewall", Kind(
    NETWORK_FIREWALL, List("list_firewalls", "Firewalls"),
    details=[Detail("describe_firewall", "", into="", FirewallArn=at("FirewallArn"))],
    id="FirewallName", arn="FirewallArn", tags="Firewall.Tags",
))
