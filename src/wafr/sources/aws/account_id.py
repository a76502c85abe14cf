"""AWS account ids: exactly twelve ASCII digits, checked wherever one enters a scan.

An id from Organizations, STS or the command line ends up in file names (a resume directory's saved accounts),
role ARNs and the review; one that is not twelve digits (``x/../../../escaped``) is never used for any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wafr.control_chars import visible
from wafr.errors import WafrError

_ACCOUNT_ID = re.compile(r"[0-9]{12}")  # not \d: it matches other scripts' digits too


def is_account_id(value: object) -> bool:
    return isinstance(value, str) and _ACCOUNT_ID.fullmatch(value) is not None


def shown(value: object, limit: int = 40) -> str:
    """A rejected id as a message can quote it: control characters visible, cut to ``limit``."""
    text = visible(str(value))
    return repr(text if len(text) <= limit else text[:limit] + "...")


def require(values: Iterable[str], source: str) -> list[str]:
    """``values`` unchanged when each is an account id; otherwise a WafrError naming ``source`` and the bad ones."""
    values = list(values)
    bad = [v for v in values if not is_account_id(v)]
    if bad:
        raise WafrError(f"{source}: {', '.join(shown(v) for v in bad[:5])} "
                        f"{'is not an account id' if len(bad) == 1 else 'are not account ids'} (12 digits).")
    return values
