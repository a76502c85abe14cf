"""ECR: repositories, with scan on push, tag mutability, encryption, and whether a lifecycle policy and a
repository policy exist (with their documents); and the registry's scanning configuration, which can scan
repositories whatever their own scan-on-push setting says."""

from wafr.resource_types import ECR_REGISTRY_SCANNING_CONFIGURATION, ECR_REPOSITORY
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

NAME = at("repositoryName")

declare(
    "ecr",
    Kind(ECR_REPOSITORY, List("describe_repositories", "repositories"), id="repositoryName", arn="repositoryArn",
         details=[Detail("get_lifecycle_policy", "lifecyclePolicyText", into="LifecyclePolicy", repositoryName=NAME,
                         absent=["LifecyclePolicyNotFoundException"]),
                  Detail("get_repository_policy", "policyText", into="RepositoryPolicy", repositoryName=NAME,
                         absent=["RepositoryPolicyNotFoundException"])],
         tags=Detail("list_tags_for_resource", "tags", resourceArn=at("repositoryArn")),
         json=["LifecyclePolicy", "RepositoryPolicy"]),
    Kind(ECR_REGISTRY_SCANNING_CONFIGURATION, List("get_registry_scanning_configuration", ""), id="registryId"),
)
