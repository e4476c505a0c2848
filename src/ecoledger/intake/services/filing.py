"""Filing a public complaint: from the page or from an Open311 client, with no account."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.intake.choices import Channel
from ecoledger.intake.limits import check_limits, submitter_key
from ecoledger.intake.models import Complaint, ComplaintPhoto
from ecoledger.intake.privacy import mask_phone, normalize_phone
from ecoledger.intake.staff import tell_supervisors_of
from ecoledger.intake.tracking import CODE_ALPHABET, CODE_LENGTH
from ecoledger.ledger.models import Category
from ecoledger.ledger.services.registration import wgs84_location
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.lib.geo import CoordinateSystem
from ecoledger.lib.uploads import UploadFacts, inspect_upload

logger = logging.getLogger(__name__)

MIN_DESCRIPTION = 5


@dataclass(frozen=True)
class Sender:
    """Who sent it, as far as the platform knows: the network address and the channel."""

    address: str
    channel: Channel


@dataclass(frozen=True)
class PhotoUpload:
    file: IO[bytes]
    name: str


@transaction.atomic
def file_complaint(
    *,
    sender: Sender,
    description: str,
    category: Category | None,
    latitude: float | None = None,
    longitude: float | None = None,
    coordinate_system: str = CoordinateSystem.WGS84,
    address: str = "",
    name: str = "",
    phone: str = "",
    photos: Sequence[PhotoUpload] = (),
    media_url: str = "",
) -> Complaint:
    """File a complaint and give it a tracking code.

    Steps: check the facts (a description, a category, a point or an address,
    a mainland mobile number if any); check the abuse limits; check every
    photo's size and real type; store the complaint and its photos; record the
    event without personal data; log the masked phone only; tell the supervisors.
    """
    kind, phone, latitude, longitude = _check_facts(
        description, category, latitude, longitude, coordinate_system, address, name, phone,
        photos)
    key = submitter_key(sender.address)
    check_limits(key, phone)
    checked = [(photo, _check_photo(photo)) for photo in photos]
    now = clock.now()
    complaint = Complaint.objects.create(
        tracking_code=_new_code(), description=description.strip(), category=kind,
        latitude=latitude, longitude=longitude, address=address.strip(), name=name.strip(),
        phone=phone, media_url=media_url.strip(), channel=sender.channel, submitter_key=key,
        created_at=now, updated_at=now,
    )
    for photo, facts in checked:
        _store_photo(complaint, photo, facts)
    record("intake.complaint.filed", actor=None, target=complaint, changes={
        "category": [None, kind.code], "channel": [None, sender.channel],
        "photos": [None, len(checked)],
    })
    logger.info("complaint %s filed via %s (contact %s)", complaint.tracking_code,
                sender.channel, mask_phone(phone) or "-")
    tell_supervisors_of(complaint)
    return complaint


def _check_facts(
    description: str, category: Category | None, latitude: float | None,
    longitude: float | None, coordinate_system: str, address: str, name: str, phone: str,
    photos: Sequence[PhotoUpload],
) -> tuple[Category, str, float | None, float | None]:
    """Every field's error at once, so the complainant corrects the form in one go."""
    errors: dict[str, str] = {}
    try:
        phone = normalize_phone(phone)
    except InvalidInput as error:
        errors.update({field: " ".join(why) for field, why in error.fields.items()})
    if len(description.strip()) < MIN_DESCRIPTION:
        errors["description"] = _("Describe the problem in at least %(n)s characters.") % {
            "n": MIN_DESCRIPTION}
    if category is None:
        errors["category"] = _("Choose what kind of problem it is.")
    if latitude is None and longitude is None and not address.strip():
        errors["location"] = _("Pick the place on the map or type its address.")
    if len(name.strip()) > Complaint._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long.")
    if len(photos) > settings.INTAKE_MAX_PHOTOS:
        errors["photos"] = _("At most %(n)s photos can be sent with one complaint.") % {
            "n": settings.INTAKE_MAX_PHOTOS}
    if errors or category is None:
        raise InvalidInput(_("The complaint is not complete."), fields=errors)
    return (category, phone, *wgs84_location(latitude, longitude, coordinate_system))


def _check_photo(photo: PhotoUpload) -> UploadFacts:
    """The evidence rules (size, real type, extension), restricted to photos."""
    return inspect_upload(photo.file, photo.name, field_name="photos", photos_only=True)


def _store_photo(complaint: Complaint, photo: PhotoUpload, facts: UploadFacts) -> None:
    if complaint.photos.filter(sha256=facts.sha256).exists():
        raise InvalidInput.field(
            "photos", _("%(name)s is the same photo as one already attached.")
            % {"name": photo.name})
    row = ComplaintPhoto(
        complaint=complaint, original_name=photo.name[:255], content_type=facts.content_type,
        size=facts.size, sha256=facts.sha256,
        taken_at=facts.photo.taken_at if facts.photo else None,
    )
    row.file.save(photo.name, File(photo.file), save=False)
    row.save()


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code
