"""Secrets Manager: secrets' metadata (rotation, last access, key, tags) from ListSecrets; never a value."""

from wafr.sources.aws.declarative import Kind, List, declare

SECRET = "AWS::SecretsManager::Secret"

declare("secretsmanager", Kind(SECRET, List("list_secrets", "SecretList"), id="Name", arn="ARN", tags="Tags"))
