"""The Whoosh tokenizer over the project's segmenter (see ``indexer.analysis``)."""
from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from indexer.analysis import get_segmenter, unpack


class PolicyTokenizer(Tokenizer):
    """Whoosh tokenizer over ``Segmenter``; pickled into the index schema by dotted path.

    It holds no jieba state itself (the segmenter is process-wide), so pickling is cheap and an
    index opens without re-reading dictionaries.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        packed = getattr(value, "packed", None) if mode != "query" else None
        if packed is not None:
            segs = unpack(packed)
        else:
            segs = get_segmenter().segment(value, subwords=(mode != "query"))
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for s in segs:
            t.text = s.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[s.start : s.end]
            if positions:
                t.pos = start_pos + s.pos
            if chars:
                t.startchar = start_char + s.start
                t.endchar = start_char + s.end
            yield t


def policy_analyzer() -> PolicyTokenizer:
    """The analyzer of every analysed field (case folding already happens in ``fold``)."""
    return PolicyTokenizer()
