"""Character normalisation for matching; display text is never replaced by these forms.

``fold`` is deliberately length-preserving (one character in, one character out): the analyzer
tokenises the folded text but reports offsets into the original, so highlights land on the
characters the reader sees.
"""
from __future__ import annotations

import re
import unicodedata

import opencc

_T2S = opencc.OpenCC("t2s")

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A space (ASCII, full-width or nbsp) between two CJK characters, or between CJK and a digit,
# is a PDF layout artefact: 第 120 次 -> 第120次, 王  翔 -> 王翔.
_CJK_GAP = re.compile(rf"(?<=[{CJK}0-9〔〕（）《》“”])[ \u3000\u00a0]+(?=[{CJK}〔〕（）《》“”])|(?<=[{CJK}])[ \u3000\u00a0]+(?=[0-9])")


def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        return ch
    s = _T2S.convert(n).lower()
    if len(s) == 1:
        return s
    n = n.lower()
    return n if len(n) == 1 else ch


class _FoldTable(dict[int, str]):
    """Code point -> folded character, filled on first sight: ``str.translate`` looks known
    characters up in C, 1.5 times as fast as a cached call per character (``fold`` runs over
    every text an ingest segments)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= 65536:
            self.clear()
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def fold(text: str) -> str:
    """NFKC (full-width letters/digits to ASCII) + Traditional -> Simplified + lower case,
    exactly one output character per input character."""
    return text.translate(_FOLDED)


def squeeze_cjk_spaces(text: str) -> str:
    """Remove spaces the PDF layout put between CJK characters and digits."""
    return _CJK_GAP.sub("", text)
