from __future__ import annotations

from ecoledger.intake.similarity import shingles, similarity


def test_chinese_text_is_cut_into_character_pairs():
    assert shingles("扬尘污染") == {"扬尘", "尘污", "污染"}


def test_latin_words_and_numbers_stay_whole_and_width_does_not_matter():
    assert shingles("ＰＭ2.5 超标 Road 12") == {"pm2.5", "超标", "road", "12"}


def test_the_same_complaint_in_other_words_is_similar_and_an_unrelated_one_is_not():
    first = "工地扬尘很大，没有覆盖防尘网"
    reworded = "这个工地扬尘太大了，防尘网也没有覆盖"
    unrelated = "河道发黑发臭，有污水直排"

    assert similarity(first, reworded) > 0.3
    assert similarity(first, unrelated) == 0.0


def test_empty_text_is_similar_to_nothing():
    assert similarity("", "工地扬尘") == 0.0
