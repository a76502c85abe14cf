"""Lettered improvement projects: focus areas grouped into work one team can own, ordered by risk then effort."""

from __future__ import annotations

import string
from collections import defaultdict

from wafr.review.catalog import Catalog, ProjectSpec
from wafr.review.model import RISK_ORDER, FocusArea, PillarReview, Project, worst

ACTIONABLE = ("HIGH", "MEDIUM")  # LOW areas go to the re-evaluation, not into projects


def letters():
    """A, B, ... Z, then AA, AB, ... for reviews with more than 26 projects."""
    yield from string.ascii_uppercase
    for first in string.ascii_uppercase:
        for second in string.ascii_uppercase:
            yield first + second


def build_projects(pillars: list[PillarReview], catalog: Catalog) -> list[Project]:
    """Projects for the HIGH and MEDIUM focus areas; each focus area records its project's letter."""
    owned: dict[str, list[FocusArea]] = defaultdict(list)
    specs: dict[str, ProjectSpec] = {}
    for pillar in pillars:
        for area in pillar.focus_areas:
            if area.risk not in ACTIONABLE:
                continue
            spec = catalog.project_for(catalog.focus_area(area.pillar, area.name))
            specs[spec.key] = spec
            owned[spec.key].append(area)
    effort = {name: i for i, name in enumerate(catalog.efforts)}
    ranked = sorted(specs.values(), key=lambda s: (RISK_ORDER[worst(a.risk for a in owned[s.key])],
                                                   effort.get(s.effort, len(effort)), s.order, s.key))
    projects = []
    for letter, spec in zip(letters(), ranked):
        areas = sorted(owned[spec.key], key=lambda a: RISK_ORDER[a.risk])
        for area in areas:
            area.project = letter
        bullets = [b for a in areas for b in a.bullets]
        projects.append(Project(
            letter=letter, key=spec.key, title=spec.title, risk=worst(a.risk for a in areas), effort=spec.effort,
            focus_areas=[a.key for a in areas],
            resources=list(dict.fromkeys(name for b in bullets for name in b.names)),
            best_practices=sorted({bp for b in bullets for bp in b.best_practices}),
            finding_ids=[fid for b in bullets for fid in b.finding_ids],
        ))
    return projects
