"""Responses shaped as AWS documents them, for Stubber tests of collectors whose calls moto cannot fail one by one."""

from __future__ import annotations

from typing import Any


def bucket_settings_never_set(stub: Any) -> None:
    """The per-bucket settings reads after GetBucketReplication, answered as for a bucket that never set them
    (S3 answers a missing policy, lifecycle or lock with a 404 error of its own)."""
    stub.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", http_status_code=404)
    stub.add_client_error("get_bucket_ownership_controls", "OwnershipControlsNotFoundError", http_status_code=404)
    stub.add_response("get_bucket_versioning", {})
    stub.add_client_error("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration", http_status_code=404)
    stub.add_response("list_bucket_intelligent_tiering_configurations", {"IsTruncated": False})
    stub.add_response("get_bucket_logging", {})
    stub.add_client_error("get_object_lock_configuration", "ObjectLockConfigurationNotFoundError",
                          http_status_code=404)


def function_settings_never_set(stub: Any) -> None:
    """The per-function reads after ListTags, answered as for a function that set none of them, then the region's
    event source mappings (none)."""
    stub.add_response("get_function_concurrency", {})
    stub.add_response("list_function_event_invoke_configs", {"FunctionEventInvokeConfigs": []})
    stub.add_response("list_function_url_configs", {"FunctionUrlConfigs": []})
    stub.add_client_error("get_policy", "ResourceNotFoundException", http_status_code=404)
    stub.add_response("list_event_source_mappings", {"EventSourceMappings": []})
