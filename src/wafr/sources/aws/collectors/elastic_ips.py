"""Elastic IP addresses, with what each is associated with (an instance or a network interface) and tags."""

from wafr.resource_types import EC2_EIP
from wafr.sources.aws.declarative import Kind, List, as_tags, declare

declare("elastic-ips", Kind(EC2_EIP, List("describe_addresses", "Addresses"), id="AllocationId", tags="Tags",
                            name=lambda address: as_tags(address.get("Tags")).get("Name") or address.get("PublicIp")),
        client="ec2")
