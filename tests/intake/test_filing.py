"""Filing a complaint on the public page: what is asked, what is refused and why."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.intake.models import Complaint
from ecoledger.lib.geo import wgs84_to_gcj02
from tests.factories import category, jpeg_bytes
from tests.intake.factories import LAT, LON, make_complaint

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {"description": "河道发黑发臭，有污水直排", "category": category("water").pk,
            "latitude": "", "longitude": "", "coordinate_system": "", "address": "",
            "name": "", "phone": "", "website": ""}
    return data | overrides


def _photo(name="p.jpg", seed=1, content=None):
    return SimpleUploadedFile(name, content or jpeg_bytes(seed=seed), "image/jpeg")


def test_the_page_fits_a_phone_and_offers_the_ledgers_categories():
    category("air")
    category("water")

    page = Client().get(reverse("intake:report"))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width' in html
    assert "air test" in html and "water test" in html
    assert "data-picker-map" in html and 'name="csrfmiddlewaretoken"' in html


def test_a_complaint_picked_on_a_gcj02_map_is_stored_in_wgs84_and_gets_a_tracking_code():
    gcj_lon, gcj_lat = wgs84_to_gcj02(LON, LAT)

    response = Client(REMOTE_ADDR="10.1.1.1").post(reverse("intake:report"), _form(
        latitude=f"{gcj_lat:.7f}", longitude=f"{gcj_lon:.7f}", coordinate_system="gcj02",
        photos=[_photo(seed=1), _photo("b.png", content=_png())],
        name="张三", phone="138 1234 5678"), follow=True)

    complaint = Complaint.objects.get()
    assert response.redirect_chain[-1][0] == reverse("intake:track-detail",
                                                     args=[complaint.tracking_code])
    assert complaint.tracking_code in response.content.decode()
    assert (round(complaint.latitude, 5), round(complaint.longitude, 5)) == (LAT, LON)
    assert complaint.phone == "13812345678" and complaint.name == "张三"
    assert complaint.photos.count() == 2
    assert Event.objects.get(action="intake.complaint.filed").actor_id is None


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_typed_address_is_enough():
    response = Client().post(reverse("intake:report"), _form(address="玄武区北京东路41号"))

    assert response.status_code == 302
    assert Complaint.objects.get().address == "玄武区北京东路41号"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({}, "address", "Pick the place on the map or type its address."),
    ({"address": "x", "phone": "12345"}, "phone", "not a valid mainland mobile number"),
    ({"address": "x", "description": "脏"}, "description", "at least 5 characters"),
    ({"address": "x", "category": ""}, "category", "This field is required."),
])
def test_incomplete_complaints_are_refused_next_to_the_field(overrides, field, message):
    response = Client().post(reverse("intake:report"), _form(**overrides))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Complaint.objects.exists()


def test_a_wrong_phone_is_explained_without_echoing_it_masked():
    response = Client().post(reverse("intake:report"), _form(address="x", phone="12345"))

    assert response.context["form"].errors["phone"] == [
        "This is not a valid mainland mobile number (11 digits starting with 1)."]
    assert "*****" not in response.content.decode()


def test_a_file_that_is_not_a_photo_is_refused_by_name():
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 something", "application/pdf")

    response = Client().post(reverse("intake:report"), _form(address="x", photos=[pdf]))

    assert response.status_code == 400
    assert "report.pdf is not a photo" in str(response.context["form"].errors["photos"])
    assert not Complaint.objects.exists()


def test_a_renamed_file_and_an_oversized_photo_are_refused_with_the_evidence_rules(settings):
    fake = SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    response = Client().post(reverse("intake:report"), _form(address="x", photos=[fake]))
    assert response.context["form"].errors["photos"] == [
        "fake.jpg is not a photo (accepted: JPEG, PNG, WebP)."]
    assert "PDF" not in response.content.decode()

    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (1024 * 1024), "image/jpeg")
    response = Client().post(reverse("intake:report"), _form(address="x", photos=[big]))
    assert "big.jpg is larger than the 1 MB limit." in response.content.decode()
    assert not Complaint.objects.exists()


def test_too_many_photos_are_refused(settings):
    settings.INTAKE_MAX_PHOTOS = 1
    photos = [_photo(seed=1), _photo(seed=2)]

    response = Client().post(reverse("intake:report"), _form(address="x", photos=photos))

    assert "At most 1 photos" in str(response.context["form"].errors["photos"])


def test_the_honeypot_refuses_a_bot():
    response = Client().post(reverse("intake:report"), _form(address="x", website="http://spam"))

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_the_form_needs_its_csrf_token():
    response = Client(enforce_csrf_checks=True).post(reverse("intake:report"), _form(address="x"))

    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_one_address_may_file_only_so_many_an_hour_and_is_told_why(settings):
    settings.INTAKE_PER_IP_HOUR = 2
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(2):
        assert client.post(reverse("intake:report"), _form(address="x")).status_code == 302

    refused = client.post(reverse("intake:report"), _form(address="x"))

    assert refused.status_code == 429
    assert "At most 2 complaints an hour may be sent from one network (IP address)." in \
        refused.content.decode()
    assert Complaint.objects.count() == 2
    other = Client(REMOTE_ADDR="10.9.9.8").post(reverse("intake:report"), _form(address="x"))
    assert other.status_code == 302


def test_in_chinese_the_limit_speaks_of_a_network_not_a_street_address(settings):
    settings.INTAKE_PER_IP_HOUR = 1
    client = Client(REMOTE_ADDR="10.9.9.7", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.post(reverse("intake:report"), _form(address="x"))

    refused = client.post(reverse("intake:report"), _form(address="x")).content.decode()

    assert "同一网络（IP地址）每小时最多提交1件投诉" in refused
    assert "同一地址" not in refused


def test_the_daily_limit_per_address_and_per_phone(settings):
    settings.INTAKE_PER_IP_DAY = 1
    settings.INTAKE_PER_PHONE_DAY = 1
    make_complaint(address_ip="10.7.7.7")
    make_complaint(phone="13900001111")

    by_address = Client(REMOTE_ADDR="10.7.7.7").post(reverse("intake:report"),
                                                     _form(address="x"))
    by_phone = Client(REMOTE_ADDR="10.7.7.6").post(reverse("intake:report"),
                                                   _form(address="x", phone="+86 139 0000 1111"))

    assert "At most 1 complaints a day may be sent from one network (IP address)." in \
        by_address.content.decode()
    assert "At most 1 complaints a day may be filed with one phone number." in \
        by_phone.content.decode()
    assert Complaint.objects.count() == 2


def test_the_address_is_kept_only_as_a_keyed_hash():
    complaint = make_complaint(address_ip="10.3.2.1")

    assert "10.3.2.1" not in complaint.submitter_key
    assert len(complaint.submitter_key) == 64


def test_the_tracking_code_finds_the_complaint_and_a_wrong_one_is_explained():
    complaint = make_complaint()

    found = Client().get(reverse("intake:track"), {"code": complaint.tracking_code.lower()})
    missing = Client().get(reverse("intake:track"), {"code": "ABCDEFGHJK"})

    assert found["Location"] == reverse("intake:track-detail", args=[complaint.tracking_code])
    assert missing.status_code == 404
    assert "No complaint has this tracking code." in missing.content.decode()


def _full_width(text: str) -> str:
    """As a Chinese input method in full-width mode types it: Ａ for A, － for -."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("how", [
    lambda code: f" {code[:4].lower()}-{code[4:7]} {code[7:].lower()} ",
    lambda code: _full_width(f"{code[:5]}-{code[5:]}"),
])
def test_a_tracking_code_typed_with_dashes_spaces_or_lower_case_is_found(how):
    code = make_complaint().tracking_code

    found = Client().get(reverse("intake:track"), {"code": how(code)})

    assert found["Location"] == reverse("intake:track-detail", args=[code])


def test_a_malformed_tracking_code_is_said_to_be_one_with_what_a_code_looks_like():
    page = Client().get(reverse("intake:track"), {"code": "X" * 30})

    assert page.status_code == 400  # a wrong request, where an unknown code is not found (404)
    assert page.context["form"].errors["code"] == [
        "This is not a valid tracking code. A tracking code has 10 letters and digits, "
        "such as 7KQ4M2XNPA."]


def test_the_tracking_page_address_takes_a_lower_case_code_to_the_codes_own_address():
    code = make_complaint().tracking_code

    typed = Client().get(reverse("intake:track-detail", args=[code.lower()]))
    unknown = Client().get(reverse("intake:track-detail", args=["abcdefghjk"]), follow=True)

    assert typed.status_code == 302
    assert typed["Location"] == reverse("intake:track-detail", args=[code])
    assert Client().get(typed["Location"]).status_code == 200
    assert unknown.status_code == 404
