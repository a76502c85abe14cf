"""The WA Tool's own session: the only ``wellarchitected`` operations wafr may call, declared once, and guarded.

The same declaration gives the guard's allowlist and the IAM policy ``wafr wa-tool iam-policy`` prints, so they
cannot drift apart. Throttling is left to botocore's adaptive retries, which back off across calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (BotoCoreError, ClientError, NoCredentialsError, ParamValidationError,
                                 ProfileNotFound)

from wafr.errors import WafrError
from wafr.sources.aws import guard

SERVICE = "wellarchitected"
LENS = "wellarchitected"  # the Well-Architected Framework's lens alias
READS = guard.reads(
    "wellarchitected:ListWorkloads", "wellarchitected:GetWorkload", "wellarchitected:ListAnswers",
    "wellarchitected:GetAnswer", "wellarchitected:ListMilestones",
)
WRITES = guard.operations(
    "wellarchitected:CreateWorkload", "wellarchitected:UpdateAnswer", "wellarchitected:CreateMilestone",
)
OPERATIONS = READS | WRITES
# Throttling (ThrottlingException, 429) is retried with adaptive back-off; the WA Tool's rate limits are low.
CLIENT_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10}, connect_timeout=10, read_timeout=60,
                       user_agent_extra="wafr-wa-tool")
# What the user can fix, by error code: said plainly, exit 2.
REFUSED = {"AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException",
           "InvalidClientTokenId", "UnauthorizedOperation"}


@dataclass
class WaTool:
    """A guarded ``wellarchitected`` client and the region it works in."""

    client: Any
    region: str

    @classmethod
    def from_session(cls, session: boto3.Session, region: str | None = None) -> WaTool:
        """Guard ``session`` with the WA Tool's declared operations (before its client copies the hooks)."""
        region = region or session.region_name
        if not region:
            raise WafrError("The WA Tool is regional: pass --region (or set AWS_REGION / a profile region).")
        guard.install(session.events, OPERATIONS)
        return cls(client=session.client(SERVICE, region_name=region, config=CLIENT_CONFIG), region=region)

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call; a refusal or failure the user can act on becomes a WafrError naming the operation."""
        method: Callable[..., dict[str, Any]] = getattr(self.client, xform_name(operation))
        try:
            return method(**params)
        except NoCredentialsError:
            raise WafrError("No AWS credentials found. Set a profile (--profile or AWS_PROFILE), environment "
                            "credentials, or SSO login.") from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "") or str(error)
            if code in REFUSED:
                raise WafrError(f"The WA Tool refused {operation} in {self.region} ({code}): {message}. "
                                "The permissions wafr needs: `wafr wa-tool iam-policy`.") from None
            raise WafrError(f"WA Tool {operation} failed in {self.region} ({code}): {message}") from None
        except ParamValidationError as error:
            raise WafrError(f"The WA Tool would refuse {operation}: {error}") from None
        except BotoCoreError as error:
            raise WafrError(f"Could not reach the WA Tool in {self.region}: {error}") from None


def open_wa_tool(profile: str | None = None, region: str | None = None) -> WaTool:
    """A WA Tool session from boto3's credential chain, guarded by the declared operations."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound:
        raise WafrError(f"AWS profile {profile!r} was not found in your AWS config or credentials files.") from None
    return WaTool.from_session(session, region)


def write_policy() -> dict[str, Any]:
    """The IAM policy the WA Tool commands need: exactly the declared operations."""
    from wafr.sources.aws.policy import iam_actions

    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "WafrWellArchitectedTool", "Effect": "Allow", "Action": list(iam_actions(OPERATIONS)),
                       "Resource": "*"}],
    }
