"""The review's wording, loaded once from data/focus_areas.yaml: focus areas, bullet templates, projects, phases."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from wafr.framework import PILLAR_SLUGS
from wafr.checks.registry import Bullet, all_checks
from wafr.review.model import RESOURCES

DATA_FILE = "focus_areas.yaml"


def focus_key(pillar: str, name: str) -> str:
    return f"{pillar}/{name}"


def _norm(key: str) -> str:
    return key.strip().lower()


@dataclass(frozen=True)
class FocusAreaSpec:
    pillar: str
    name: str
    title: str
    roadmap: str
    guidance: tuple[str, ...]
    order: int

    @property
    def key(self) -> str:
        return focus_key(self.pillar, self.name)


@dataclass(frozen=True)
class ProjectSpec:
    key: str
    title: str
    effort: str
    focus_areas: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class PhaseSpec:
    key: str
    months: str
    label: str
    title: str
    risk: str | None


@dataclass(frozen=True)
class Catalog:
    pillars: tuple[str, ...]
    focus_areas: dict[str, FocusAreaSpec]  # normalised key -> spec
    projects: tuple[ProjectSpec, ...]
    efforts: tuple[str, ...]
    default_effort: str
    default_bullet: str
    default_roadmap: str
    phases: tuple[PhaseSpec, ...]
    reevaluation: dict[str, str]

    def focus_area(self, pillar: str, name: str) -> FocusAreaSpec:
        """The spec for a checks' focus area; one we have no wording for keeps its own name, listed last."""
        found = self.focus_areas.get(_norm(focus_key(pillar, name)))
        if found:
            return found
        return FocusAreaSpec(pillar=pillar, name=name, title=name, roadmap=self.default_roadmap.replace("{title}", name),
                             guidance=(), order=len(self.focus_areas))

    def project_for(self, focus_area: FocusAreaSpec) -> ProjectSpec:
        """The project that owns a focus area; one no project names becomes a project of its own."""
        for project in self.projects:
            if _norm(focus_area.key) in {_norm(k) for k in project.focus_areas}:
                return project
        return ProjectSpec(key=_norm(focus_area.key), title=focus_area.title, effort=self.default_effort,
                           focus_areas=(focus_area.key,), order=len(self.projects))

    def bullet(self, check_id: str, title: str) -> Bullet:
        """The check's own bullet (declared with it), else the default: "<title>: <resources>"."""
        declared = all_checks().get(check_id)
        if declared is not None and declared.bullet is not None:
            return declared.bullet
        text = self.default_bullet.replace("{title}", title)
        return Bullet(one=text, many=text)


def parse(data: dict[str, Any]) -> Catalog:
    """Build and validate the catalog; a mistake in the data file fails loudly, not in a report."""
    pillars = tuple(data["pillars"])
    unknown_pillars = set(pillars) - set(PILLAR_SLUGS.values())
    if unknown_pillars:
        raise ValueError(f"{DATA_FILE}: unknown pillars {sorted(unknown_pillars)}")
    specs: dict[str, FocusAreaSpec] = {}
    for pillar in pillars:
        for raw in data["focus_areas"].get(pillar) or []:
            spec = FocusAreaSpec(pillar=pillar, name=raw["name"], title=raw["title"], roadmap=raw["roadmap"],
                                 guidance=tuple(raw.get("guidance", ())), order=len(specs))
            specs[_norm(spec.key)] = spec
    efforts = tuple(data["efforts"])
    projects = tuple(ProjectSpec(key=p["key"], title=p["title"], effort=p["effort"],
                                 focus_areas=tuple(p["focus_areas"]), order=i)
                     for i, p in enumerate(data["projects"]))
    owned: dict[str, str] = {}
    for project in projects:
        if project.effort not in efforts:
            raise ValueError(f"{DATA_FILE}: project {project.key} has unknown effort {project.effort!r}")
        for key in project.focus_areas:
            if _norm(key) not in specs:
                raise ValueError(f"{DATA_FILE}: project {project.key} names unknown focus area {key!r}")
            if _norm(key) in owned:
                raise ValueError(f"{DATA_FILE}: focus area {key!r} is in projects {owned[_norm(key)]} and {project.key}")
            owned[_norm(key)] = project.key
    if data["default_effort"] not in efforts:
        raise ValueError(f"{DATA_FILE}: default_effort must be one of {efforts}")
    if RESOURCES not in data["default_bullet"]:
        raise ValueError(f"{DATA_FILE}: default_bullet must contain {RESOURCES}")
    return Catalog(
        pillars=pillars, focus_areas=specs, projects=projects, efforts=efforts, default_effort=data["default_effort"],
        default_bullet=data["default_bullet"],
        default_roadmap=data["default_roadmap"],
        phases=tuple(PhaseSpec(key=p["key"], months=str(p["months"]), label=p["label"], title=p["title"],
                               risk=p.get("risk")) for p in data["phases"]),
        reevaluation=dict(data["reevaluation"]),
    )


@lru_cache(maxsize=1)
def load() -> Catalog:
    text = resources.files("wafr").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse(yaml.safe_load(text))
