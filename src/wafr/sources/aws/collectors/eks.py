"""EKS: clusters (version, control-plane logging, endpoint access, secrets encryption) and their managed node
groups (subnets, scaling). Managed add-ons are read by the eks-addons collector."""

from wafr.resource_types import EKS_CLUSTER, EKS_NODEGROUP
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare(
    "eks",
    Kind(EKS_CLUSTER, List("list_clusters", "clusters", item="name"),
         details=[Detail("describe_cluster", "cluster", into="", name=at("name"))],
         id="name", arn="arn", tags="tags"),
    Kind(EKS_NODEGROUP, List("list_nodegroups", "nodegroups", item="nodegroupName", within=EKS_CLUSTER,
                         clusterName=at("name"), carry={"clusterName": "name"}),
         details=[Detail("describe_nodegroup", "nodegroup", into="", clusterName=at("clusterName"),
                         nodegroupName=at("nodegroupName"))],
         id="nodegroupName", arn="nodegroupArn", tags="tags"),
)
