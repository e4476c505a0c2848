"""Integrity flags on evidence photos: shown to the acceptor, never deciding for them."""

from __future__ import annotations

import io

import pytest

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.integrity import flags_for
from ecoledger.ledger.models import Evidence, Problem
from ecoledger.lib import clock
from tests.factories import make_problem
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
