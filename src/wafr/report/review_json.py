"""review.json (schema wafr.review/1): the review for machines, and the input `wafr report` re-renders from."""

from __future__ import annotations

import json
from pathlib import Path

from wafr.errors import WafrError
from wafr.review.model import SCHEMA, Review


def render(review: Review) -> str:
    return json.dumps(review.to_dict(), indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Review:
    """Read a saved review; a file that is not one is the user's mistake, said plainly."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WafrError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WafrError(f"Cannot read {path} as JSON: {error}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise WafrError(f"{path} is not a review ({SCHEMA}); its schema is {found!r}. "
                        "Pass the review.json that scan, review or demo wrote.")
    try:
        return Review.from_dict(data)
    except (KeyError, TypeError, ValueError) as error:
        raise WafrError(f"{path} does not match {SCHEMA}: {error}") from None
