"""The complainant's name and phone: whole for supervisors, masked or absent everywhere else."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.intake import services
from ecoledger.intake.privacy import mask_name, mask_phone, normalize_phone
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import Status
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user
from tests.intake.factories import make_complaint

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13812345678", "138****5678"
NAME, MASKED_NAME = "张三丰", "张**"


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"), ("", ""),
])
def test_mobile_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "010-12345678", "138abc45678"])
def test_other_numbers_are_refused_without_repeating_them(raw):
    with pytest.raises(InvalidInput) as refused:
        normalize_phone(raw)

    assert "phone" in refused.value.fields
    assert raw.replace("-", "") not in refused.value.message
    assert refused.value.fields["phone"] == [
        "This is not a valid mainland mobile number (11 digits starting with 1)."]


def test_masking_keeps_just_enough_to_recognise_ones_own():
    assert mask_phone(PHONE) == MASKED
    assert (mask_name("张三"), mask_name(NAME), mask_name("John")) == ("张*", MASKED_NAME, "J***")
    assert (mask_phone(""), mask_name(" ")) == ("", "")


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_the_phone_is_whole_only_in_the_supervisors_views(city, caplog):
    caplog.set_level(logging.DEBUG)
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    complaint = make_complaint(name=NAME, phone=PHONE)
    services.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)
    ledger.accept_problem(problem, acting_user=city.second_supervisor, opinion="已整改")
    other = make_complaint(name=NAME, phone="13912345678")
    code = complaint.tracking_code
    supervisor = Client()
    supervisor.force_login(city.supervisor)

    triage = _text(supervisor.get(reverse("intake:triage")))
    detail = _text(supervisor.get(reverse("intake:triage-detail", args=[code])))
    assert "13912345678" in triage and NAME in triage
    assert PHONE in detail and NAME in detail

    anonymous = Client()
    tracking = _text(anonymous.get(reverse("intake:track-detail", args=[code])))
    assert MASKED in tracking and MASKED_NAME in tracking
    seen = [tracking]
    seen += [_text(anonymous.get(url)) for url in (
        reverse("intake:disclosure"), reverse("intake:disclosure-atom"),
        reverse("intake:disclosure-json"),
        reverse("open311:requests", kwargs={"fmt": "json"}),
        reverse("open311:requests", kwargs={"fmt": "xml"}),
        reverse("open311:request-detail", kwargs={"fmt": "json", "request_id": code}))]
    export = APIClient()
    export.force_login(city.supervisor)
    exported = _text(export.get(reverse("problem-export")))
    assert [row["code"] for row in csv.DictReader(io.StringIO(exported))] == [problem.code]
    seen.append(exported)
    for role in (Role.SUPERVISOR, Role.REGION_OFFICER, Role.LEADER):
        user = city.supervisor if role == Role.SUPERVISOR else make_user(
            role, region=city.districts[0] if role == Role.REGION_OFFICER else None)
        api = APIClient()
        api.force_login(user)
        seen += [_text(api.get(url)) for url in (
            reverse("problem-list"), reverse("problem-export"),
            reverse("problem-detail", args=[problem.code]),
            reverse("problem-timeline", args=[problem.code]),
            reverse("web:problem-detail", args=[problem.code]),
            reverse("web:problem-list"))]
        if role != Role.SUPERVISOR:
            seen += [_text(api.get(reverse("intake:triage-detail", args=[code])))]
    seen.append(caplog.text)
    assert other.tracking_code in caplog.text and MASKED in caplog.text
    for text in seen:
        assert PHONE not in text and "13912345678" not in text and NAME not in text
