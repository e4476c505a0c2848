"""GeoReport v2's two representations, JSON and XML, for answers and for errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

FORMATS = ("json", "xml")


def w3c(moment: datetime | None) -> str | None:
    """The spec's W3C datetime, in the platform's zone with its offset, to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ElementTree.Element, item: Mapping[str, Any], child_tags: Mapping[str, str]
          ) -> None:
    for key, value in item.items():
        node = ElementTree.SubElement(parent, key)
        if isinstance(value, list) and key in child_tags:
            for entry in value:
                _fill(ElementTree.SubElement(node, child_tags[key]), entry, child_tags)
        elif isinstance(value, list):
            node.text = ",".join(_text(v) for v in value)
        else:
            node.text = _text(value)


def respond(fmt: str, payload: Sequence[Mapping[str, Any]] | Mapping[str, Any], *,
            root: str, item: str | None = None, status: int = 200,
            child_tags: Mapping[str, str] | None = None) -> HttpResponse:
    """A list (``item`` elements under ``root``) or one object (``root`` itself)."""
    if fmt == "json":
        return JsonResponse(payload, safe=False, status=status,
                            json_dumps_params={"ensure_ascii": False})
    top = ElementTree.Element(root)
    rows = payload if isinstance(payload, Sequence) else [payload]
    for row in rows:
        _fill(ElementTree.SubElement(top, item) if item else top, row, child_tags or {})
    body = ElementTree.tostring(top, encoding="unicode", xml_declaration=False)
    return HttpResponse(f'<?xml version="1.0" encoding="utf-8"?>\n{body}', status=status,
                        content_type="text/xml; charset=utf-8")


def error(fmt: str, code: int, description: str) -> HttpResponse:
    """The spec's error list: the HTTP status repeated as ``code``, and what is wrong."""
    return respond(fmt if fmt in FORMATS else "json", [{"code": code, "description": description}],
                   root="errors", item="error", status=code)
