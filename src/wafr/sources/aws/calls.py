"""API calls counted as they are made: by service for the snapshot, and repeats of the same request.

A botocore hook on ``before-parameter-build`` sees every operation once per call (retries are not new
calls), with the caller's own parameters, so two identical describes in one account-region show up.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any


class ApiCalls:
    """Thread-safe tallies of the calls made through the sessions it is installed on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_service: Counter[str] = Counter()
        self.by_operation: Counter[str] = Counter()
        self._seen: set[tuple[str, str, str, str]] = set()
        self.repeated: Counter[str] = Counter()

    def install(self, events: Any) -> None:
        events.register("before-parameter-build.*.*", self._count, unique_id=f"wafr-api-calls-{id(self)}")

    def _count(self, params: Any = None, model: Any = None, context: Any = None, **_: Any) -> None:
        service = getattr(getattr(model, "service_model", None), "endpoint_prefix", "?")
        operation = getattr(model, "name", "?")
        region = (context or {}).get("client_region") or ""
        try:
            request = json.dumps(params, sort_keys=True, default=str)
        except (TypeError, ValueError):
            request = repr(params)
        key = (region, service, operation, request)
        with self._lock:
            self.by_service[service] += 1
            self.by_operation[f"{service}:{operation}"] += 1
            if key in self._seen:
                self.repeated[f"{service}:{operation} {region}".strip()] += 1
            else:
                self._seen.add(key)

    @property
    def total(self) -> int:
        return sum(self.by_service.values())

    def summary(self) -> dict[str, Any]:
        """What goes into the snapshot's metadata["api_calls"]."""
        with self._lock:
            return {"total": sum(self.by_service.values()), "by_service": dict(sorted(self.by_service.items())),
                    "by_operation": dict(sorted(self.by_operation.items())),
                    "repeated": dict(sorted(self.repeated.items()))}


def merge(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """One summary for several accounts' runs."""
    by_service: Counter[str] = Counter()
    by_operation: Counter[str] = Counter()
    repeated: Counter[str] = Counter()
    for s in summaries:
        by_service.update(s.get("by_service", {}))
        by_operation.update(s.get("by_operation", {}))
        repeated.update(s.get("repeated", {}))
    return {"total": sum(by_service.values()), "by_service": dict(sorted(by_service.items())),
            "by_operation": dict(sorted(by_operation.items())), "repeated": dict(sorted(repeated.items()))}
