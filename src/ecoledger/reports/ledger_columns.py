"""The columns of a rectification ledger (整改台账), as Chinese ledgers name them.

One catalogue serves both directions. The export writes each column's header
and reads its value from a problem (prepared by ``ledger_export``); the
import finds each header, or one of the synonyms other ledgers use for it,
and reads the cell by the column's kind. The headers and the words of the
choice columns are the ledger's format and stay Chinese whatever the
interface language; ``label`` is what the pages show of a column.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import Domain, Origin, Severity, Status, UnitRole
from ecoledger.ledger.models import Problem, RectificationPlan
from ecoledger.org.choices import RegionLevel
from ecoledger.reports.ledger_words import (
    MeasureLine,
    Words,
    cell_text,
    measure_line,
    normalise,
    progress_line,
    read_date,
    read_number,
)


class Kind(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"


STATUS_WORDS = Words(
    {Status.REPORTED: "待核实", Status.ASSIGNED: "已交办", Status.CONTESTED: "有异议",
     Status.RECTIFYING: "整改中", Status.PENDING_ACCEPTANCE: "待验收", Status.CLOSED: "已销号",
     Status.DISMISSED: "已撤销"},
    {Status.REPORTED: ("待核查", "已登记", "待交办", "未交办", "新发现"),
     Status.ASSIGNED: ("待整改", "未开始", "已分派", "已派发", "已转办"),
     Status.CONTESTED: ("退单", "申请退单", "有争议"),
     Status.RECTIFYING: ("正在整改", "推进中", "正在推进", "进行中", "未完成", "整改未完成",
                         "序时推进", "持续整改"),
     Status.PENDING_ACCEPTANCE: ("已提交验收", "验收中", "申请验收", "申请销号", "待销号",
                                 "整改完成待验收"),
     Status.CLOSED: ("已完成", "完成", "已整改", "整改完成", "已整改完成", "完成整改", "已办结",
                     "办结", "已验收", "销号", "验收销号"),
     Status.DISMISSED: ("不属实", "核查不属实", "不予立案", "撤销", "已驳回")},
)
DOMAIN_WORDS = Words(
    {Domain.AIR: "大气", Domain.WATER: "水", Domain.SOIL: "土壤",
     Domain.SOLID_WASTE: "固体废物", Domain.NOISE: "噪声", Domain.ECOLOGY: "生态"},
    {Domain.AIR: ("大气污染", "空气", "大气环境", "废气", "扬尘"),
     Domain.WATER: ("水污染", "水环境", "水体", "污水", "废水"),
     Domain.SOIL: ("土壤污染", "土壤环境"),
     Domain.SOLID_WASTE: ("固废", "固体废弃物", "危险废物", "危废", "垃圾"),
     Domain.NOISE: ("噪音", "噪声污染"),
     Domain.ECOLOGY: ("生态破坏", "生态保护", "自然生态")},
)
ORIGIN_WORDS = Words(
    {Origin.INSPECTION: "督察交办", Origin.COMPLAINT: "群众投诉", Origin.MONITORING: "在线监测",
     Origin.PATROL: "日常巡查", Origin.REMOTE_SENSING: "遥感监测", Origin.MEDIA: "媒体曝光",
     Origin.SELF_CHECK: "自查自纠"},
    {Origin.INSPECTION: ("督察", "中央督察", "中央环保督察", "省级督察", "环保督察", "交办件",
                         "督察反馈"),
     Origin.COMPLAINT: ("投诉", "信访", "举报", "信访举报", "群众举报", "12345", "12369"),
     Origin.MONITORING: ("监测", "自动监测", "监测预警", "在线监控"),
     Origin.PATROL: ("巡查", "巡查发现", "执法检查", "现场检查", "检查发现"),
     Origin.REMOTE_SENSING: ("遥感", "卫星遥感", "无人机"),
     Origin.MEDIA: ("媒体", "媒体报道", "新闻媒体", "舆情", "曝光"),
     Origin.SELF_CHECK: ("自查", "排查", "自行排查", "排查整治")},
)
SEVERITY_WORDS = Words(
    {Severity.GENERAL: "一般", Severity.SERIOUS: "较重", Severity.MAJOR: "重大"},
    {Severity.GENERAL: ("一般问题", "轻微", "较轻"),
     Severity.SERIOUS: ("较大", "严重", "较严重", "突出"),
     Severity.MAJOR: ("特别重大", "重大问题", "特大")},
)

Reader = Callable[[Problem], Any]


@dataclass(frozen=True)
class Column:
    """One ledger column: its header, how the export fills it and how the import reads it.

    ``imported`` is False for what the platform computes itself (序号, 反弹次数):
    the import recognises those headers and leaves them aside.
    """

    key: str
    header: str
    label: Promise
    kind: Kind
    width: int
    read: Reader
    synonyms: tuple[str, ...] = ()
    words: Words | None = None
    imported: bool = True
    wrap: bool = False

    def parse(self, raw: Any) -> Any:
        """The cell as the column's value (None when blank); ``CellError`` says what is wrong."""
        if self.kind is Kind.DATE:
            return read_date(raw)
        if self.kind is Kind.NUMBER:
            return read_number(raw)
        text = cell_text(raw)
        if self.words is not None and text:
            return self.words.value(text)
        return text or None

    def names(self) -> set[str]:
        """The normalised headers this column answers to."""
        return {normalise(self.header), *(normalise(name) for name in self.synonyms)}


def _plan(problem: Problem) -> RectificationPlan | None:
    return getattr(problem, "plan", None)  # the reverse one-to-one, None when there is no plan


def _measures(problem: Problem) -> str:
    plan = _plan(problem)
    if plan is None:
        return ""
    return "\n".join(
        measure_line(n, MeasureLine(m.description, m.owner, m.due_on, m.done_at is not None))
        for n, m in enumerate(plan.measures.all(), 1)
    )


def _units(problem: Problem, *roles: UnitRole) -> str:
    """Unit names, the lead first (the import takes the first name as the lead)."""
    units = sorted((u for u in problem.units.all() if u.role in roles),
                   key=lambda u: (u.role != UnitRole.LEAD, u.pk))
    return "、".join(str(u.unit) for u in units)


def _progress(problem: Problem) -> str:
    return "\n".join(progress_line(timezone.localdate(r.created_at), r.text)
                     for r in problem.progress_reports.all())


def _acceptance(problem: Problem) -> str:
    if problem.status != Status.CLOSED:
        return ""
    passed = [review for review in problem.acceptances.all() if review.passed]
    return passed[-1].opinion if passed else ""


def _district(problem: Problem) -> str:
    region = problem.district or problem.region  # a city-level problem names the city
    return region.name


def _town(problem: Problem) -> str:
    return problem.region.name if problem.region.level == RegionLevel.TOWN else ""


def _note(problem: Problem) -> str:
    row = getattr(problem, "ledger_row", None)
    return row.note if row is not None else ""


def _local_date(value: Any) -> Any:
    return timezone.localdate(value) if value else None


def _column(key: str, header: str, label: Promise, kind: Kind, width: int, read: Reader,
            *synonyms: str, **options: Any) -> Column:
    return Column(key, header, label, kind, width, read, synonyms, **options)


T, D, N, C = Kind.TEXT, Kind.DATE, Kind.NUMBER, Kind.CHOICE

COLUMNS: tuple[Column, ...] = (
    _column("seq", "序号", _("Row number"), N, 6, lambda p: None, "行号",
            imported=False),
    _column("code", "问题编号", _("Code"), T, 18, lambda p: p.code,
            "编号", "问题序号", "台账编号", "交办编号", "问题代码"),
    _column("origin", "问题来源", _("Origin"), C, 12, lambda p: ORIGIN_WORDS.word(p.origin),
            "来源", "线索来源", "问题发现渠道", "发现渠道", words=ORIGIN_WORDS),
    _column("district", "所属区县", _("District or county"), C, 12, _district,
            "区县", "所属区域", "区域", "县区", "所在区县", "责任区县", "行政区"),
    _column("town", "所属乡镇(街道)", _("Town or street"), T, 14, _town,
            "乡镇", "街道", "乡镇(街道)", "乡镇街道", "所属街道", "所属乡镇", "镇街"),
    _column("domain", "问题类型", _("Domain"), C, 10, lambda p: DOMAIN_WORDS.word(p.domain),
            "问题领域", "污染类型", "类型", "领域", "环境要素", words=DOMAIN_WORDS),
    _column("category", "问题类别", _("Category"), T, 14,
            lambda p: p.category.name if p.category else "", "类别", "问题分类", "细分类别"),
    _column("severity", "严重程度", _("Severity"), C, 10,
            lambda p: SEVERITY_WORDS.word(p.severity), "问题等级", "等级", "严重等级",
            words=SEVERITY_WORDS),
    _column("title", "问题标题", _("Title"), T, 28, lambda p: p.title,
            "问题名称", "标题", "问题简述", "问题概述"),
    _column("description", "问题描述", _("Description"), T, 48, lambda p: p.description,
            "问题内容", "问题情况", "具体问题", "存在问题", "问题详情", "主要问题", wrap=True),
    _column("address", "地址", _("Address"), T, 28, lambda p: p.address,
            "问题地址", "具体位置", "地点", "位置", "详细地址", "问题点位"),
    _column("longitude", "经度", _("Longitude (WGS-84)"), N, 12, lambda p: p.longitude),
    _column("latitude", "纬度", _("Latitude (WGS-84)"), N, 12, lambda p: p.latitude),
    _column("goal", "整改目标", _("Rectification goal"), T, 30,
            lambda p: plan.goal if (plan := _plan(p)) else "", "整改要求", "目标要求",
            wrap=True),
    _column("measures", "整改措施", _("Measures"), T, 48, _measures,
            "整改方案", "主要措施", "工作措施", wrap=True),
    _column("responsible_units", "责任单位", _("Lead and responsible units"), T, 22,
            lambda p: _units(p, UnitRole.LEAD, UnitRole.RESPONSIBLE),
            "责任部门", "牵头单位", "牵头部门", "责任主体", "主责单位"),
    _column("cooperating_units", "配合单位", _("Cooperating units"), T, 22,
            lambda p: _units(p, UnitRole.COOPERATING), "配合部门", "协同单位", "协办单位"),
    _column("responsible_person", "责任人", _("Responsible person"), T, 12,
            lambda p: p.responsible_person, "具体责任人", "责任领导", "联系人"),
    _column("reported_on", "发现时间", _("Found on"), D, 12,
            lambda p: _local_date(p.reported_at), "发现日期", "交办时间", "交办日期",
            "登记时间", "受理时间", "问题发现时间"),
    _column("deadline", "整改时限", _("Deadline"), D, 12, lambda p: p.deadline,
            "完成时限", "整改期限", "整改完成时限", "计划完成时间", "时限要求", "整改时间"),
    _column("progress", "整改进展", _("Progress"), T, 48, _progress,
            "进展情况", "整改进度", "工作进展", "推进情况", wrap=True),
    _column("status", "完成情况", _("Status"), C, 10, lambda p: STATUS_WORDS.word(p.status),
            "整改状态", "办理状态", "状态", "完成状态", words=STATUS_WORDS),
    _column("acceptance", "验收情况", _("Acceptance"), T, 24, _acceptance,
            "验收意见", "验收结果", wrap=True),
    _column("closed_on", "销号时间", _("Closed on"), D, 12, lambda p: _local_date(p.closed_at),
            "销号日期", "完成时间", "实际完成时间", "办结时间", "验收时间"),
    _column("rebound_count", "反弹次数", _("Rebounds"), N, 8, lambda p: p.rebound_count,
            "反弹", imported=False),
    _column("note", "备注", _("Note"), T, 20, _note, "说明", "其他"),
)
BY_KEY = {column.key: column for column in COLUMNS}
# The choice columns whose words come from the organisation rather than a fixed list.
ORG_CHOICES = frozenset({"district"})


def column_for_header(header: str) -> Column | None:
    """The column a header names, by its ledger header or one of its synonyms."""
    return _BY_NAME.get(normalise(header).replace("*", "").replace("★", ""))


_BY_NAME = {name: column for column in COLUMNS for name in column.names()}
