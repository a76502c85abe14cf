"""Cognito user pools: MFA, threat protection, password policy and deletion protection. Message templates and
delivery settings are free text, so data/redaction.yaml keeps only what the checks read."""

from wafr.resource_types import COGNITO_USER_POOL
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare


declare("cognito-idp", Kind(
    COGNITO_USER_POOL, List("list_user_pools", "UserPools", MaxResults=60), id="Id", name="Name", arn="Arn",
    details=[Detail("describe_user_pool", "UserPool", into="", UserPoolId=at("Id"))],
    tags="UserPoolTags",
))
