"""The AWS operations wafr's code calls, recorded through the same botocore event the read-only guard listens to."""

from __future__ import annotations

import threading
from typing import Any

from wafr.estate import Estate
from wafr.sources.aws.collect import collect_account


class Recorder:
    """Every (service, operation) called through a session, as the guard sees it (botocore's names)."""

    def __init__(self, session) -> None:
        self.calls: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        session.events.register("before-parameter-build.*.*", self._record, unique_id=f"record-{id(self)}")

    def _record(self, model=None, **_):
        with self._lock:
            self.calls.add((model.service_model.service_name, model.name))

    def during(self, work) -> set[tuple[str, str]]:
        self.calls.clear()
        work()
        return set(self.calls)


def each_collector_alone(aws: Any, services: list[str], region: str
                         ) -> tuple[dict[str, Estate], dict[str, set[tuple[str, str]]]]:
    """Each collector read on its own: its estate, and the (service, operation) pairs it called."""
    recorder = Recorder(aws.session)
    estates, calls = {}, {}
    for name in services:
        calls[name] = recorder.during(
            lambda name=name: estates.__setitem__(name, collect_account(aws, [region], services=[name],
                                                                        max_workers=1)))
    return estates, calls
