"""The WA Tool calls wafr makes, one function each: find or create the workload, read its answers, write them."""

from __future__ import annotations

import uuid
from typing import Any, Iterator

from wafr.errors import WafrError
from wafr.review.model import Review
from wafr.sources.aws.account_id import is_account_id
from wafr.watool.mapping import WaQuestion, wa_pillars
from wafr.watool.session import LENS, WaTool


def _token(*parts: str) -> str:
    """The same request token for the same request: a repeated push does not create a second workload or milestone."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "wafr:" + "/".join(parts)))


def _pages(wa: WaTool, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a NextToken-paginated call (botocore has no paginator for these)."""
    token = None
    while True:
        page = wa.call(operation, **params, **({"NextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def find_workload(wa: WaTool, name: str) -> dict[str, Any] | None:
    """The workload summary with exactly this name, or None."""
    found = [w for w in _pages(wa, "ListWorkloads", "WorkloadSummaries", WorkloadNamePrefix=name)
             if w.get("WorkloadName") == name]
    return found[0] if found else None


def require_workload(wa: WaTool, name: str) -> str:
    """The id of an existing workload on the wellarchitected lens; a clear error otherwise."""
    summary = find_workload(wa, name)
    if summary is None:
        raise WafrError(f"No WA Tool workload named {name!r} in {wa.region}. Create it in the console, or push "
                        "with --create.")
    check_lens(wa, summary["WorkloadId"], name)
    return summary["WorkloadId"]


def check_lens(wa: WaTool, workload_id: str, name: str) -> None:
    """The workload must be reviewed on the wellarchitected lens (GetWorkload), or there is nothing to answer."""
    lenses = wa.call("GetWorkload", WorkloadId=workload_id)["Workload"].get("Lenses", [])
    if LENS not in lenses:
        raise WafrError(f"WA Tool workload {name!r} does not use the {LENS!r} lens (it has "
                        f"{', '.join(lenses) or 'none'}); add the lens in the console first.")


def create_workload(wa: WaTool, name: str, review: Review) -> str:
    """A new workload on the wellarchitected lens for the review's accounts and regions."""
    accounts = [a for a in review.scope.get("accounts", []) if is_account_id(a)][:100]
    regions = [r for r in review.scope.get("regions", []) if r != "global"][:50]
    where = f"account(s) {', '.join(accounts)}" if accounts else "an AWS estate"
    response = wa.call("CreateWorkload", WorkloadName=name, Environment="PRODUCTION", Lenses=[LENS],
                       Description=f"Reviewed by wafr: {where}"[:250],
                       ClientRequestToken=_token(name, review.generated_at),
                       **({"AccountIds": accounts} if accounts else {}),
                       **({"AwsRegions": regions} if regions else {}))
    return response["WorkloadId"]


def list_answers(wa: WaTool, workload_id: str) -> list[WaQuestion]:
    """Every question of the lens with its choices and current selection, pillar by pillar."""
    return [WaQuestion.of(summary) for pillar in wa_pillars()
            for summary in _pages(wa, "ListAnswers", "AnswerSummaries", WorkloadId=workload_id, LensAlias=LENS,
                                  PillarId=pillar)]


def get_answer(wa: WaTool, workload_id: str, question_id: str) -> dict[str, Any]:
    return wa.call("GetAnswer", WorkloadId=workload_id, LensAlias=LENS, QuestionId=question_id)["Answer"]


def update_answer(wa: WaTool, workload_id: str, question_id: str, update: dict[str, Any]) -> None:
    wa.call("UpdateAnswer", WorkloadId=workload_id, LensAlias=LENS, QuestionId=question_id, **update)


def milestone_names(wa: WaTool, workload_id: str) -> set[str]:
    return {m["MilestoneName"] for m in _pages(wa, "ListMilestones", "MilestoneSummaries", WorkloadId=workload_id)}


def create_milestone(wa: WaTool, workload_id: str, name: str) -> int:
    return wa.call("CreateMilestone", WorkloadId=workload_id, MilestoneName=name,
                   ClientRequestToken=_token(workload_id, name))["MilestoneNumber"]
