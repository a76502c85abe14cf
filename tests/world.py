"""A mocked account arranged once per test module and only read: tests share its collected estates."""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

import boto3
from moto import mock_aws

from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

REGION = "us-east-1"


class World:
    """The mocked account, what was arranged in it, and estates collected from it (each once)."""

    def __init__(self, aws: Any, parts: Any) -> None:
        self.aws, self.parts, self._estates = aws, parts, {}

    def collected(self, *services: str, regions: tuple[str, ...] = (REGION,)):
        key = (tuple(sorted(services)), tuple(regions))
        if key not in self._estates:
            self._estates[key] = collect_account(self.aws, list(regions), services=list(key[0]), max_workers=4)
        return copy.deepcopy(self._estates[key])  # evaluate() classifies in place; tests stay independent


def mocked_world(arrange: Callable[[boto3.Session], Any], region: str = REGION) -> Iterator[World]:
    """The conftest ``aws``/``boto`` pair, held for a whole module: ``arrange`` builds the estate once."""
    with mock_aws():
        parts = arrange(boto3.Session(region_name=region))
        yield World(open_session(region=region), parts)
