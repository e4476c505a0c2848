"""The Chinese words of the briefing document and its charts.

A briefing (通报) is an official document in Chinese whatever language its
reader's screen is set to, so these are its content, written here as they are
printed, not interface strings for translation.
"""

from __future__ import annotations

from typing import Final

ORIGINS: Final = {
    "inspection": "督察交办",
    "complaint": "群众投诉",
    "monitoring": "在线监测",
    "patrol": "日常巡查",
    "remote_sensing": "遥感监测",
    "media": "媒体曝光",
    "self_check": "自查自纠",
}
KINDS: Final = {"weekly": "周报", "monthly": "月报"}
PERIOD_WORDS: Final = {"weekly": "本周", "monthly": "本月"}
FIGURES: Final = {
    "new": "新增问题",
    "closed": "办结问题",
    "closed_on_time": "按期办结",
    "rebounds": "反弹问题",
    "valid_days": "有效监测天数",
    "good_days": "优良天数",
}
SECTIONS: Final = {"districts": "", "air": "空气质量 "}
CHINESE_NUMBERS: Final = "一二三四五六七八九十"


def figure_name(path: str) -> str:
    """A figure's path in the archive (``districts/玄武区/new``) in words: 玄武区新增问题."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] in SECTIONS:
        return f"{SECTIONS[parts[0]]}{parts[1]}{FIGURES.get(parts[2], parts[2])}"
    return FIGURES.get(path, path)


def period_name(key: str) -> str:
    """2026-W48 → 2026年第48周; 2026-11 → 2026年11月."""
    if "-W" in key:
        year, week = key.split("-W", 1)
        return f"{year}年第{int(week)}周"
    if "/" in key:
        return key.replace("/", "至")
    year, month = key.split("-", 1)
    return f"{year}年{int(month)}月"


def long_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{year}年{month}月{day}日"


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"
