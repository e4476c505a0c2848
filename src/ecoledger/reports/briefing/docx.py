"""The briefing (通报) as a Word document, laid out as the office's documents are.

A4 with the margins of GB/T 9704, a title and issue number over a red rule,
numbered sections (一、二、…), tables whose header row repeats on every page,
the charts as images, and a footer with the time of generation, the figures'
SHA-256 and the page number. The styles name an East-Asian font (``w:eastAsia``)
so Word and LibreOffice set the Chinese text in a CJK font rather than a
fallback of their choosing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table

from ecoledger.reports.briefing import words
from ecoledger.reports.briefing.charts import Chart

FALLBACK_FAMILY = "SimSun"
"""The East-Asian font named when no CJK font was found here: 宋体, present wherever Word is."""
RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)
NO_CHARTS = ("注：生成本通报的服务器未找到可显示中文的字体，统计图从略，"
             "相关数据见文中各表。")


def _set_font(style: BaseStyle, family: str, size: float, *, bold: bool = False) -> None:
    """Name ``family`` for every script of the style, dropping the theme fonts that win over it."""
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold, font.color.rgb = family, Pt(size), bold, BLACK
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), family)


def _setup(document: DocumentObject, family: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _set_font(document.styles["Normal"], family, 12)
    _set_font(document.styles["Title"], family, 22, bold=True)
    title = document.styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # the template's blue rule: ours is red
        title.remove(border)
    _set_font(document.styles["Heading 1"], family, 14, bold=True)
    _set_font(document.styles["Heading 2"], family, 12, bold=True)
    _set_font(document.styles["Caption"], family, 10.5)
    _set_font(document.styles["Footer"], family, 8)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    normal = document.styles["Normal"].paragraph_format  # type: ignore[attr-defined]
    normal.line_spacing, normal.space_after = 1.3, Pt(4)


def _red_rule(document: DocumentObject) -> None:
    """The red line under a document's head (版头分隔线)."""
    paragraph = document.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"),
                        ("w:color", "C00000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: DocumentObject, headers: Sequence[str],
           rows: Sequence[Sequence[Any]]) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_header(table)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "—" if value is None or value == "" else str(value)
    document.add_paragraph()
    return table


def _paragraph(document: DocumentObject, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(24)


def _centred(document: DocumentObject, text: str, *, style: str | None = None,
             size: float | None = None, colour: RGBColor | None = None) -> None:
    paragraph = document.add_paragraph(style=style)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour


class _Writer:
    """One document, its section numbers and figure numbers."""

    def __init__(self, figures: dict[str, Any], charts: list[Chart] | None) -> None:
        self.figures = figures
        self.charts = {chart.key: chart for chart in charts or []}
        self.no_font = charts is None
        self.section = 0
        self.figure = 0
        self.document: DocumentObject = Document()

    def heading(self, text: str) -> None:
        self.section += 1
        self.document.add_heading(f"{words.CHINESE_NUMBERS[self.section - 1]}、{text}", level=1)

    def chart(self, key: str) -> None:
        chart = self.charts.get(key)
        if chart is None:
            return
        self.figure += 1
        self.document.add_picture(io.BytesIO(chart.png), width=Cm(15))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _centred(self.document, f"图{self.figure}　{chart.caption}", style="Caption")


def _head(writer: _Writer) -> None:
    figures = writer.figures
    period, kind = figures["period"], figures["kind"]
    document = writer.document
    document.add_paragraph(f"{figures['scope']['name']}生态环境问题整改工作"
                           f"{words.KINDS[kind]}", style="Title").alignment = (
        WD_ALIGN_PARAGRAPH.CENTER)
    _centred(document, f"{period['year']}年第{period['number']}期", size=14)
    _centred(document, f"统计时段：{words.long_date(period['start'])}至"
                       f"{words.long_date(period['end'])}　数据截至："
                       f"{words.long_date(figures['as_of'])}", size=10.5)
    _red_rule(document)


def _overview(writer: _Writer) -> None:
    figures = writer.figures
    h, scope, when = figures["headline"], figures["scope"]["name"], figures["kind"]
    word = words.PERIOD_WORDS[when]
    writer.heading("总体情况")
    _paragraph(writer.document, (
        f"{word}{scope}新增生态环境问题{h['new']}个，办结{h['closed']}个，其中按期办结"
        f"{h['closed_on_time']}个，按期办结率{words.share(h['closed_on_time'], h['closed'])}；"
        f"{word}发生问题反弹{h['rebounds']}个。截至{words.long_date(figures['as_of'])}，"
        f"台账共有问题{h['total']}个，在办{h['open']}个，其中待核实交办"
        f"{figures['by_status']['reported']}个、已交办{h['running']}个（其中整改中"
        f"{figures['by_status'].get('rectifying', 0)}个，已逾期{h['overdue']}个）、"
        f"待验收{h['pending_acceptance']}个；累计发生反弹的问题{h['rebounded']}个。"))
    if writer.no_font:
        _paragraph(writer.document, NO_CHARTS)
    _table(writer.document, ["指标", "数值"], [
        [f"{word}新增问题", h["new"]], [f"{word}办结问题", h["closed"]],
        ["其中按期办结", h["closed_on_time"]],
        ["按期办结率", words.share(h["closed_on_time"], h["closed"])],
        ["在办问题", h["open"]], ["逾期问题", h["overdue"]],
        ["待验收问题", h["pending_acceptance"]], [f"{word}反弹问题", h["rebounds"]],
        ["累计反弹问题", h["rebounded"]],
    ])
    writer.chart("flow")


def _districts(writer: _Writer) -> None:
    word = words.PERIOD_WORDS[writer.figures["kind"]]
    writer.heading("各区县情况")
    _table(writer.document,
           ["区县", "问题总数", "在办", "逾期", "待验收", f"{word}新增", f"{word}办结",
            "按期办结"],
           [[r["name"], r["total"], r["open"], r["overdue"], r["pending_acceptance"], r["new"],
             r["closed"], r["closed_on_time"]] for r in writer.figures["districts"]])
    writer.chart("districts")


def _departments(writer: _Writer) -> None:
    word = words.PERIOD_WORDS[writer.figures["kind"]]
    writer.heading("各部门情况")
    rows = writer.figures["departments"]
    if not rows:
        _paragraph(writer.document, "目前没有由部门牵头、负责或配合办理的问题。")
        return
    _paragraph(writer.document, "部门作为牵头、责任或配合单位承办的问题：")
    _table(writer.document,
           ["部门", "在办", "逾期", "待验收", f"{word}新增", f"{word}办结", "按期办结"],
           [[r["name"], r["open"], r["overdue"], r["pending_acceptance"], r["new"], r["closed"],
             r["closed_on_time"]] for r in rows])


def _overdue(writer: _Writer) -> None:
    figures = writer.figures
    rows, count = figures["overdue"], figures["headline"]["overdue"]
    writer.heading("逾期问题清单")
    as_of = words.long_date(figures["as_of"])
    if not count:
        _paragraph(writer.document, f"截至{as_of}，无逾期未完成整改的问题。")
        return
    more = (f"下表列出逾期时间最长的{len(rows)}个，其余见问题台账。" if count > len(rows)
            else "清单如下。")
    _paragraph(writer.document, f"截至{as_of}，共有{count}个问题超过整改时限仍未完成整改，{more}")
    _table(writer.document, ["序号", "问题编号", "问题名称", "所属区县", "牵头单位", "整改时限",
                             "逾期天数"],
           [[n, r["code"], r["title"], r["district"], r["unit"], r["deadline"], r["days"]]
            for n, r in enumerate(rows, 1)])


def _rebounds(writer: _Writer) -> None:
    rows = writer.figures["rebounds"]
    word = words.PERIOD_WORDS[writer.figures["kind"]]
    writer.heading("问题反弹情况")
    if not rows:
        _paragraph(writer.document, f"{word}未发生已销号问题反弹。")
        return
    _paragraph(writer.document, f"{word}有{len(rows)}个已销号问题出现反弹，已重新交办整改：")
    _table(writer.document, ["序号", "问题编号", "问题名称", "所属区县", "反弹日期", "反弹原因",
                             "累计反弹次数"],
           [[n, r["code"], r["title"], r["district"], r["date"], r["reason"], r["rebounds"]]
            for n, r in enumerate(rows, 1)])


def _origins(writer: _Writer) -> None:
    figures = writer.figures
    rows, total = figures["origins"], figures["headline"]["new"]
    word = words.PERIOD_WORDS[figures["kind"]]
    writer.heading("新增问题来源")
    if not rows:
        _paragraph(writer.document, f"{word}无新增问题。")
        return
    _paragraph(writer.document, f"{word}新增问题{total}个，来源分布如下：")
    _table(writer.document, ["问题来源", "数量", "占比"],
           [[words.ORIGINS.get(r["origin"], r["origin"]), r["count"],
             words.share(r["count"], total)] for r in rows])
    writer.chart("origins")


def _environment(writer: _Writer) -> None:
    figures = writer.figures
    air, water = figures["air"], figures["water"]
    word = words.PERIOD_WORDS[figures["kind"]]
    writer.heading("环境质量状况")
    writer.document.add_heading("（一）环境空气质量", level=2)
    total = air["total"]
    if total is None or not total["valid_days"]:
        _paragraph(writer.document, f"{word}无环境空气自动监测站数据。")
    else:
        _paragraph(writer.document, (
            f"{word}{total['name']}{total['stations']}个环境空气自动监测站有效监测"
            f"{total['valid_days']}天，其中优良天数{total['good_days']}天，优良天数比例"
            f"{total['good_share']}%，日均空气质量指数（AQI）{total['mean_aqi']}。"))
        _table(writer.document, ["区域", "监测站数", "有效天数", "优良天数", "优良天数比例",
                                 "日均AQI"],
               [[r["name"], r["stations"], r["valid_days"], r["good_days"],
                 f"{r['good_share']}%" if r["good_share"] is not None else None, r["mean_aqi"]]
                for r in [*air["areas"], total]])
        if figures["kind"] == "weekly":
            days = [day["date"][5:].replace("-", "/") for day in total["days"]]
            _table(writer.document, ["区域（日AQI）", *days],
                   [[r["name"], *(day["aqi"] for day in r["days"])]
                    for r in [*air["areas"], total]])
        writer.chart("air")
    writer.document.add_heading("（二）地表水环境质量", level=2)
    if not water:
        _paragraph(writer.document, f"{word}无地表水断面监测数据。")
        return
    met = sum(1 for row in water if row["meets"])
    judged = sum(1 for row in water if row["meets"] is not None)
    _paragraph(writer.document, f"{word}{len(water)}个地表水断面有监测数据，其中{judged}个设有"
                                f"水质目标，{met}个达到目标。")
    _table(writer.document, ["断面", "所属区县", "目标水质", "本期水质", "是否达标", "定类项目"],
           [[r["name"], r["district"], r["target"], r["class"],
             None if r["meets"] is None else ("是" if r["meets"] else "否"),
             "、".join(r["items"])] for r in water])


def _corrections(writer: _Writer, differences: list[dict[str, Any]]) -> None:
    writer.heading("对此前通报数据的更正")
    if not differences:
        _paragraph(writer.document, "本期无对此前通报数据的更正。")
        return
    _paragraph(writer.document, "因问题补录、数据更正等原因，以下数据与此前通报不一致，"
                                "以本期通报为准：")
    _table(writer.document, ["统计时段", "指标", "原通报数值", "现数值", "原通报"],
           [[words.period_name(d["period"]), words.figure_name(d["figure"]), d["before"],
             d["after"], f"{d['report_title']}（{words.long_date(d['report_generated_at'])}）"]
            for d in differences])


def _footer(writer: _Writer, digest: str, generated_at: datetime) -> None:
    paragraph = writer.document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    local = timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M")
    paragraph.add_run(f"生成时间：{local}　数据指纹（SHA-256）：{digest}　第 ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    shown, number = OxmlElement("w:r"), OxmlElement("w:t")
    number.text = "1"  # what a reader that does not update fields shows
    shown.append(number)
    page.append(shown)
    paragraph._p.append(page)
    paragraph.add_run(" 页")


def build_docx(figures: dict[str, Any], *, digest: str, differences: list[dict[str, Any]],
               charts: list[Chart] | None, generated_at: datetime, family: str | None) -> bytes:
    """The briefing document of ``figures`` (``charts`` None: no CJK font, no charts)."""
    writer = _Writer(figures, charts)
    _setup(writer.document, family or FALLBACK_FAMILY)
    _head(writer)
    _overview(writer)
    _districts(writer)
    _departments(writer)
    _overdue(writer)
    _rebounds(writer)
    _origins(writer)
    _environment(writer)
    _corrections(writer, differences)
    _footer(writer, digest, generated_at)
    buffer = io.BytesIO()
    writer.document.save(buffer)
    return buffer.getvalue()
