"""Checking uploaded files: size, real type, digest, and what a photo says about itself.

The type is decided by the file's content, not by its name or the browser's
claim, and the name's extension must agree with it: a renamed executable is
refused, not stored. Photos are decoded once, which also refuses files that
only start like an image.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ecoledger.lib.errors import InvalidInput

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
EXTENSIONS = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    "video/mp4": {".mp4"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
}
_CHUNK = 1024 * 1024


@dataclass
class PhotoFacts:
    width: int
    height: int
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    camera: str = ""


@dataclass
class UploadFacts:
    name: str
    content_type: str
    size: int
    sha256: str
    photo: PhotoFacts | None = field(default=None)


def inspect_upload(
    upload: IO[bytes], name: str, *, field_name: str = "file", photos_only: bool = False
) -> UploadFacts:
    """Measure, hash and type-check an uploaded file; raise InvalidInput naming the field.

    With ``photos_only`` (a complaint's photos) anything but an image is refused with the
    photo types, so the refusal does not offer documents the form would not take.
    """
    max_bytes = settings.MAX_UPLOAD_MB * 1024 * 1024
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    while chunk := upload.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InvalidInput.field(
                field_name,
                _("%(name)s is larger than the %(limit)s MB limit.")
                % {"name": name, "limit": settings.MAX_UPLOAD_MB},
            )
        digest.update(chunk)
    if size == 0:
        raise InvalidInput.field(field_name, _("%(name)s is empty.") % {"name": name})
    content_type = _sniff(head, upload)
    if photos_only and content_type not in IMAGE_TYPES:
        raise InvalidInput.field(
            field_name, _("%(name)s is not a photo (accepted: JPEG, PNG, WebP).") % {"name": name}
        )
    if content_type is None:
        raise InvalidInput.field(
            field_name,
            _(
                "%(name)s is not an accepted file type (accepted: JPEG, PNG, WebP, PDF, "
                "MP4, DOCX, XLSX)."
            )
            % {"name": name},
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[content_type]:
        raise InvalidInput.field(
            field_name,
            _("%(name)s has the extension '%(ext)s' but its content is %(type)s.")
            % {"name": name, "ext": extension or "—", "type": content_type},
        )
    photo = _read_photo(upload, name, field_name) if content_type in IMAGE_TYPES else None
    upload.seek(0)
    return UploadFacts(name, content_type, size, digest.hexdigest(), photo)


def _sniff(head: bytes, upload: IO[bytes]) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def _office_type(upload: IO[bytes]) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _read_photo(upload: IO[bytes], name: str, field_name: str) -> PhotoFacts:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            facts = PhotoFacts(width=image.width, height=image.height)
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput.field(
            field_name, _("%(name)s cannot be read as an image.") % {"name": name}
        ) from None
    finally:
        upload.seek(0)
    if exif:
        _apply_exif(facts, exif)
    return facts


_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 306, 36867, 36881
_MAKE, _MODEL = 271, 272


def _apply_exif(facts: PhotoFacts, exif: Image.Exif) -> None:
    details = exif.get_ifd(_EXIF_IFD)
    raw_time = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    facts.taken_at = _exif_time(raw_time, details.get(_OFFSET_ORIGINAL))
    facts.camera = " ".join(
        str(exif.get(tag, "")).strip("\x00 ") for tag in (_MAKE, _MODEL) if exif.get(tag)
    )
    gps = exif.get_ifd(_GPS_IFD)
    latitude = _gps_degrees(gps.get(2), gps.get(1), "S")
    longitude = _gps_degrees(gps.get(4), gps.get(3), "W")
    inside = latitude is not None and longitude is not None
    if inside and -90 <= latitude <= 90 and -180 <= longitude <= 180:  # type: ignore[operator]
        facts.latitude, facts.longitude = latitude, longitude


def _exif_time(raw: Any, offset: Any) -> datetime | None:
    """EXIF keeps local camera time; without an offset tag it is taken as the platform's zone."""
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str) and len(offset.strip()) == 6:
        try:
            stamp = f"{moment:%Y-%m-%d %H:%M:%S}{offset.strip()}"
            return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S%z")
        except ValueError:
            pass
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def _gps_degrees(value: Any, reference: Any, negative: str) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    return -decimal if str(reference).strip("\x00 ").upper() == negative else decimal
