"""Running the demo: the demo estate in moto, read by exactly the collectors a live scan uses."""

from __future__ import annotations

import contextlib
import os
from typing import Iterable, Iterator

import boto3

from wafr.estate import Estate
from wafr.sources.aws.collect import ProgressFn, collect_account
from wafr.sources.aws.session import open_session
from wafr.vocabulary import SAMPLE_SOURCES

# Anything in the user's environment that could send the demo's calls to a real account or another endpoint.
_REDIRECTING = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CA_BUNDLE")


@contextlib.contextmanager
def isolated_environment(region: str) -> Iterator[None]:
    """Dummy credentials and no profile, config file or custom endpoint, only while the demo runs."""
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name in _REDIRECTING or name.startswith("AWS_ENDPOINT_URL_"):
                del os.environ[name]
        os.environ.update({
            "AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": region,
            # A profile in the user's config files may set endpoint_url or credential_process.
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_demo(regions: Iterable[str] = ("us-east-1",), progress: ProgressFn | None = None) -> Estate:
    """Provision the demo estate in moto (in-process) and collect it; the estate is marked source "demo"."""
    from moto import mock_aws  # an optional dependency: only the demo needs it

    from wafr.demo.advisors import answer_advisors
    from wafr.demo.estate import provision
    from wafr.demo.metrics import seed_metrics
    from wafr.metrics.collect import collect_metrics

    regions = list(regions)
    home = regions[0]
    with isolated_environment(home), mock_aws():
        session = boto3.Session(region_name=home)
        provisioned = provision(session, home)
        seed_metrics(session, home, provisioned)
        aws = open_session(region=home)
        # moto has none of AWS's advisors: sample answers, on the scan's own clients, stand in for them.
        advisors = answer_advisors(aws, provisioned, home)
        estate = collect_account(aws, regions, progress=progress)
        collect_metrics(aws, estate, progress=progress)
    estate.metadata["source"] = "demo"
    estate.metadata["demo"] = provisioned
    estate.metadata[SAMPLE_SOURCES] = advisors  # the review says these advisors' answers are samples
    return estate
