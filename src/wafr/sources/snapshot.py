"""Snapshots: an estate written to disk as versioned gzip JSON.

``collect`` writes one, ``review`` reads one, so a customer can collect with a read-only role and hand the
file to whoever reviews it. Resources are stored as the collectors built them; environments are derived
again on review, so a snapshot reviewed offline gives the same findings as the scan that made it.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from wafr.errors import WafrError
from wafr.estate import Coverage, Estate, Resource

SCHEMA = "wafr.snapshot/1"
_DERIVED = {"environment", "environment_basis"}
_RESOURCE_FIELDS = {f.name for f in fields(Resource)} - _DERIVED


def to_document(estate: Estate) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "metadata": estate.metadata,
        "resources": [{k: v for k, v in asdict(r).items() if k not in _DERIVED} for r in estate.resources],
        "coverage": [asdict(c) for c in estate.coverage],
        "metrics": estate.metrics,
    }


def write(estate: Estate, path: Path) -> None:
    """Write the estate; a name ending in .gz is compressed."""
    data = json.dumps(to_document(estate), separators=(",", ":"), sort_keys=True).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    if path.suffix == ".gz":
        with gzip.open(tmp, "wb", compresslevel=6) as out:
            out.write(data)
    else:
        tmp.write_bytes(data)
    tmp.replace(path)  # never leave a half-written snapshot under the real name


def from_document(doc: Any, origin: str = "snapshot") -> Estate:
    if not isinstance(doc, dict) or "schema" not in doc:
        raise WafrError(f"{origin} is not a wafr snapshot (no 'schema' key).")
    if doc["schema"] != SCHEMA:
        raise WafrError(f"{origin} has schema {doc['schema']!r}; this wafr reads {SCHEMA!r}.")
    try:
        resources = []
        for i, item in enumerate(doc.get("resources", [])):
            unknown = set(item) - _RESOURCE_FIELDS - _DERIVED
            if unknown:
                raise WafrError(f"{origin}: resource #{i} has unknown field(s) {sorted(unknown)}")
            resources.append(Resource(**{k: v for k, v in item.items() if k in _RESOURCE_FIELDS}))
        coverage = [Coverage(**c) for c in doc.get("coverage", [])]
    except (TypeError, ValueError) as error:
        raise WafrError(f"{origin} is malformed: {error}") from None
    return Estate(resources=resources, coverage=coverage, metadata=dict(doc.get("metadata") or {}),
                  metrics=dict(doc.get("metrics") or {}))


def read(path: Path) -> Estate:
    """Read a snapshot; anything unreadable becomes a WafrError naming the file."""
    if not path.exists():
        raise WafrError(f"Snapshot {path} does not exist.")
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        doc = json.loads(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise WafrError(f"Snapshot {path} could not be read: {error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise WafrError(f"Snapshot {path} is not valid JSON: {error}") from None
    return from_document(doc, origin=f"Snapshot {path}")
