"""Phases that allocate hundreds of thousands of objects at once: judging an estate (a finding per check x resource)
and building its review.

Python's cycle collector runs whenever enough new objects have been allocated, and each of its full collections
walks every object alive, the whole estate's configurations included: on a 100,000-resource estate that is a third of
the time spent judging it. These phases create no reference cycles worth collecting early, so the collector waits
until the phase ends; reference counting still frees everything dropped along the way.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the phase (a nested pause leaves it to the outer one to resume)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
