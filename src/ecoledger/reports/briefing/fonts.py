"""The CJK font that the briefings' charts draw their Chinese labels in, found on the system.

Looked for, in order: the file ``ECOLEDGER_CJK_FONT`` names; what fontconfig
matches for simplified Chinese (``fc-match 'sans-serif:lang=zh-cn'``); the
places Debian, Ubuntu, Fedora and Alpine install Noto CJK or WenQuanYi. A
candidate counts only if the face chosen really holds the glyphs of a sample
of the characters briefings use, so that no label is drawn as empty boxes.
"""

from __future__ import annotations

import functools
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from matplotlib import font_manager, ft2font

log = logging.getLogger(__name__)

KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
)
SAMPLE = "生态环境问题整改周报月报新增办结逾期反弹区县部门督察投诉监测巡查优良天数"
"""Characters every briefing's charts draw; a font lacking one of them is not used."""


@dataclass(frozen=True)
class CjkFont:
    path: str
    face_index: int
    family: str


def _fc_match() -> tuple[str, str] | None:
    """fontconfig's best simplified-Chinese font: (file, family); None without fontconfig."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{family[0]}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    return (found[0], found[1]) if len(found) == 2 else None


def _faces(path: str) -> dict[str, int]:
    """Family name → face index of every face in the file, registered with matplotlib."""
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    first = ft2font.FT2Font(path)
    faces = {first.family_name: 0}
    for index in range(1, first.num_faces):
        faces.setdefault(ft2font.FT2Font(path, face_index=index).family_name, index)
    return faces


def covers(font: CjkFont, text: str) -> bool:
    """Whether the face has a glyph of its own (not .notdef, index 0) for every character."""
    face = ft2font.FT2Font(font.path, face_index=font.face_index)
    return all(face.get_char_index(ord(character)) != 0
               for character in set(text) if not character.isspace())


def _candidate(path: str, family: str | None) -> CjkFont | None:
    if not path or not Path(path).is_file():
        return None
    try:
        faces = _faces(path)
    except (OSError, RuntimeError, ValueError):
        log.warning("the font file %s cannot be read", path)
        return None
    preferred = [family] if family in faces else []
    preferred += sorted((name for name in faces if name.endswith(" SC")), key=len)
    preferred += list(faces)
    for name in preferred:
        font = CjkFont(path, faces[name], name)
        if covers(font, SAMPLE):
            return font
    return None


@functools.cache
def cjk_font() -> CjkFont | None:
    """The font to draw Chinese labels in, or None (then charts are left out, never boxed)."""
    candidates: list[tuple[str, str | None]] = []
    if settings.CJK_FONT:
        candidates.append((settings.CJK_FONT, None))
    matched = _fc_match()
    if matched:
        candidates.append(matched)
    candidates += [(path, None) for path in KNOWN_PATHS]
    for path, family in candidates:
        font = _candidate(path, family)
        if font is not None:
            return font
    log.warning("no font with Chinese glyphs found (set ECOLEDGER_CJK_FONT or install "
                "fonts-noto-cjk): briefings are generated without their charts")
    return None
