import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ecoledger.lib.errors import InvalidInput
from ecoledger.lib.uploads import inspect_upload
from tests.factories import jpeg_bytes

GPS = {1: "N", 2: (32.0, 3.0, 37.08), 3: "E", 4: (118.0, 47.0, 48.84)}
EXIF = {0x8769: {36867: "2026:05:03 14:20:05"}, 271: "HUAWEI", 272: "P60"}


def test_it_reads_the_photo_time_and_position():
    facts = inspect_upload(io.BytesIO(jpeg_bytes(exif=EXIF, gps=GPS)), "site.jpg")

    assert facts.content_type == "image/jpeg"
    assert facts.photo.taken_at == datetime(2026, 5, 3, 14, 20, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert facts.photo.latitude == pytest.approx(32.0603, abs=1e-4)
    assert facts.photo.longitude == pytest.approx(118.7969, abs=1e-4)
    assert facts.photo.camera == "HUAWEI P60"
    assert len(facts.sha256) == 64


def test_a_photo_without_exif_has_no_time_or_position():
    facts = inspect_upload(io.BytesIO(jpeg_bytes()), "plain.jpg")

    assert (facts.photo.taken_at, facts.photo.latitude) == (None, None)


def test_it_refuses_a_renamed_executable():
    with pytest.raises(InvalidInput) as error:
        inspect_upload(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "report.pdf")

    assert "not an accepted file type" in error.value.fields["file"][0]


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00 not an image", "fake.jpg"), (b"%PDF-1.7\n...", "plan.pdf")])
def test_where_only_photos_are_taken_the_refusal_names_the_file_and_only_photo_types(
        content, name):
    with pytest.raises(InvalidInput) as error:
        inspect_upload(io.BytesIO(content), name, field_name="photos", photos_only=True)

    assert error.value.fields["photos"] == [f"{name} is not a photo (accepted: JPEG, PNG, WebP)."]


def test_it_refuses_an_extension_that_lies_about_the_content():
    with pytest.raises(InvalidInput) as error:
        inspect_upload(io.BytesIO(jpeg_bytes()), "photo.pdf")

    assert "content is image/jpeg" in error.value.fields["file"][0]


def test_it_refuses_a_file_that_only_starts_like_an_image():
    with pytest.raises(InvalidInput, match="cannot be read as an image"):
        inspect_upload(io.BytesIO(b"\xff\xd8\xff\xe0" + b"garbage" * 50), "broken.jpg")


def test_it_refuses_files_over_the_limit(settings):
    settings.MAX_UPLOAD_MB = 1

    with pytest.raises(InvalidInput, match="larger than the 1 MB limit"):
        inspect_upload(io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024)), "big.pdf")


def test_it_refuses_an_empty_file():
    with pytest.raises(InvalidInput, match="is empty"):
        inspect_upload(io.BytesIO(b""), "empty.jpg")


def test_it_accepts_a_pdf():
    assert inspect_upload(io.BytesIO(b"%PDF-1.7\n..."), "plan.pdf").content_type == (
        "application/pdf")
