"""Secrets Manager: secrets' metadata (rotation, last access, key, tags) from ListSecrets; never a value."""

from wafr.resource_types import SECRETSMANAGER_SECRET
from wafr.sources.aws.declarative import Kind, List, declare


declare("secretsmanager",
        Kind(SECRETSMANAGER_SECRET, List("list_secrets", "SecretList"), id="Name", arn="ARN", tags="Tags"))
