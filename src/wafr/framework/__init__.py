"""The Well-Architected taxonomy (pillars, questions, best practices), loaded once from data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from wafr.vocabulary import PILLAR_NAMES, PILLAR_SLUGS  # noqa: E402,F401 (re-exported)


@dataclass(frozen=True)
class BestPractice:
    id: str
    title: str
    risk: str  # High | Medium | Low, when the practice is not established
    question_id: str
    question_title: str
    pillar: str  # slug, e.g. "security"


@dataclass(frozen=True)
class Framework:
    edition: str
    best_practices: dict[str, BestPractice]

    def __contains__(self, bp_id: str) -> bool:
        return bp_id in self.best_practices

    def __getitem__(self, bp_id: str) -> BestPractice:
        return self.best_practices[bp_id]


@lru_cache(maxsize=1)
def load() -> Framework:
    """Load the bundled taxonomy (a copy of the project's wa-framework.yaml)."""
    text = resources.files(__package__).joinpath("wa-framework.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    practices: dict[str, BestPractice] = {}
    for pillar in data["pillars"]:
        slug = PILLAR_SLUGS[pillar["id"]]
        for question in pillar["questions"]:
            for bp in question["best_practices"]:
                practices[bp["id"]] = BestPractice(
                    id=bp["id"], title=bp["title"], risk=bp["risk"],
                    question_id=question["id"], question_title=question["title"], pillar=slug,
                )
    edition = str(data["meta"]["edition"].get("publication_date_shown_on_welcome_page", ""))
    return Framework(edition=edition, best_practices=practices)
