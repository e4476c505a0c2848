"""The pure rules: marks, runs, hysteresis, clearing, flat lines."""

from __future__ import annotations

import numpy as np
import pytest

from ecoledger.monitoring.alerts.conditions import (
    Episode,
    Mark,
    episodes,
    flag_marks,
    flat_marks,
    hysteresis_marks,
    relative_excess,
)

B, W, D, S = Mark.BEYOND, Mark.WITHIN, Mark.DEADBAND, Mark.SKIP
HOUR = 3600.0


def hourly(n: int) -> np.ndarray:
    return np.arange(n) * HOUR


def run(marks, *, consecutive=3, clear_after=3, active=False, seconds=None, max_gap=2 * HOUR):
    marks = np.array(marks, dtype=np.int8)
    seconds = hourly(len(marks)) if seconds is None else np.asarray(seconds, dtype=float)
    return episodes(
        marks,
        seconds,
        consecutive=consecutive,
        clear_after=clear_after,
        max_gap=max_gap,
        active=active,
    )


def marks_of(values, limit=100.0, hysteresis=0.05, lower=None):
    return hysteresis_marks(relative_excess(values, upper=limit, lower=lower), hysteresis)


def test_it_marks_beyond_deadband_within_and_skip_around_a_limit_of_100():
    marks = marks_of([100.0, 100.1, 99.0, 95.0, 94.9, np.nan])

    assert marks.tolist() == [D, B, D, W, W, S]


def test_a_lower_limit_is_passed_from_above():
    marks = marks_of([5.9, 6.0, 6.2, 6.4, 7.0], limit=9.0, lower=6.0)

    assert marks.tolist() == [B, D, D, W, W]


def test_without_hysteresis_there_is_no_dead_band():
    assert marks_of([100.0, 100.5, 99.9], hysteresis=0.0).tolist() == [W, B, W]


def test_it_opens_at_the_first_of_consecutive_beyond_values():
    assert run([W, B, B, B, B]) == [Episode(opened=1, beyond=(1, 2, 3, 4), cleared=None)]


def test_fewer_than_consecutive_beyond_values_open_nothing():
    assert run([B, B, W, B, B, D, B, B]) == []


def test_skipped_values_neither_count_nor_break_a_run():
    assert run([B, S, B, S, B]) == [Episode(opened=0, beyond=(0, 2, 4), cleared=None)]


def test_a_gap_longer_than_max_gap_breaks_a_run():
    seconds = [0, HOUR, 10 * HOUR, 11 * HOUR]

    assert run([B, B, B, B], seconds=seconds) == []


def test_skipped_values_longer_than_max_gap_break_a_run_like_missing_ones():
    assert run([B, B, S, S, B]) == []


def test_it_clears_at_the_first_of_clear_after_within_values():
    found = run([B, B, B, W, W, B, W, W, W, W])

    assert found == [Episode(opened=0, beyond=(0, 1, 2, 5), cleared=6)]


def test_a_value_flapping_around_the_threshold_opens_one_episode_not_several():
    values = [101, 102, 103, 99, 101, 98, 102, 97, 101, 99, 103, 96, 101]

    found = run(marks_of(values), consecutive=1, clear_after=1)

    assert found == [Episode(opened=0, beyond=(0, 1, 2, 4, 6, 8, 10, 12), cleared=None)]


def test_without_hysteresis_the_same_flapping_opens_an_episode_at_every_crossing():
    values = [101, 102, 103, 99, 101, 98, 102]

    found = run(marks_of(values, hysteresis=0.0), consecutive=1, clear_after=1)

    assert [episode.opened for episode in found] == [0, 4, 6]


def test_dead_band_values_restart_the_clearing_run():
    found = run([B, B, B, W, W, D, W, W, W])

    assert found == [Episode(opened=0, beyond=(0, 1, 2), cleared=6)]


def test_an_active_episode_continues_and_can_be_followed_by_a_new_one():
    found = run([B, W, W, W, B, B, B], active=True)

    assert found == [
        Episode(opened=None, beyond=(0,), cleared=1),
        Episode(opened=4, beyond=(4, 5, 6), cleared=None),
    ]


def test_an_active_episode_without_values_is_reported_unchanged():
    assert run([], active=True) == [Episode(opened=None, beyond=(), cleared=None)]


def test_flag_marks_skip_what_another_kind_judges():
    marks = flag_marks([True, False, True], skip=[False, False, True])

    assert marks.tolist() == [B, W, S]


def test_a_flat_line_is_beyond_from_the_nth_identical_value_of_a_run():
    values = [5.0, 5.0, 5.0, 5.0, 6.0, 6.0, np.nan, 6.0, 6.0]

    marks, starts = flat_marks(values, hourly(9), run=4, max_gap=2 * HOUR)

    assert marks.tolist() == [W, W, W, B, W, W, S, W, B]
    assert starts.tolist() == [0, 0, 0, 0, 4, 4, -1, 4, 4]


def test_a_gap_starts_a_new_flat_run():
    seconds = [0, HOUR, 2 * HOUR, 20 * HOUR, 21 * HOUR]

    marks, _ = flat_marks([1.0] * 5, seconds, run=3, max_gap=2 * HOUR)

    assert marks.tolist() == [W, W, B, W, W]


def resume_after(found: list[Episode]) -> tuple[int, bool]:
    """Where a later run continues, as tracks.plan does: after an open episode's last
    beyond value; else from where the last episode cleared, or from the start."""
    if not found:
        return 0, False
    last = found[-1]
    if last.cleared is None:
        return last.beyond[-1] + 1, True
    return last.cleared, False


@pytest.mark.parametrize("split", range(1, 12))
def test_evaluating_in_two_pieces_finds_what_evaluating_at_once_does(split):
    marks = [W, B, B, W, B, B, B, D, W, W, W, B]
    whole = run(marks)

    first = run(marks[:split])
    resume, active = resume_after(first)
    second = run(marks[resume:], active=active)

    opened = [e.opened for e in first if e.opened is not None]
    opened += [resume + e.opened for e in second if e.opened is not None]
    assert opened == [e.opened for e in whole if e.opened is not None] == [4]
