"""The answers file's schema (wafr.answers/1), as the team writes it by hand.

The file is checked as YAML text: every scalar is taken as the text written (``owner: 2024`` is the owner
"2024", not a number), null where nothing is written. Unknown keys are errors everywhere, since a misspelt key
(``stauts:``) would otherwise drop an answer silently. What the schema cannot say (the framework edition this wafr
asks, known best-practice IDs, a reason only for not-applicable) is checked by ``wafr.questionnaire.reader``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict

from wafr.schemas import kind_of
from wafr.schemas import problem as generic_problem
from wafr.vocabulary import ANSWER_STATUSES as STATUSES
from wafr.vocabulary import ANSWER_SUGGESTIONS as SUGGESTIONS
from wafr.vocabulary import ANSWERS_SCHEMA as SCHEMA


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


def _shorthand(value: Any) -> Any:
    """``OPS06-BP01: met`` is short for ``OPS06-BP01: {status: met}``."""
    return {"status": value} if value is None or isinstance(value, str) else value


class EntryDoc(_Strict):
    status: Literal[STATUSES]  # type: ignore[valid-type]
    reason: Optional[str] = None
    suggested: Optional[Literal[SUGGESTIONS]] = None  # type: ignore[valid-type]
    owner: Optional[str] = None
    note: Optional[str] = None


class AnswersDoc(_Strict):
    schema_: str  # the version itself is compared first, with its own message (reader)
    framework_edition: str
    workload: Optional[str] = None
    prefilled_from: Optional[str] = None
    answers: Optional[dict[str, Annotated[EntryDoc, BeforeValidator(_shorthand)]]]

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True,
                              alias_generator=lambda name: name.rstrip("_"))


def problem(error: dict[str, Any]) -> str:
    """As wafr.schemas.problem, in the words of a hand-written file."""
    shown = error.get("input")
    if error["type"] in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a mapping of keys to values"
    if isinstance(shown, (list, dict)) and error["type"] in ("string_type", "literal_error"):
        return "must be a single value, not a list or mapping"
    return generic_problem(error)


__all__ = ["SCHEMA", "AnswersDoc", "EntryDoc", "kind_of", "problem"]
