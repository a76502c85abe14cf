"""The Review model (schema wafr.review/1): typed, serialisable, and all a renderer ever sees."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from wafr.findings import Finding
from wafr.resource_types import ACCOUNT
from wafr.review.savings import MetricEvidence
from wafr.review.since_last import SinceLast

SCHEMA = "wafr.review/1"
RESOURCES = "{resources}"
# Best-practice statuses are the review's NOT_ASSESSED here ("not assessed"); a finding's is wafr.vocabulary's.
from wafr.vocabulary import BP_NOT_ASSESSED as NOT_ASSESSED  # noqa: E402
from wafr.vocabulary import MET, NOT_APPLICABLE, NOT_MET, PARTLY, RISK_LABELS, RISK_ORDER, worst  # noqa: E402,F401


@dataclass
class Segment:
    """A piece of a phrase: our text, an account-supplied name, or 'and N more'."""

    kind: str  # "text" | "name" | "more"
    value: str


def phrase_segments(template: str, names: list[str], limit: int = 8) -> list[Segment]:
    """Split a template at {resources} so renderers can escape and format the names their own way."""
    before, found, after = template.partition(RESOURCES)
    segments = [Segment("text", before)] if before else []
    if found:
        for i, name in enumerate(names[:limit]):
            if i:
                segments.append(Segment("text", ", "))
            segments.append(Segment("name", name))
        if len(names) > limit:
            segments.append(Segment("more", f" and {len(names) - limit} more"))
    if after:
        segments.append(Segment("text", after))
    return segments


def phrase_text(template: str, names: list[str]) -> str:
    """The phrase as plain text, names in backticks (for JSON readers and terminals)."""
    return template.replace(RESOURCES, ", ".join(f"`{n}`" for n in names))


@dataclass
class ResourceEvidence:
    """One failing resource behind a bullet, with everything the checks said about it."""

    name: str
    type: str
    id: str
    account: str
    region: str
    environment: str
    risk: str
    evidence: list[str] = field(default_factory=list)
    finding_ids: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``AWS::EC2::Subnet`` -> ``EC2 Subnet``: tells apart a subnet and its route table of the same name."""
        return " ".join(part for part in self.type.split("::")[1:] if part)

    @property
    def is_account(self) -> bool:
        return self.type == ACCOUNT


@dataclass
class Bullet:
    """One remediation bullet: one check, every resource it failed on."""

    check_id: str
    title: str
    risk: str
    template: str
    resources: list[ResourceEvidence]
    best_practices: list[str]
    remediation: str
    absorbed: list[str] = field(default_factory=list)  # checks folded into this bullet

    @property
    def names(self) -> list[str]:
        return _unique(r.name for r in self.resources)

    @property
    def text(self) -> str:
        return phrase_text(self.template, self.names)

    def segments(self, limit: int = 8) -> list[Segment]:
        return phrase_segments(self.template, self.names, limit)

    @property
    def finding_ids(self) -> list[str]:
        return [fid for r in self.resources for fid in r.finding_ids]


@dataclass
class UnassessedCheck:
    """A check that could not judge some resources, and why."""

    check_id: str
    title: str
    pillar: str
    focus_area: str
    resources: list[str]
    reasons: list[str]
    finding_ids: list[str] = field(default_factory=list)


@dataclass
class FocusArea:
    key: str  # "security/Network security": pillar and the checks' focus-area name
    pillar: str
    name: str
    title: str  # the review's wording: "Network security improvements"
    risk: str  # HIGH | MEDIUM | LOW (highest FAIL risk), NOT_ASSESSED, or NONE (nothing failed)
    bullets: list[Bullet] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    best_practices: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # finding statuses: FAIL, PASS, NOT_ASSESSED, SUPPRESSED
    unassessed: list[UnassessedCheck] = field(default_factory=list)
    accepted: list[ResourceEvidence] = field(default_factory=list)  # SUPPRESSED findings, with justification
    project: str = ""  # letter of the project that owns it

    @property
    def finding_ids(self) -> list[str]:
        return [fid for b in self.bullets for fid in b.finding_ids]


@dataclass
class PillarReview:
    pillar: str
    name: str
    focus_areas: list[FocusArea]

    def at_risk(self, risk: str) -> list[FocusArea]:
        return [fa for fa in self.focus_areas if fa.risk == risk]


@dataclass
class Project:
    letter: str
    key: str
    title: str
    risk: str
    effort: str
    focus_areas: list[str]  # FocusArea.key
    resources: list[str]
    best_practices: list[str]
    finding_ids: list[str]


@dataclass
class RoadmapItem:
    text: str
    risk: str  # HIGH | MEDIUM for the first two phases; "" in the re-evaluation
    projects: list[str]  # letters
    focus_areas: list[str]
    finding_ids: list[str]


@dataclass
class RoadmapPhase:
    key: str
    months: str
    label: str
    title: str
    items: list[RoadmapItem]


@dataclass
class BestPracticeAssessment:
    id: str
    title: str
    risk: str  # the framework's risk when not established: High | Medium | Low
    status: str  # met | not met | partly | not assessed
    counts: dict[str, int]
    checks: list[str]
    failing: list[str]  # names of the resources that do not meet it
    finding_ids: list[str]
    # The team's answer, when an answers file was given (wafr.questionnaire); empty otherwise.
    answer: str = ""  # met | partly | not-met | not-applicable
    note: str = ""  # the team's note, or why the practice does not apply
    owner: str = ""
    conflict: str = ""  # "answered met, but the scan shows not met": shown instead of choosing silently


@dataclass
class QuestionAssessment:
    id: str
    title: str
    pillar: str
    risk: str  # HIGH | MEDIUM | NONE as the WA Tool derives it; NOT_ASSESSED when no practice was judged
    best_practices: list[BestPracticeAssessment]


@dataclass
class TopRisk:
    risk: str
    pillar: str
    focus_area: str
    focus_title: str
    check_id: str
    template: str
    names: list[str]
    finding_ids: list[str]

    @property
    def text(self) -> str:
        return phrase_text(self.template, self.names)

    def segments(self, limit: int = 5) -> list[Segment]:
        return phrase_segments(self.template, self.names, limit)


@dataclass
class PillarSummary:
    pillar: str
    name: str
    focus_areas: dict[str, int]  # risk -> number of focus areas
    findings: dict[str, int]  # HIGH/MEDIUM/LOW (failed, by risk), PASS, NOT_ASSESSED, SUPPRESSED


@dataclass
class CoverageEntry:
    """One account x region x service read and whether it happened (status as in findings.json)."""

    account: str
    region: str
    service: str
    status: str
    detail: str
    checks_not_assessed: list[str] = field(default_factory=list)  # what the gap cost: check ids (wafr.gaps)


@dataclass
class AdvisorRead:
    """One account x region read of an advisor, and what came of it (a coverage status and its detail)."""

    account: str
    region: str
    status: str  # assessed | not-enabled | denied | failed | unsupported | skipped
    detail: str


@dataclass
class AdvisorSource:
    """One of AWS's advisors (wafr.vocabulary.ADVISOR_SOURCES): where it answered, where not, what rests on it."""

    service: str  # the coverage key: "compute-optimizer"
    name: str  # how the review names it: "AWS Compute Optimizer"
    read: list[AdvisorRead]  # where it answered
    unread: list[AdvisorRead]  # where it did not: not enabled, denied, failed, unsupported
    checks: list[str]  # the checks that need it and judged something (or could not)
    failed: int  # their failed findings
    passed: int
    not_assessed: int
    sample: bool = False  # its answers were sample responses (the demo), not an account's


@dataclass
class AdvisorEvidence:
    """The review's advisor section: which of AWS's own advisors the review rests on, and which it could not use."""

    sources: list[AdvisorSource]

    @property
    def used(self) -> list[AdvisorSource]:
        return [s for s in self.sources if s.read]

    @property
    def samples(self) -> list[AdvisorSource]:
        return [s for s in self.sources if s.sample and s.read]


@dataclass
class Coverage:
    assessed: int
    total: int
    gaps: list[CoverageEntry]
    unassessed_checks: list[UnassessedCheck]


@dataclass
class AnswerConflict:
    """A best practice the team's answer and the scan judge differently."""

    best_practice: str
    title: str
    question: str
    pillar: str
    answer: str
    scan: str
    status: str  # what the review counts: the worse of the two
    evidence: list[str]  # the scan's evidence
    note: str = ""


@dataclass
class UnansweredQuestion:
    """A question with practices neither the team nor the scan said anything about: a gap in the review."""

    id: str
    title: str
    pillar: str
    unknown: list[str]  # best-practice IDs nobody assessed
    total: int  # practices in the question


@dataclass
class Questionnaire:
    """What the answers file added: how much was answered, where it disagrees with the scan, what is still open."""

    workload: str
    answered: int
    total: int
    conflicts: list[AnswerConflict]
    unanswered: list[UnansweredQuestion]


@dataclass
class AccountSummary:
    """One account of a multi-account review: what failed there, what could not be read, what runs there."""

    account: str
    findings: dict[str, int]  # failed findings by risk: HIGH, MEDIUM, LOW
    high_by_pillar: dict[str, int]  # pillar slug -> high-risk failed findings
    worst_focus_areas: list[str]  # focus-area titles, worst first
    gaps: list[str]  # why some reads did not happen ("role could not be assumed: ...")
    environments: list[str]  # environments of the account's resources (prod, staging, dev, unknown)


@dataclass
class AcceptedFinding:
    """A finding an acceptance selects: what failed, where."""

    id: str
    check_id: str
    title: str
    risk: str
    resource: str  # the resource's name (or id)
    account: str
    region: str


@dataclass
class RiskAcceptance:
    """One entry of acceptances.yaml as the review shows it."""

    match: dict[str, str]  # selector key -> value (check, best_practice, resource, account, environment)
    reason: str
    owner: str
    expires: str  # ISO date
    ticket: str
    findings: list[AcceptedFinding]  # accepted: the suppressed findings; expired: the findings it no longer covers


@dataclass
class AcceptedRisks:
    """The review's accepted-risks section: accepted, expired (their findings count again) and stale entries."""

    source: str  # the acceptances file
    accepted: list[RiskAcceptance]
    expired: list[RiskAcceptance]
    stale: list[RiskAcceptance]


@dataclass
class Summary:
    pillars: list[PillarSummary]
    top_risks: list[TopRisk]
    accounts: list[AccountSummary] = field(default_factory=list)  # only when the review covers several accounts


@dataclass
class Review:
    generated_at: str
    tool: dict[str, str]
    scope: dict[str, Any]  # accounts, regions, source
    framework_edition: str
    summary: Summary
    pillars: list[PillarReview]
    projects: list[Project]
    roadmap: list[RoadmapPhase]
    assessments: list[QuestionAssessment]
    coverage: Coverage
    schema: str = SCHEMA
    questionnaire: Questionnaire | None = None  # only when the review was built with an answers file
    metric_evidence: MetricEvidence | None = None  # savings and series of metric findings (wafr.review.savings)
    accepted_risks: AcceptedRisks | None = None  # only when an acceptances file was applied (wafr.acceptances)
    since_last: SinceLast | None = None  # what changed since the previous milestone (wafr.review.since_last)
    advisors: AdvisorEvidence | None = None  # AWS's advisors the review rests on (wafr.review.advisors)
    # Every check result (PASS too), for the per-result formats (OCSF, ASFF, CSV); empty in older review.json files.
    findings: list[Finding] = field(default_factory=list)

    def focus_area(self, key: str) -> FocusArea | None:
        return next((fa for fa in self.all_focus_areas() if fa.key == key), None)

    def all_focus_areas(self) -> Iterator[FocusArea]:
        for pillar in self.pillars:
            yield from pillar.focus_areas

    def project(self, letter: str) -> Project | None:
        return next((p for p in self.projects if p.letter == letter), None)

    def to_dict(self) -> dict[str, Any]:
        return _to_plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document (schema is {data.get('schema')!r})")
        return _from_plain(cls, data)


# -- (de)serialisation -----------------------------------------------------------------------------------
# Derived read-only properties are written too, so JSON readers get the filled-in text without a template engine.
_DERIVED = {Bullet: ("text",), TopRisk: ("text",)}


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        plain = {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _DERIVED.get(type(value), ()):
            plain[name] = getattr(value, name)
        return plain
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    return value


def _from_plain(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _from_plain(hints[k], v) for k, v in value.items() if k in names})
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_from_plain(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(kind)
        return {k: _from_plain(item, v) for k, v in value.items()}
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if value is None else _from_plain(inner[0], value)
    return value


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))
