"""VPC endpoints: gateway and interface endpoints, with the route tables a gateway endpoint serves, so traffic to
S3 or DynamoDB can be seen to stay off the NAT gateway."""

from wafr.resource_types import EC2_VPC_ENDPOINT
from wafr.sources.aws.declarative import Kind, List, declare

declare("vpc-endpoints", Kind(EC2_VPC_ENDPOINT, List("describe_vpc_endpoints", "VpcEndpoints"), id="VpcEndpointId",
                              tags="Tags", json=["PolicyDocument"]), client="ec2")
