"""Integrity flags on evidence photos: shown to the acceptor, never deciding for them."""

from __future__ import annotations

import io
from datetime import timedelta

import hypothesis
import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from ecoledger.ledger import integrity, services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.integrity import flags_for
from ecoledger.ledger.models import Evidence, EvidenceLookalike, Problem
from ecoledger.lib import clock
from ecoledger.lib.imagehash import hamming, is_featureless
from tests.factories import make_problem
from tests.hashes import HASHES, THRESHOLDS, bits_within, flipped
from tests.photos import scene_jpeg

pytestmark = pytest.mark.django_db

HERE = {1: "N", 2: (32.0, 3.0, 0.0), 3: "E", 4: (118.0, 46.0, 48.0)}  # 32.05, 118.78
FAR = {1: "N", 2: (32.0, 6.0, 0.0), 3: "E", 4: (118.0, 46.0, 48.0)}  # about 5.5 km north
CAMERA = 271


def _rectifying(city, **facts) -> Problem:
    return make_problem(city, status=Status.RECTIFYING, latitude=32.05, longitude=118.78,
                        **facts)


def _upload(problem: Problem, data: bytes, name: str = "after.jpg", user=None) -> Evidence:
    return services.add_evidence(problem, acting_user=user or problem.reported_by,
                                 upload=io.BytesIO(data), name=name, stage="after")


def _now_exif() -> dict[int, str]:
    return {306: f"{clock.now().astimezone():%Y:%m:%d %H:%M:%S}", CAMERA: "Huawei"}


def _codes(problem: Problem) -> dict[str, set[str]]:
    flags = flags_for(problem, list(problem.evidence.all()))
    names = dict(problem.evidence.values_list("pk", "original_name"))
    return {names[pk]: {flag.code for flag in found} for pk, found in flags.items()}


def test_a_photo_taken_on_site_during_rectification_has_no_flags(city):
    problem = _rectifying(city)

    _upload(problem, scene_jpeg(1, exif=_now_exif(), gps=HERE))

    assert _codes(problem) == {}


def test_time_outside_the_period_a_far_position_and_no_exif_are_each_flagged(city):
    problem = _rectifying(city)

    _upload(problem, scene_jpeg(2, exif={306: "2020:05:01 10:00:00", CAMERA: "Canon"},
                                gps=HERE), "old.jpg")
    _upload(problem, scene_jpeg(3, exif=_now_exif(), gps=FAR), "far.jpg")
    _upload(problem, scene_jpeg(4), "bare.jpg")

    assert _codes(problem) == {"old.jpg": {"time"}, "far.jpg": {"far"}, "bare.jpg": {"no_exif"}}
    far = flags_for(problem, list(problem.evidence.filter(original_name="far.jpg")))
    assert "more than 500 m" in next(iter(far.values()))[0].message


def test_after_a_rebound_the_earlier_rounds_photos_say_so_instead_of_an_impossible_period(
        city):
    problem = _rectifying(city)
    _upload(problem, scene_jpeg(5, exif=_now_exif(), gps=HERE), "first-round.jpg")
    Problem.objects.filter(pk=problem.pk).update(
        started_on=clock.today() + timedelta(days=40))  # reopened as a rebound later on
    problem.refresh_from_db()

    flags = flags_for(problem, list(problem.evidence.all()))

    assert _codes(problem) == {"first-round.jpg": {"earlier_round"}}
    assert "evidence of an earlier round" in next(iter(flags.values()))[0].message


def test_the_same_file_on_another_problem_is_flagged_with_that_problems_code(city):
    first, second = _rectifying(city), _rectifying(city)
    photo = scene_jpeg(5, exif=_now_exif(), gps=HERE)
    _upload(first, photo)

    _upload(second, photo)

    flags = flags_for(second, list(second.evidence.all()))
    (found,) = flags.values()
    assert [flag.code for flag in found] == ["same"]
    assert first.code in found[0].message


def test_a_resaved_smaller_copy_on_another_problem_is_flagged_as_looking_the_same(city):
    first, second, third = _rectifying(city), _rectifying(city), _rectifying(city)
    _upload(first, scene_jpeg(6, exif=_now_exif(), gps=HERE))
    _upload(third, scene_jpeg(9, exif=_now_exif(), gps=HERE))

    copy = _upload(second, scene_jpeg(6, size=(200, 150), quality=50, exif=_now_exif(),
                                      gps=HERE))

    (found,) = flags_for(second, [copy]).values()
    assert [flag.code for flag in found] == ["similar"]
    assert first.code in found[0].message and third.code not in found[0].message


def test_uploads_store_the_perceptual_hash_of_photos_only(city):
    problem = _rectifying(city)

    photo = _upload(problem, scene_jpeg(7))
    report = services.add_evidence(problem, acting_user=city.supervisor,
                                   upload=io.BytesIO(b"%PDF-1.4 minutes"), name="m.pdf",
                                   stage="document")

    assert len(photo.perceptual_hash) == 16
    assert report.perceptual_hash == ""


def test_the_migration_gives_photos_uploaded_before_it_their_perceptual_hash(city):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "ecoledger.ledger.migrations.0008_followups_rebounds_photo_hashes")
    problem = _rectifying(city)
    photo = _upload(problem, scene_jpeg(8))
    expected = photo.perceptual_hash
    Evidence.objects.filter(pk=photo.pk).update(perceptual_hash="")

    migration.hash_existing_photos(apps, None)

    assert Evidence.objects.get(pk=photo.pk).perceptual_hash == expected


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _page(client: Client, problem: Problem) -> str:
    page = client.get(reverse("web:problem-detail", args=[problem.code]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_look_alike_uploaded_later_on_another_problem_flags_both_problems(city):
    first, second = _rectifying(city), _rectifying(city)
    original = _upload(first, scene_jpeg(6, exif=_now_exif(), gps=HERE))
    assert flags_for(first, [original]) == {}

    copy = _upload(second, scene_jpeg(6, size=(200, 150), quality=50, exif=_now_exif(),
                                      gps=HERE))

    (on_first,) = flags_for(first, [original]).values()
    (on_second,) = flags_for(second, [copy]).values()
    assert [flag.code for flag in on_first] == ["similar"]
    assert [flag.code for flag in on_second] == ["similar"]
    assert second.code in on_first[0].message and first.code in on_second[0].message


def test_the_same_file_uploaded_later_flags_the_earlier_problem_too(city):
    first, second = _rectifying(city), _rectifying(city)
    photo = scene_jpeg(5, exif=_now_exif(), gps=HERE)
    original = _upload(first, photo)

    _upload(second, photo)

    (found,) = flags_for(first, [original]).values()
    assert [flag.code for flag in found] == ["same"]
    assert second.code in found[0].message


def test_look_alikes_on_the_same_problem_are_not_flagged(city):
    problem = _rectifying(city)
    _upload(problem, scene_jpeg(6, exif=_now_exif(), gps=HERE), "first.jpg")

    _upload(problem, scene_jpeg(6, quality=50, exif=_now_exif(), gps=HERE), "second.jpg")

    assert _codes(problem) == {}
    assert not EvidenceLookalike.objects.exists()


def test_featureless_pictures_are_not_compared_by_look(city):
    first, second = _rectifying(city), _rectifying(city)
    flat = Image.new("RGB", (320, 240), (120, 160, 90))
    _upload(first, _jpeg(flat, quality=90))

    grey = _upload(second, _jpeg(flat, quality=40))

    assert grey.perceptual_hash and grey.hash_band_0 is None
    assert _codes(second) == {"after.jpg": {"no_exif"}}
    assert not EvidenceLookalike.objects.exists()


def test_lowering_the_threshold_drops_pairs_farther_apart_at_once(city, settings):
    first, second = _rectifying(city), _rectifying(city)
    _upload(first, scene_jpeg(6, exif=_now_exif(), gps=HERE))
    copy = _upload(second, scene_jpeg(6, size=(200, 150), quality=50, exif=_now_exif(),
                                      gps=HERE))
    (pair,) = EvidenceLookalike.objects.filter(evidence=copy)
    assert pair.distance > 0

    settings.EVIDENCE_HASH_DISTANCE = pair.distance - 1

    assert flags_for(second, [copy]) == {}


def _archive(city, numbers: range, problems: list[Problem]) -> None:
    """Photos spread over ``problems``, half of them narrower copies of scene 6 (which look
    the same: the hash shrinks every picture to 9×8), half other scenes."""
    for number in numbers:
        problem = problems[number % len(problems)]
        photo = (scene_jpeg(6, size=(320 - number, 240))
                 if number // len(problems) % 2 == 0 else scene_jpeg(100 + number))
        _upload(problem, photo, f"archive-{number}.jpg", user=city.supervisor)


def test_the_problem_page_reads_the_flags_in_queries_that_do_not_grow_with_the_archive(
        city, monkeypatch):
    problem = _rectifying(city)
    photo = _upload(problem, scene_jpeg(6, exif=_now_exif(), gps=HERE))
    others = [_rectifying(city) for _ in range(4)]
    client = Client()
    client.force_login(city.supervisor)

    _archive(city, range(10), others[:2])
    cache.clear()  # the navigation's counts are cached: both requests start without them
    with CaptureQueriesContext(connection) as small:
        page = _page(client, problem)
    assert others[1].code in page and others[2].code not in page
    _archive(city, range(10, 200), others)
    monkeypatch.setattr(integrity, "hamming", None)  # showing the flags compares no hashes
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        page = _page(client, problem)

    assert Evidence.objects.count() == 201
    assert all(other.code in page for other in others)
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as reading:
        (found,) = flags_for(problem, [photo]).values()
    assert len(reading) == 1
    assert [flag.code for flag in found] == ["similar"]


def test_the_migration_pairs_the_photos_stored_before_it_as_uploads_do(city):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ecoledger.ledger.migrations.0010_evidence_lookalikes")
    first, second, third = _rectifying(city), _rectifying(city), _rectifying(city)
    same = scene_jpeg(5, exif=_now_exif(), gps=HERE)
    _upload(first, scene_jpeg(6, exif=_now_exif(), gps=HERE), "original.jpg")
    _upload(first, same, "same.jpg")
    _upload(second, scene_jpeg(6, size=(200, 150), quality=50), "copy.jpg")
    _upload(second, same, "same.jpg")
    _upload(third, scene_jpeg(9), "other.jpg")
    columns = ["pk", "hash_band_0", "hash_band_1", "hash_band_2", "hash_band_3"]
    bands = list(Evidence.objects.order_by("pk").values_list(*columns))
    pairs = set(EvidenceLookalike.objects.values_list("evidence", "other", "distance"))
    assert len(pairs) == 4
    EvidenceLookalike.objects.all().delete()
    Evidence.objects.update(**dict.fromkeys(columns[1:]))

    migration.compare_existing_photos(apps, None)

    assert list(Evidence.objects.order_by("pk").values_list(*columns)) == bands
    assert set(EvidenceLookalike.objects.values_list("evidence", "other", "distance")) == pairs


@pytest.fixture
def two_problems(city) -> tuple[Problem, Problem]:
    return _rectifying(city), _rectifying(city)


@hypothesis.settings(max_examples=60, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@given(query=HASHES, threshold=THRESHOLDS, archive=st.lists(HASHES, max_size=20),
       data=st.data())
def test_the_upload_finds_every_look_alike_that_comparing_all_hashes_finds(
        two_problems, query, threshold, archive, data):
    first, second = two_problems
    near = data.draw(st.lists(bits_within(threshold + 2), max_size=20))
    hashes = archive + [flipped(query, bits) for bits in near]
    with override_settings(EVIDENCE_HASH_DISTANCE=threshold), transaction.atomic():
        stored = Evidence.objects.bulk_create(
            _hashed(first, f"{value:016x}", index) for index, value in enumerate(hashes))
        new = _hashed(second, f"{query:016x}", len(hashes))
        new.save()

        integrity.record_lookalikes(new)

        paired = set(EvidenceLookalike.objects.filter(evidence=new).values_list("other", flat=True))
        brute_force = {item.pk for item in stored
                       if not is_featureless(item.perceptual_hash)
                       and not is_featureless(new.perceptual_hash)
                       and hamming(item.perceptual_hash, new.perceptual_hash) <= threshold}
        assert paired == brute_force
        transaction.set_rollback(True)


def _hashed(problem: Problem, perceptual_hash: str, index: int) -> Evidence:
    return Evidence(problem=problem, stage="after", file=f"evidence/{index}.jpg",
                    original_name=f"{index}.jpg", content_type="image/jpeg", size=1,
                    sha256=f"{index:064x}", uploaded_by=problem.reported_by,
                    uploaded_at=clock.now(), perceptual_hash=perceptual_hash,
                    **integrity.hash_bands(perceptual_hash))
