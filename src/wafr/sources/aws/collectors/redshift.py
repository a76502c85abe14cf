"""Redshift: provisioned clusters, with encryption, network exposure, snapshots, Multi-AZ and audit logging status;
and parameter groups, with the parameters set away from the engine's defaults (require_ssl among them)."""

from wafr.resource_types import REDSHIFT_CLUSTER, REDSHIFT_CLUSTER_PARAMETER_GROUP
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare(
    "redshift",
    Kind(REDSHIFT_CLUSTER, List("describe_clusters", "Clusters"), id="ClusterIdentifier", tags="Tags",
         details=[Detail("describe_logging_status", "", into="LoggingStatus",
                         ClusterIdentifier=at("ClusterIdentifier"))]),
    Kind(REDSHIFT_CLUSTER_PARAMETER_GROUP, List("describe_cluster_parameter_groups", "ParameterGroups"),
         id="ParameterGroupName",
         tags="Tags",
         details=[Detail("describe_cluster_parameters", "Parameters", ParameterGroupName=at("ParameterGroupName"),
                         Source="user")]),
)
