"""Characters in account strings that could drive a terminal or disguise text, made visible wherever wafr shows them.

A resource name or tag is whatever its owner typed: an ESC starts a sequence that retitles the window (OSC 0), plants
a hyperlink (OSC 8) or clears the screen (CSI); U+202E reverses the text after it; zero-width characters hide. Each
such character is replaced by its escape (``\\x1b``, ``\\u202e``), so the reader sees that it was there and nothing
acts on it. Line feeds and tabs are kept: they cannot start a sequence.
"""

from __future__ import annotations

import re

# C0 (except tab and line feed), DEL and C1; the Unicode format controls that reorder or hide text: Arabic letter
# mark, zero-width space/joiners and directional marks, line and paragraph separators, bidi embeddings and
# overrides, word joiner and invisible operators, bidi isolates and deprecated format characters, byte-order mark,
# interlinear annotation.
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character replaced by its escape; line feeds and tabs stay."""
    return CONTROL.sub(_escape, text)


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None
