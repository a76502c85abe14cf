"""How much room text takes on a slide, measured with the deck's own typeface (Lato, shipped by the font-lato
package) rather than guessed from character counts: wrapped line counts, and heights in points."""

from __future__ import annotations

import functools
import re

from PIL import ImageFont

import font_lato

TYPEFACE = "Lato"
_SCALE = 100  # glyphs are measured at 100 px per em, then scaled to the point size
# PowerPoint and LibreOffice lay glyphs out slightly differently from FreeType; wrapping to 96% of the width keeps
# their line breaks where ours are.
WIDTH_MARGIN = 0.96
_WORD = re.compile(r"\S+\s*")


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_lato.font_files["LatoBold" if bold else "Lato"], _SCALE)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text, in points."""
    return _font(bold).getlength(text) * size / _SCALE


def line_height(size: float, bold: bool = False) -> float:
    """One line at single spacing, in points: the font's ascent plus descent."""
    ascent, descent = _font(bold).getmetrics()
    return (ascent + descent) * size / _SCALE


def wrapped_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines a paragraph takes in a box ``width`` points wide, breaking at spaces, and inside words too long for a line."""
    limit = width * WIDTH_MARGIN
    lines, current = 0, ""
    for word in _WORD.findall(text) or [""]:
        if text_width(current + word.rstrip(), size, bold) <= limit:
            current += word
            continue
        if current:
            lines += 1
        current = word
        while text_width(current.rstrip(), size, bold) > limit:  # a word wider than the box: broken by characters
            cut = max(1, _fit_chars(current, limit, size, bold))
            lines += 1
            current = current[cut:]
    return lines + 1


def _fit_chars(text: str, limit: float, size: float, bold: bool) -> int:
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(text[:mid], size, bold) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def paragraphs_height(paragraphs: list[tuple[str, float, bool]], width: float, spacing: float = 1.0) -> float:
    """Height in points of paragraphs given as (text, size, bold), each wrapped to ``width`` points."""
    return sum(wrapped_lines(text, width, size, bold) * line_height(size, bold) * spacing
               for text, size, bold in paragraphs)
