"""Reading an answers file strictly: every problem names the file, the line and the key.

The file is read as a YAML node tree rather than as plain data, so each error can point at its line, duplicate
keys are caught (plain YAML loading keeps the last one silently), and the scan's evidence can be recovered from
the "# scan:" comments written above each entry.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wafr.errors import read_user_text
from wafr.questionnaire.answers import SCHEMA, STATUSES, Answer, AnswersError, AnswerSheet
from wafr.questionnaire.questions import QuestionSet
from wafr.questionnaire.questions import load as load_questions
from wafr.schemas import location

TOP_KEYS = ("schema", "framework_edition", "workload", "prefilled_from", "answers")
ENTRY_KEYS = ("status", "reason", "suggested", "owner", "note")
EVIDENCE = re.compile(r"^\s*#\s?scan:\s?(.*)$")
NULL_TAG = "tag:yaml.org,2002:null"


class _Reader:
    def __init__(self, text: str, origin: str, questions: QuestionSet) -> None:
        self.lines = text.splitlines()
        self.origin = origin
        self.questions = questions

    def error(self, node: Node | None, key: str, problem: str) -> AnswersError:
        where = f", line {node.start_mark.line + 1}" if node is not None else ""
        # One line, whatever the file's keys hold: a quoted key may carry a line break.
        text = f"{self.origin}{where}, {key}: {problem}".replace("\r", "\\r").replace("\n", "\\n")
        return AnswersError(text)

    def scalar(self, node: Node, key: str) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error(node, key, "must be a single value, not a list or mapping")
        return "" if node.tag == NULL_TAG else str(node.value).strip()

    def mapping(self, node: Node, key: str, allowed: tuple[str, ...] | None) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node); duplicates and (when ``allowed`` is given) unknown keys are errors."""
        if not isinstance(node, MappingNode):
            raise self.error(node, key, "must be a mapping of keys to values")
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            name = self.scalar(key_node, key)
            path = f"{key}.{name}" if key != "top level" else name
            if name in found:
                first = found[name][0].start_mark.line + 1
                raise self.error(key_node, path, f"appears twice (first on line {first})")
            if allowed is not None and name not in allowed:
                raise self.error(key_node, path, f"unknown key; expected one of {', '.join(allowed)}")
            found[name] = (key_node, value_node)
        return found

    def evidence_above(self, line: int) -> list[str]:
        """The "# scan:" comment lines directly above a practice's key (0-based line of the key)."""
        found: list[str] = []
        for text in reversed(self.lines[:line]):
            match = EVIDENCE.match(text)
            if not match:
                break
            found.append(match.group(1).strip())
        return list(reversed(found))

    def entry(self, bp_id: str, key_node: Node, node: Node) -> Answer:
        if isinstance(node, ScalarNode):  # shorthand: OPS06-BP01: met
            answer = Answer(status=self.scalar(node, f"{bp_id}.status") or "")
            status_node = node
        else:
            fields = self.mapping(node, bp_id, ENTRY_KEYS)
            if "status" not in fields:
                raise self.error(node, f"{bp_id}.status", "is missing")
            values = {name: self.scalar(value, f"{bp_id}.{name}") for name, (_, value) in fields.items()}
            answer = Answer(**values)
            status_node = fields["status"][1]
        if answer.status not in STATUSES:
            raise self.error(status_node, f"{bp_id}.status",
                             f"{answer.status!r} is not one of {', '.join(STATUSES)}")
        problem = answer.problem()
        if problem:
            raise self.error(node, bp_id, problem)
        answer.evidence = self.evidence_above(key_node.start_mark.line)
        return answer

    def unknown_practice(self, key_node: Node, bp_id: str) -> AnswersError:
        close = difflib.get_close_matches(bp_id, self.questions.practice_ids, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return self.error(key_node, f"answers.{bp_id}", f"unknown best practice ID{hint}")

    # -- the schema (wafr.schemas.answers), checked on the text as written, before the meaning ---------------
    def plain(self, node: Node, seen: set[int]) -> object:
        """The node as plain data, every scalar as its text (null when nothing is written)."""
        if isinstance(node, ScalarNode):
            return None if node.tag == NULL_TAG else str(node.value).strip()
        if id(node) in seen:  # an alias of a list or mapping: never expanded, so a YAML bomb stays small
            raise self.error(node, "top level", "anchors and aliases of lists or mappings are not supported")
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            return [self.plain(item, seen) for item in node.value]
        if isinstance(node, MappingNode):
            # Duplicate keys keep the last here; the walk below reports them with both lines.
            return {self.key_text(k): self.plain(v, seen) for k, v in node.value}
        raise self.error(node, "top level", "unreadable YAML node")

    def key_text(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error(node, "top level", "a key must be a single value, not a list or mapping")
        return "" if node.tag == NULL_TAG else str(node.value).strip()

    def node_at(self, root: Node, loc: tuple, at_key: bool) -> Node:
        """The node a schema error points at: the deepest node on the path (its key, with ``at_key``)."""
        node = root
        for i, part in enumerate(loc):
            if isinstance(node, MappingNode):
                pair = next(((k, v) for k, v in reversed(node.value)
                             if isinstance(k, ScalarNode) and self.key_text(k) == str(part)), None)
                if pair is None:
                    return node
                node = pair[0] if at_key and i == len(loc) - 1 else pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return node
        return node

    def validate(self, root: Node) -> None:
        from wafr.schemas.answers import AnswersDoc, problem

        if isinstance(root, MappingNode):  # another version of the file: say so before anything else
            for key_node, value_node in root.value:
                if self.key_text(key_node) == "schema" and isinstance(value_node, ScalarNode) \
                        and self.scalar(value_node, "schema") != SCHEMA:
                    raise self.error(value_node, "schema", f"is {self.scalar(value_node, 'schema')[:80]!r}; "
                                                           f"this wafr reads {SCHEMA!r}")
        try:
            AnswersDoc.model_validate(self.plain(root, set()))
        except ValidationError as invalid:
            first = invalid.errors(include_url=False)[0]
            node = self.node_at(root, first["loc"], at_key=first["type"] == "extra_forbidden")
            raise self.error(node, location(first["loc"]), problem(first)) from None

    def sheet(self, root: Node | None) -> AnswerSheet:
        if root is None:
            raise self.error(None, "top level", "the file is empty")
        self.validate(root)
        top = self.mapping(root, "top level", TOP_KEYS)
        for required in ("schema", "framework_edition", "answers"):
            if required not in top:
                raise self.error(root, required, "is missing")
        schema = self.scalar(top["schema"][1], "schema")
        if schema != SCHEMA:
            raise self.error(top["schema"][1], "schema", f"is {schema!r}; this wafr reads {SCHEMA!r}")
        edition = self.scalar(top["framework_edition"][1], "framework_edition")
        if edition != self.questions.edition:
            raise self.error(top["framework_edition"][1], "framework_edition",
                             f"answers are for edition {edition!r} but this wafr asks edition "
                             f"{self.questions.edition!r}; best-practice IDs differ between editions")
        sheet = AnswerSheet(edition=edition,
                            workload=self.scalar(top["workload"][1], "workload") if "workload" in top else "",
                            prefilled_from=(self.scalar(top["prefilled_from"][1], "prefilled_from")
                                            if "prefilled_from" in top else ""))
        answers_node = top["answers"][1]
        if isinstance(answers_node, ScalarNode) and answers_node.tag == NULL_TAG:
            return sheet
        for bp_id, (key_node, value_node) in self.mapping(answers_node, "answers", None).items():
            if bp_id not in self.questions:
                raise self.unknown_practice(key_node, bp_id)
            sheet.answers[bp_id] = self.entry(bp_id, key_node, value_node)
        return sheet


def parse(text: str, origin: str = "answers", questions: QuestionSet | None = None) -> AnswerSheet:
    """Parse an answers document; any problem is an AnswersError naming the line and the key."""
    reader = _Reader(text, origin, questions or load_questions())
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise AnswersError(f"{origin}{line}: not valid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:  # e.g. a control character: PyYAML's message spans lines
        raise AnswersError(f"{origin}: not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise AnswersError(f"{origin}: not valid YAML: nested too deeply") from None
    try:
        return reader.sheet(root)
    except RecursionError:
        raise AnswersError(f"{origin}: nested too deeply for an answers file") from None


def read(path: Path, questions: QuestionSet | None = None) -> AnswerSheet:
    """Read an answers file; a missing or unreadable file is an AnswersError too."""
    text = read_user_text(path, missing="create it with `wafr questions init`.", error=AnswersError)
    return parse(text, origin=str(path), questions=questions)
