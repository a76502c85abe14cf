"""`wafr accept`: add a finding to acceptances.yaml, keeping the file's comments, written atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from wafr.files import write_text_atomic
from wafr.acceptances.apply import matches
from wafr.acceptances.file import DEFAULT_FILE, SCHEMA, Acceptance, load_document, parse, yaml
from wafr.checks.registry import FAIL, SUPPRESSED
from wafr.errors import WafrError
from wafr.findings import SCHEMA as FINDINGS_SCHEMA
from wafr.findings import Finding
from wafr.terminal import console, safe, user_errors

NEW_FILE = f"""\
# Risks the team accepted. wafr reports a failed finding an entry matches as accepted (SUPPRESSED) until the
# entry expires; `wafr accept FINDING_ID` adds entries. Keys of match: check, best_practice, resource (id or ARN,
# * and ? as wildcards), account, environment.
schema: {SCHEMA}
acceptances: []
"""


def find_finding(path: Path, finding_id: str) -> Finding:
    """The finding with this id (or a unique prefix of it) in a findings.json."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WafrError(f"{path} does not exist; run a scan first or pass --findings PATH.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WafrError(f"Cannot read {path} as JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != FINDINGS_SCHEMA:
        raise WafrError(f"{path} is not a findings file ({FINDINGS_SCHEMA}).")
    found = [f for f in document.get("findings", [])
             if isinstance(f, dict) and str(f.get("id", "")).startswith(finding_id)]
    if not finding_id or not found:
        raise WafrError(f"No finding with id {finding_id!r} in {path}.")
    if len(found) > 1:
        raise WafrError(f"{len(found)} findings in {path} start with {finding_id!r}; give more of the id.")
    try:
        return Finding(**found[0])
    except TypeError as error:
        raise WafrError(f"{path} does not match {FINDINGS_SCHEMA}: {error}") from None


def selector_for(finding: Finding) -> dict[str, str]:
    """The narrowest selector: this check, on this resource (its ARN when it has one), in this account."""
    r = finding.resource
    return {"check": finding.check_id, "resource": r.get("arn") or r["id"], "account": r["account"]}


def _entry(acceptance: Acceptance, finding: Finding) -> CommentedMap:
    match = CommentedMap()
    for key, value in acceptance.match.given().items():
        match[key] = SingleQuotedScalarString(value) if key == "account" else value
    entry = CommentedMap(match=match, reason=acceptance.reason, owner=acceptance.owner, expires=acceptance.expires)
    if acceptance.ticket:
        entry["ticket"] = acceptance.ticket
    # The comment names only our own words (check title, finding id): a resource name could carry a line break.
    entry.yaml_add_eol_comment(f"{finding.title} (finding {finding.id})", "match")
    return entry


def add_acceptance(path: Path, finding: Finding, *, until: dt.date, reason: str, owner: str,
                   ticket: str | None = None, today: dt.date | None = None) -> Acceptance:
    """Append an acceptance of ``finding`` to the file at ``path`` (created if missing); returns the entry."""
    today = today or dt.date.today()
    if finding.status not in (FAIL, SUPPRESSED):
        raise WafrError(f"Finding {finding.id} is {finding.status}; only a failed finding can be accepted.")
    if until < today:
        raise WafrError(f"--until {until.isoformat()} is in the past; an acceptance needs an expiry date ahead.")
    try:
        acceptance = Acceptance.model_validate({"match": selector_for(finding), "reason": reason.strip(),
                                                "owner": owner.strip(), "expires": until, "ticket": ticket})
    except ValidationError as error:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise WafrError(f"Cannot accept finding {finding.id}: {problem}") from None
    document: Any = load_document(path) if path.exists() else yaml().load(NEW_FILE)
    current = parse(path, document)
    failing = dataclasses.replace(finding, status=FAIL, acceptance=None)
    for number, existing in enumerate(current.acceptances, 1):
        if existing.active_on(today) and matches(existing.match, failing):
            raise WafrError(f"Finding {finding.id} is already accepted in {path} (entry {number}, owner "
                            f"{existing.owner}, until {existing.expires.isoformat()}).")
    if not isinstance(document.get("acceptances"), list):
        document["acceptances"] = CommentedSeq()
    entries = document["acceptances"]
    if not entries:
        entries.fa.set_block_style()  # `acceptances: []` becomes a block list once it has an entry
    entries.append(_entry(acceptance, finding))
    text = io.StringIO()
    yaml().dump(document, text)
    parse(path, yaml().load(text.getvalue()))  # never write a file wafr would refuse to read
    write_text_atomic(path, text.getvalue())
    return acceptance


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: str) -> dt.date:
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@user_errors
def accept_command(
    finding_id: Annotated[str, typer.Argument(metavar="FINDING_ID", help="A finding's id from findings.json "
                                                                       "(a unique prefix is enough).")],
    until: Annotated[dt.date, typer.Option("--until", parser=_date, metavar="YYYY-MM-DD",
                                           help="Expiry date: the finding counts again after it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the risk is accepted (shown in the review).")],
    owner: Annotated[str, typer.Option("--owner", help="Who owns the risk, e.g. a team.")],
    ticket: Annotated[Optional[str], typer.Option("--ticket", help="Link to a ticket (https://...).")] = None,
    file: Annotated[Path, typer.Option("--file", help="The acceptances file to add to.")] = DEFAULT_FILE,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="Review directory holding findings.json.")]
    = Path("wafr-review"),
    findings_path: Annotated[Optional[Path], typer.Option(
        "--findings", help="A findings.json to look the finding up in (default: OUTPUT_DIR/findings.json).")] = None,
) -> None:
    """Accept a finding's risk until a date: adds it to acceptances.yaml (comments kept), so reviews show it as
    accepted instead of failed."""
    finding = find_finding(findings_path or output_dir / "findings.json", finding_id)
    add_acceptance(file, finding, until=until, reason=reason, owner=owner, ticket=ticket)
    name = finding.resource.get("name") or finding.resource["id"]
    console.print(safe(f"Accepted “{finding.title}” on {name} until {until.isoformat()} (owner {owner}) in {file}."))
