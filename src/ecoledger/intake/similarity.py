"""Chinese-aware text similarity without a segmenter: Jaccard over character bigrams.

Chinese has no spaces, so words are not there to compare; overlapping pairs of
characters (扬尘, 尘污, 污染) catch most shared words and stay robust to the
different ways people phrase the same complaint. Latin words and numbers count
as whole tokens, so "PM2.5" or a road number match as a unit.
"""

from __future__ import annotations

import re
import unicodedata

_TOKENS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9][a-z0-9.]*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def shingles(text: str) -> frozenset[str]:
    """Character bigrams of Chinese runs (a lone character stands alone) and Latin words."""
    normal = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set()
    for run in _TOKENS.findall(normal):
        if not _HAN.match(run) or len(run) == 1:
            found.add(run)
        else:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(found)


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def similarity(first: str, second: str) -> float:
    return jaccard(shingles(first), shingles(second))
