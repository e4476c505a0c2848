"""What the demo's public writes: every kind of problem has its complaints, contacts are valid."""

from __future__ import annotations

import random

from ecoledger.demo import catalog, voices
from ecoledger.intake.privacy import normalize_phone


def test_every_kind_of_problem_has_complaints_in_the_public_s_words():
    codes = {spec.code for spec in catalog.CATEGORIES}

    assert codes == set(voices.VOICES)
    assert {code for code, _text, _reason in voices.DECLINED} <= codes


def test_a_complaint_names_the_place_and_says_it_came_back_when_it_did():
    rng = random.Random(1)

    text = voices.complaint_text("air.catering", rng, place="清江路", again=True)

    assert text.startswith(voices.AGAIN) and "清江路" in text
    assert "{" not in text


def test_some_complainants_leave_a_valid_mobile_number_and_some_leave_nothing():
    rng = random.Random(7)

    contacts = [voices.contact(rng) for _ in range(200)]

    assert ("", "") in contacts
    given = [(name, phone) for name, phone in contacts if phone]
    assert len(given) > 50
    assert all(name and normalize_phone(phone) == phone for name, phone in given)
