"""Snapshots: an estate written to disk as versioned gzip JSON.

``collect`` writes one, ``review`` reads one, so a customer can collect with a read-only role and hand the
file to whoever reviews it. Resources are stored as the collectors built them; environments are derived
again on review, so a snapshot reviewed offline gives the same findings as the scan that made it.

Reading is defensive, since a snapshot may come from anyone: its decompressed size is capped (a gzip bomb is
refused after reading at most a few megabytes into memory), and the document is validated against
``wafr.schemas.snapshot`` before anything is built from it.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wafr.errors import WafrError
from wafr.estate import Coverage, Estate, Resource
from wafr.schemas import schema_error
from wafr.schemas.snapshot import SCHEMA, SnapshotDoc

# Environments are derived again on every review (an index on the estate); snapshots written before that carried them
# on each resource, and reading one drops them.
_DERIVED = {"environment", "environment_basis"}
# The largest snapshot (decompressed) a review reads; WAFR_MAX_SNAPSHOT_MB raises it for very large estates.
MAX_SNAPSHOT_MB = 256
_CHUNK = 1 << 20
# Decompressed straight into memory up to this size; a larger one is first measured without being kept, so a
# gzip bomb costs one pass over it, never its size in memory.
_IN_ONE_PASS = 16 << 20


def to_document(estate: Estate) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "metadata": estate.metadata,
        "resources": [asdict(r) for r in estate.resources],
        "coverage": [asdict(c) for c in estate.coverage],
        "metrics": estate.metrics,
    }


def encode(estate: Estate, *, compressed: bool = True) -> bytes:
    """The snapshot file's bytes (gzip JSON unless ``compressed`` is false)."""
    data = json.dumps(to_document(estate), separators=(",", ":"), sort_keys=True).encode()
    return gzip.compress(data, compresslevel=6, mtime=0) if compressed else data


def write(estate: Estate, path: Path) -> None:
    """Write the estate; a name ending in .gz is compressed."""
    data = encode(estate, compressed=path.suffix == ".gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(path)  # never leave a half-written snapshot under the real name


def from_document(doc: Any, origin: str = "snapshot") -> Estate:
    """The estate a snapshot document describes; a document that breaks the schema is a WafrError naming where."""
    if not isinstance(doc, dict) or "schema" not in doc:
        raise WafrError(f"{origin} is not a wafr snapshot (no 'schema' key).")
    if doc["schema"] != SCHEMA:
        raise WafrError(f"{origin}: schema: is {str(doc['schema'])[:80]!r}; this wafr reads {SCHEMA!r}.")
    try:
        valid = SnapshotDoc.model_validate(doc)
    except ValidationError as error:
        raise schema_error(error, origin) from None
    resources = [Resource(**{k: v for k, v in r.items() if k not in _DERIVED}) for r in valid.resources]
    coverage = [Coverage(**c) for c in valid.coverage]
    return Estate(resources=resources, coverage=coverage, metadata=dict(doc["metadata"]),
                  metrics=dict(doc["metrics"]))


def max_bytes() -> int:
    """The decompressed-size cap in bytes: WAFR_MAX_SNAPSHOT_MB, else MAX_SNAPSHOT_MB."""
    raw = os.environ.get("WAFR_MAX_SNAPSHOT_MB", "")
    try:
        megabytes = float(raw) if raw.strip() else MAX_SNAPSHOT_MB
    except ValueError:
        raise WafrError(f"WAFR_MAX_SNAPSHOT_MB must be a number of megabytes, not {raw[:40]!r}.") from None
    return int(megabytes * (1 << 20))


class _TooLarge(Exception):
    pass


def _measure(path: Path, cap: int) -> None:
    """Decompress without keeping anything; _TooLarge as soon as the size passes ``cap``."""
    size = 0
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise _TooLarge(size)


def _gunzip(path: Path, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > min(cap, _IN_ONE_PASS):
                break
            chunks.append(chunk)
        else:
            return b"".join(chunks)
    chunks.clear()
    _measure(path, cap)  # large: measured first, so a bomb never lands in memory
    with gzip.open(path, "rb") as stream:
        data = stream.read(cap + 1)  # bounded even if the file changed since it was measured
    if len(data) > cap:
        raise _TooLarge(len(data))
    return data


def _read_bytes(path: Path, cap: int) -> bytes:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return _gunzip(path, cap)
    if path.stat().st_size > cap:
        raise _TooLarge(path.stat().st_size)
    return path.read_bytes()


def read(path: Path) -> Estate:
    """Read a snapshot; anything unreadable becomes a WafrError naming the file."""
    if not path.exists():
        raise WafrError(f"Snapshot {path} does not exist.")
    if path.is_dir():
        raise WafrError(f"Snapshot {path} is a directory, not a snapshot file.")
    cap = max_bytes()
    try:
        raw = _read_bytes(path, cap)
    except _TooLarge:
        raise WafrError(f"Snapshot {path} is larger than {cap / (1 << 20):g} MB once decompressed; refusing it "
                        "(set WAFR_MAX_SNAPSHOT_MB to read a larger estate).") from None
    except (OSError, EOFError, zlib.error) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise WafrError(f"Snapshot {path} could not be read: {reason}") from None
    try:
        doc = json.loads(raw)
    except RecursionError:
        raise WafrError(f"Snapshot {path} is not valid JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, and integers too long to convert
        raise WafrError(f"Snapshot {path} is not valid JSON: {error}") from None
    return from_document(doc, origin=f"Snapshot {path}")

