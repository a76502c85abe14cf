"""The comments a person wrote in an answers file, found with ruamel.yaml so a rewrite can put them back.

wafr rewrites the whole file on every save (`questions ask` after each answer, `questions init --update`), laying out
its own comments (header, pillar and question titles, the scan's evidence) afresh. Every other comment is the
team's: ruamel.yaml's round-trip parser finds each one with its line, and it is tied to the key it annotates (a
comment on a key's own line) or precedes (a comment on lines of its own), so the writer can emit it there again.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken

from wafr.questionnaire.answers import AnswersError

Path_ = tuple[str, ...]  # a key's place: ("answers", "OPS01-BP01", "note")
END: Path_ = ()  # comments after the last key


@dataclass
class UserComments:
    """Comments by key: the lines above a key, and the one on its line."""

    above: dict[Path_, list[str]] = field(default_factory=dict)
    inline: dict[Path_, str] = field(default_factory=dict)
    closing: dict[Path_, list[str]] = field(default_factory=dict)  # indented under a block, after its last key

    def take_above(self, path: Path_) -> list[str]:
        return self.above.pop(path, [])

    def take_inline(self, path: Path_) -> str:
        return self.inline.pop(path, "")

    def take_under(self, prefix: Path_) -> list[str]:
        """Every comment left for ``prefix`` or a key inside it (keys the new file no longer has), as lines."""
        lines = []
        for path in sorted(p for p in {*self.above, *self.inline, *self.closing} if p[:len(prefix)] == prefix):
            lines += self.above.pop(path, [])
            if path in self.inline:
                lines.append(self.inline.pop(path))
            lines += self.closing.pop(path, [])
        return lines

    def __bool__(self) -> bool:
        return bool(self.above or self.inline or self.closing)


def _keys(node: object, path: Path_ = ()) -> Iterator[tuple[int, int, Path_]]:
    """(line, column, path) of every mapping key, from ruamel's line records."""
    if hasattr(node, "lc") and hasattr(node, "items"):
        for key, value in node.items():
            line, column = node.lc.key(key)
            yield line, column, (*path, str(key))
            yield from _keys(value, (*path, str(key)))


def _tokens(node: object, seen: set[int]) -> Iterator[CommentToken]:
    if isinstance(node, CommentToken):
        if id(node) not in seen:
            seen.add(id(node))
            yield node
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _tokens(item, seen)
        return
    ca = getattr(node, "ca", None)
    if ca is not None:
        yield from _tokens([ca.comment, list(ca.items.values()), ca.end], seen)
    if hasattr(node, "values"):
        yield from _tokens(list(node.values()), seen)
    elif isinstance(node, list):
        yield from _tokens(node, seen)


def _comment_lines(token: CommentToken) -> Iterator[tuple[int, str, int, bool]]:
    """(line, text, indent, starts the token) for each comment in a token; the token's mark is its first comment's
    line."""
    segments = token.value.split("\n")
    first = next((i for i, s in enumerate(segments) if s.strip().startswith("#")), None)
    if first is None:
        return
    for i, segment in enumerate(segments):
        if segment.strip().startswith("#"):
            yield token.start_mark.line + i - first, segment.strip(), len(segment) - len(segment.lstrip()), i == 0


def _closed_block(keys: list[tuple[int, int, Path_]], line: int, indent: int) -> Path_ | None:
    """The block a comment line closes: it is indented like the keys of the block before it, deeper than the next
    key (a note under an entry's last field belongs to that entry, not to the next one)."""
    before = [k for k in keys if k[0] < line]
    after = next((k for k in keys if k[0] > line), None)
    if not before or (after is not None and indent <= after[1]):
        return None
    columns = {path: column for _, column, path in keys}
    last = before[-1][2]
    for depth in range(len(last), 0, -1):
        if columns[last[:depth]] <= indent:
            return last[:depth - 1]
    return None


def find(text: str, origin: str, generated: Callable[[str], bool]) -> UserComments:
    """The comments in ``text`` that ``generated`` does not recognise as wafr's own, tied to their keys."""
    try:
        root = YAML(typ="rt").load(io.StringIO(text))
    except YAMLError as error:
        raise AnswersError(f"{origin}: its comments could not be read to keep them: {error}") from None
    keys = sorted(_keys(root))
    on_line = {line: path for line, _, path in keys}  # the innermost key of a line comes last
    found = UserComments()
    comments = sorted(c for token in _tokens(root, set()) for c in _comment_lines(token))
    for line, comment, indent, starts in comments:
        if generated(comment):
            continue
        if starts and line in on_line:
            found.inline[on_line[line]] = comment
        elif (block := _closed_block(keys, line, indent)) is not None:
            found.closing.setdefault(block, []).append(comment)
        else:
            following = next((path for key_line, _, path in keys if key_line > line), END)
            found.above.setdefault(following, []).append(comment)
    return found
