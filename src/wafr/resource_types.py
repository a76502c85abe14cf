"""AWS resource types, in AWS's own names (CloudFormation's, AWS Config's): one constant each, and what
data/resource_types.yaml says of each: the collectors that read it and how the review names one.

Modules name a type by its constant here, never by spelling the string again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from wafr.data import load as load_data

ACCOUNT = "AWS::::Account"
ACCESS_ANALYZER_ANALYZER = "AWS::AccessAnalyzer::Analyzer"
# Ours: AWS has no resource type for an account's alternate contacts (security, operations).
ACCOUNT_ALTERNATE_CONTACT = "AWS::Account::AlternateContact"
APIGW_DOMAIN_NAME = "AWS::ApiGateway::DomainName"
APIGW_REST_API = "AWS::ApiGateway::RestApi"
APIGW_STAGE = "AWS::ApiGateway::Stage"
APIGWV2_API = "AWS::ApiGatewayV2::Api"
APIGWV2_DOMAIN_NAME = "AWS::ApiGatewayV2::DomainName"
APIGWV2_STAGE = "AWS::ApiGatewayV2::Stage"
APP_AUTOSCALING_SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
APP_AUTOSCALING_SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
AUTOSCALING_GROUP = "AWS::AutoScaling::AutoScalingGroup"
AUTOSCALING_LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
BACKUP_PLAN = "AWS::Backup::BackupPlan"
BACKUP_RESTORE_TESTING_PLAN = "AWS::Backup::RestoreTestingPlan"
BACKUP_VAULT = "AWS::Backup::BackupVault"
BUDGET = "AWS::Budgets::Budget"
BCM_DATA_EXPORT = "AWS::BCMDataExports::Export"
CE_COMMITMENT_SUMMARY = "AWS::CE::CommitmentSummary"
CE_ANOMALY_MONITOR = "AWS::CE::AnomalyMonitor"
CE_ANOMALY_SUBSCRIPTION = "AWS::CE::AnomalySubscription"
CLOUDFORMATION_STACK = "AWS::CloudFormation::Stack"
CLOUDFRONT_DISTRIBUTION = "AWS::CloudFront::Distribution"
CLOUDTRAIL_TRAIL = "AWS::CloudTrail::Trail"
CLOUDWATCH_ALARM = "AWS::CloudWatch::Alarm"
CLOUDWATCH_COMPOSITE_ALARM = "AWS::CloudWatch::CompositeAlarm"
CLOUDWATCH_DASHBOARD = "AWS::CloudWatch::Dashboard"
CODEBUILD_PROJECT = "AWS::CodeBuild::Project"
CODEDEPLOY_APPLICATION = "AWS::CodeDeploy::Application"
CODEDEPLOY_DEPLOYMENT_GROUP = "AWS::CodeDeploy::DeploymentGroup"
CODEPIPELINE_PIPELINE = "AWS::CodePipeline::Pipeline"
COGNITO_USER_POOL = "AWS::Cognito::UserPool"
COMPUTE_OPTIMIZER_RECOMMENDATION = "AWS::ComputeOptimizer::Recommendation"
CONFIG_RULE = "AWS::Config::ConfigRule"
CONFIG_CONFIGURATION_AGGREGATOR = "AWS::Config::ConfigurationAggregator"
CONFIG_CONFIGURATION_RECORDER = "AWS::Config::ConfigurationRecorder"
COST_OPTIMIZATION_HUB_RECOMMENDATION = "AWS::CostOptimizationHub::Recommendation"
CUR_REPORT_DEFINITION = "AWS::CUR::ReportDefinition"
DETECTIVE_GRAPH = "AWS::Detective::Graph"
DETECTIVE_MEMBERSHIP = "AWS::Detective::Membership"
DIRECTCONNECT_CONNECTION = "AWS::DirectConnect::Connection"
DIRECTCONNECT_VIRTUAL_INTERFACE = "AWS::DirectConnect::VirtualInterface"
DYNAMODB_TABLE = "AWS::DynamoDB::Table"
EC2_CLIENT_VPN_ENDPOINT = "AWS::EC2::ClientVpnEndpoint"
EC2_EBS_ENCRYPTION_BY_DEFAULT = "AWS::EC2::EBSEncryptionByDefault"
EC2_EIP = "AWS::EC2::EIP"
EC2_INSTANCE = "AWS::EC2::Instance"
EC2_LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
EC2_INTERNET_GATEWAY = "AWS::EC2::InternetGateway"
EC2_NAT_GATEWAY = "AWS::EC2::NatGateway"
EC2_NETWORK_ACL = "AWS::EC2::NetworkAcl"
EC2_NETWORK_INTERFACE = "AWS::EC2::NetworkInterface"
EC2_ROUTE_TABLE = "AWS::EC2::RouteTable"
EC2_SECURITY_GROUP = "AWS::EC2::SecurityGroup"
EC2_SNAPSHOT = "AWS::EC2::Snapshot"
EC2_SUBNET = "AWS::EC2::Subnet"
EC2_TRANSIT_GATEWAY_ATTACHMENT = "AWS::EC2::TransitGatewayAttachment"
EC2_TRANSIT_GATEWAY_ROUTE_TABLE = "AWS::EC2::TransitGatewayRouteTable"
EC2_VPC = "AWS::EC2::VPC"
EC2_VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
EC2_VPC_PEERING_CONNECTION = "AWS::EC2::VPCPeeringConnection"
EC2_VPN_CONNECTION = "AWS::EC2::VPNConnection"
EC2_VPN_GATEWAY = "AWS::EC2::VPNGateway"
EC2_VOLUME = "AWS::EC2::Volume"
ECR_REGISTRY_SCANNING_CONFIGURATION = "AWS::ECR::RegistryScanningConfiguration"
ECR_REPOSITORY = "AWS::ECR::Repository"
ECS_CLUSTER = "AWS::ECS::Cluster"
ECS_SERVICE = "AWS::ECS::Service"
ECS_TASK_DEFINITION = "AWS::ECS::TaskDefinition"
EFS_FILE_SYSTEM = "AWS::EFS::FileSystem"
EKS_ADDON = "AWS::EKS::Addon"
EKS_CLUSTER = "AWS::EKS::Cluster"
EKS_NODEGROUP = "AWS::EKS::Nodegroup"
ELASTICACHE_CACHE_CLUSTER = "AWS::ElastiCache::CacheCluster"
ELASTICACHE_REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"
ELB_CLASSIC_LOAD_BALANCER = "AWS::ElasticLoadBalancing::LoadBalancer"
ELB_LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
ELB_LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
ELB_TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
EVENTS_EVENT_BUS = "AWS::Events::EventBus"
EVENTS_RULE = "AWS::Events::Rule"
FIS_EXPERIMENT = "AWS::FIS::Experiment"
FIS_EXPERIMENT_TEMPLATE = "AWS::FIS::ExperimentTemplate"
FMS_POLICY = "AWS::FMS::Policy"
GUARDDUTY_DETECTOR = "AWS::GuardDuty::Detector"
GUARDDUTY_ORGANIZATION_CONFIGURATION = "AWS::GuardDuty::OrganizationConfiguration"
HEALTH_EVENT = "AWS::Health::Event"
IAM_ACCESS_KEY = "AWS::IAM::AccessKey"
IAM_ACCOUNT_PASSWORD_POLICY = "AWS::IAM::AccountPasswordPolicy"
IAM_ACCOUNT_SUMMARY = "AWS::IAM::AccountSummary"
IAM_GROUP = "AWS::IAM::Group"
IAM_OIDC_PROVIDER = "AWS::IAM::OIDCProvider"
IAM_POLICY = "AWS::IAM::Policy"
IAM_ROLE = "AWS::IAM::Role"
IAM_SAML_PROVIDER = "AWS::IAM::SAMLProvider"
IAM_USER = "AWS::IAM::User"
INSPECTOR2_ACCOUNT_STATUS = "AWS::Inspector2::AccountStatus"
KMS_KEY = "AWS::KMS::Key"
KINESIS_STREAM = "AWS::Kinesis::Stream"
FIREHOSE_DELIVERY_STREAM = "AWS::KinesisFirehose::DeliveryStream"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
LOGS_LOG_GROUP = "AWS::Logs::LogGroup"
MACIE_SESSION = "AWS::Macie::Session"
NETWORK_FIREWALL = "AWS::NetworkFirewall::Firewall"
OPENSEARCH_DOMAIN = "AWS::OpenSearchService::Domain"
ORG_ACCOUNT = "AWS::Organizations::Account"
ORG_MANAGEMENT_POLICY = "AWS::Organizations::ManagementPolicy"
ORGANIZATION = "AWS::Organizations::Organization"
ORG_POLICY = "AWS::Organizations::Policy"
RAM_RESOURCE_SHARE = "AWS::RAM::ResourceShare"
RDS_DB_CLUSTER = "AWS::RDS::DBCluster"
RDS_DB_INSTANCE = "AWS::RDS::DBInstance"
REDSHIFT_CLUSTER = "AWS::Redshift::Cluster"
REDSHIFT_CLUSTER_PARAMETER_GROUP = "AWS::Redshift::ClusterParameterGroup"
ROUTE53_HEALTH_CHECK = "AWS::Route53::HealthCheck"
ROUTE53_HOSTED_ZONE = "AWS::Route53::HostedZone"
ROUTE53_QUERY_LOGGING_CONFIG = "AWS::Route53::QueryLoggingConfig"
RUM_APP_MONITOR = "AWS::RUM::AppMonitor"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "AWS::S3::AccountPublicAccessBlock"
S3_BUCKET = "AWS::S3::Bucket"
SNS_TOPIC = "AWS::SNS::Topic"
SQS_QUEUE = "AWS::SQS::Queue"
SSM_ASSOCIATION = "AWS::SSM::Association"
SSM_DOCUMENT = "AWS::SSM::Document"
SSM_MANAGED_INSTANCE = "AWS::SSM::ManagedInstance"
SSM_PATCH_COMPLIANCE = "AWS::SSM::PatchCompliance"
SSM_CONTACTS_CONTACT = "AWS::SSMContacts::Contact"
SSM_INCIDENTS_REPLICATION_SET = "AWS::SSMIncidents::ReplicationSet"
SSM_INCIDENTS_RESPONSE_PLAN = "AWS::SSMIncidents::ResponsePlan"
SSO_INSTANCE = "AWS::SSO::Instance"
SECRETSMANAGER_SECRET = "AWS::SecretsManager::Secret"
SECURITYHUB_FINDING = "AWS::SecurityHub::Finding"
SECURITYHUB_HUB = "AWS::SecurityHub::Hub"
SECURITYHUB_ORGANIZATION_CONFIGURATION = "AWS::SecurityHub::OrganizationConfiguration"
SERVICE_QUOTAS_QUOTA = "AWS::ServiceQuotas::Quota"
SFN_STATE_MACHINE = "AWS::StepFunctions::StateMachine"
SUPPORT_TRUSTED_ADVISOR_CHECK = "AWS::Support::TrustedAdvisorCheck"
SYNTHETICS_CANARY = "AWS::Synthetics::Canary"
WAFV2_WEB_ACL = "AWS::WAFv2::WebACL"
XRAY_GROUP = "AWS::XRay::Group"


@dataclass(frozen=True)
class ResourceType:
    type: str
    services: tuple[str, ...]  # the collectors (coverage keys) that read it; none for a type only checks derive
    name: str  # how the review names one before its name or id: "RDS DB instance"


@cache
def resource_types() -> dict[str, ResourceType]:
    """Every type wafr knows, from data/resource_types.yaml."""
    types = {}
    for type_, entry in load_data("resource_types.yaml").items():
        service = entry.get("service") or ()
        types[type_] = ResourceType(type_, (service,) if isinstance(service, str) else tuple(service), entry["name"])
    return types


def services_of(resource_type: str) -> tuple[str, ...]:
    """The collectors that read a type (its coverage keys); () for a type wafr does not know."""
    known = resource_types().get(resource_type)
    return known.services if known else ()


def display_name(resource_type: str) -> str:
    """How the review names a type: "RDS DB instance"; an unknown type as its own parts ("Service Type")."""
    known = resource_types().get(resource_type)
    if known:
        return known.name
    parts = resource_type.split("::")
    return " ".join(parts[1:]) if len(parts) == 3 else resource_type
