"""review.json (schema wafr.review/1): the review for machines, and the input `wafr report` re-renders from."""

from __future__ import annotations

import json
from pathlib import Path

from wafr.errors import WafrError
from wafr.review.model import SCHEMA, Review


def render(review: Review) -> str:
    return json.dumps(review.to_dict(), indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Review:
    """Read a saved review, validated against wafr.review.schema; a file that is not one is said plainly, with
    the path inside it that is wrong."""
    from pydantic import ValidationError

    from wafr.schemas import schema_error
    from wafr.review.schema import validate

    if path.is_dir():
        raise WafrError(f"{path} is a directory; pass the review.json inside it.")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise WafrError(f"{path} does not exist.") from None
    except RecursionError:
        raise WafrError(f"Cannot read {path} as JSON: nested too deeply") from None
    except OSError as error:
        raise WafrError(f"Cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, integers too long to convert
        raise WafrError(f"Cannot read {path} as JSON: {error}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise WafrError(f"{path} is not a review ({SCHEMA}); its schema is {str(found)[:80]!r}. "
                        "Pass the review.json that scan, review or demo wrote.")
    try:
        validate(data)
    except ValidationError as error:
        raise schema_error(error, str(path)) from None
    except ValueError as error:  # a name that points nowhere
        raise WafrError(f"{path}: {error}") from None
    return Review.from_dict(data)
