"""The briefing's charts: Chinese labels drawn in a real CJK font, never as empty boxes; without
such a font, no charts and a sentence in the document that says so."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib import ft2font
from PIL import Image

from ecoledger.lib import clock
from ecoledger.reports.briefing import charts, fonts, pdf, words
from ecoledger.reports.briefing.docx import NO_CHARTS
from ecoledger.reports.briefing.figures import Scope, briefing_figures
from ecoledger.reports.briefing.services import generate_briefing
from tests.reports.briefing_world import NOW, ledger_history, read_docx, text_of

pytestmark = pytest.mark.django_db
DEJAVU = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
NOTDEF = "\ue000"  # a private-use character no font here draws: rendered as .notdef


@pytest.fixture
def found_font():
    fonts.cjk_font.cache_clear()
    font = fonts.cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine (install fonts-noto-cjk)")
    yield font
    fonts.cjk_font.cache_clear()


@pytest.fixture
def figures(city, monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    ledger_history(city)
    with clock.frozen_at(NOW):
        return briefing_figures("weekly", NOW.date(), Scope.city())


def _bitmap(face: ft2font.FT2Font, character: str) -> np.ndarray:
    face.clear()
    face.set_size(48, 72)
    face.set_text(character)
    face.draw_glyphs_to_bitmap()
    return np.asarray(face.get_image()).copy()


def _labels(figures: dict) -> str:
    """Every Chinese word the charts of these figures draw."""
    return "".join([
        *(plan.caption for plan in charts.plans(figures)),
        *(row["name"] for row in figures["districts"]),
        *(words.ORIGINS[row["origin"]] for row in figures["origins"]),
        "新增办结在办其中逾期问题数（个）优良天数比例",
        *(words.period_name(key) for key in figures["periods"]),
    ])


def test_every_chinese_label_has_a_real_glyph_in_the_font_found(found_font, figures):
    face = ft2font.FT2Font(found_font.path, face_index=found_font.face_index)
    with pytest.warns(UserWarning, match="missing from font"):
        notdef = _bitmap(face, NOTDEF)
    labels = {c for c in _labels(figures) if "\u4e00" <= c <= "\u9fff"}

    assert len(labels) > 30
    for character in sorted(labels):
        glyph = _bitmap(face, character)
        assert face.get_char_index(ord(character)) != 0, character
        assert glyph.sum() > 0, character
        assert glyph.shape != notdef.shape or not np.array_equal(glyph, notdef), character


def test_the_charts_are_drawn_whole_as_png_images(found_font, figures):
    drawn = charts.render_charts(figures)

    assert [chart.caption for chart in drawn] == [
        "近12周新增与办结问题数", "各区县在办及逾期问题数", "本周新增问题来源"]
    for chart in drawn:
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "PNG" and image.width > 600


def test_a_font_without_chinese_glyphs_draws_no_chart_rather_than_boxes(
        figures, monkeypatch, caplog):
    latin = fonts.CjkFont(DEJAVU, 0, "DejaVu Sans")
    monkeypatch.setattr(charts, "cjk_font", lambda: latin)

    with caplog.at_level(logging.WARNING, logger="ecoledger.reports.briefing.charts"):
        drawn = charts.render_charts(figures)

    assert drawn == []
    assert "left out of the briefing" in caplog.text
    assert not fonts.covers(latin, "区县")


def test_without_a_cjk_font_the_document_says_the_charts_are_left_out(
        city, figures, monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    monkeypatch.setattr("ecoledger.reports.briefing.services.cjk_font", lambda: None)

    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=None)

    document = read_docx(briefing.document.file.read())
    assert NO_CHARTS in text_of(document)
    assert len(document.inline_shapes) == 0


def test_when_no_font_is_found_the_log_says_so(settings, monkeypatch, caplog, tmp_path: Path):
    settings.CJK_FONT = str(tmp_path / "missing.ttf")
    monkeypatch.setattr(fonts, "_fc_match", lambda: (DEJAVU, "DejaVu Sans"))
    monkeypatch.setattr(fonts, "KNOWN_PATHS", (DEJAVU,))
    fonts.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="ecoledger.reports.briefing.fonts"):
            assert fonts.cjk_font() is None
    finally:
        fonts.cjk_font.cache_clear()
    assert "no font with Chinese glyphs found" in caplog.text


def test_the_font_named_by_the_setting_comes_first(settings, found_font):
    serif = Path(found_font.path).with_name("NotoSerifCJK-Regular.ttc")
    if not serif.is_file():
        pytest.skip("Noto Serif CJK is not installed here")
    settings.CJK_FONT = str(serif)
    fonts.cjk_font.cache_clear()

    chosen = fonts.cjk_font()

    assert (chosen.path, chosen.family) == (str(serif), "Noto Serif CJK SC")
