"""The answers file's model: one entry per best practice, in the words a team answers with."""

from __future__ import annotations

from dataclasses import dataclass, field

from wafr.errors import WafrError

from wafr.vocabulary import ANSWER_MET as MET
from wafr.vocabulary import ANSWER_NOT_APPLICABLE as NOT_APPLICABLE
from wafr.vocabulary import ANSWER_NOT_MET as NOT_MET
from wafr.vocabulary import ANSWER_PARTLY as PARTLY
from wafr.vocabulary import ANSWER_STATUSES as STATUSES
from wafr.vocabulary import ANSWER_SUGGESTIONS as SUGGESTIONS  # what a scan can suggest
from wafr.vocabulary import ANSWERS_SCHEMA as SCHEMA
from wafr.vocabulary import UNANSWERED

UNMET = (PARTLY, NOT_MET)


class AnswersError(WafrError):
    """An answers file that cannot be used as written; the message names the file, line and key."""


@dataclass
class Answer:
    status: str = UNANSWERED
    reason: str = ""  # why the practice does not apply (required for not-applicable, nothing else)
    note: str = ""
    owner: str = ""
    suggested: str = ""  # what the scan suggested when the file was pre-filled
    evidence: list[str] = field(default_factory=list)  # the scan's evidence, kept as "# scan:" comments

    @property
    def answered(self) -> bool:
        return self.status != UNANSWERED

    def problem(self) -> str | None:
        """Why this answer is inconsistent, or None."""
        if self.status not in STATUSES:
            return f"status {self.status!r} is not one of {', '.join(STATUSES)}"
        if self.status == NOT_APPLICABLE and not self.reason.strip():
            return "not-applicable needs a reason"
        if self.reason and self.status != NOT_APPLICABLE:
            return f"a reason is only given for not-applicable (status is {self.status})"
        if self.suggested and self.suggested not in SUGGESTIONS:
            return f"suggested {self.suggested!r} is not one of {', '.join(SUGGESTIONS)}"
        return None


@dataclass
class AnswerSheet:
    """A team's answers for one workload; practices missing from the file count as unanswered."""

    edition: str
    answers: dict[str, Answer] = field(default_factory=dict)
    workload: str = ""
    prefilled_from: str = ""

    def get(self, bp_id: str) -> Answer:
        return self.answers.get(bp_id) or Answer()

    def status(self, bp_id: str) -> str:
        return self.get(bp_id).status

    def set(self, bp_id: str, answer: Answer) -> None:
        problem = answer.problem()
        if problem:
            raise AnswersError(f"{bp_id}: {problem}")
        self.answers[bp_id] = answer

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers.values() if a.answered)
