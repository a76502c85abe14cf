"""EFS: file systems (encryption, throughput and performance mode, One Zone placement, tags), with their automatic
backup policy, lifecycle policies, mount targets and file system policy."""

from wafr.resource_types import EFS_FILE_SYSTEM
from wafr.sources.aws.declarative import Detail, Kind, List, at, declare

ID = at("FileSystemId")

declare("efs", Kind(
    EFS_FILE_SYSTEM, List("describe_file_systems", "FileSystems"), id="FileSystemId", arn="FileSystemArn", name="Name",
    details=[Detail("describe_backup_policy", "BackupPolicy", FileSystemId=ID, absent=["PolicyNotFound"]),
             Detail("describe_lifecycle_configuration", "LifecyclePolicies", FileSystemId=ID),
             Detail("describe_mount_targets", "MountTargets", FileSystemId=ID),
             Detail("describe_file_system_policy", "Policy", into="FileSystemPolicy", FileSystemId=ID,
                    absent=["PolicyNotFound"])],
    tags="Tags", json=["FileSystemPolicy"],
))
