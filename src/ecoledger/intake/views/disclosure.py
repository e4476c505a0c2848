"""The public disclosure page and its feeds (Atom and JSON Feed 1.1)."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.intake.disclosure import Disclosure, disclose, disclosed_problems

PAGE = 20
FEED_ITEMS = 50


def disclosure_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(disclosed_problems(), PAGE).get_page(request.GET.get("page"))
    return render(request, "intake/disclosure.html",
                  {"page": page, "items": [disclose(p) for p in page]})


def _summary(item: Disclosure) -> str:
    done = "; ".join(item.measures) or _("no measures recorded")
    return _("Found: %(found)s Done: %(done)s") % {"found": item.found, "done": done}


class DisclosureAtomFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Rectified environmental problems")
    subtitle = gettext_lazy("Closed problems and what was done about them.")

    def link(self) -> str:
        return reverse("intake:disclosure")

    def items(self) -> list[Disclosure]:
        return [disclose(p) for p in disclosed_problems()[:FEED_ITEMS]]

    def item_title(self, item: Disclosure) -> str:
        return f"{item.code} {item.title}"

    def item_description(self, item: Disclosure) -> str:
        return _summary(item)

    def item_link(self, item: Disclosure) -> str:
        return f"{reverse('intake:disclosure')}#{item.code}"

    def item_guid(self, item: Disclosure) -> str:
        return item.code

    def item_pubdate(self, item: Disclosure) -> Any:
        return item.accepted_at

    def item_updateddate(self, item: Disclosure) -> Any:
        return item.accepted_at


def disclosure_json(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1 (jsonfeed.org), with the structured facts in an ``_ecoledger`` extension."""
    page_url = request.build_absolute_uri(reverse("intake:disclosure"))
    items = [disclose(p) for p in disclosed_problems()[:FEED_ITEMS]]
    return JsonResponse({
        "version": "https://jsonfeed.org/version/1.1",
        "title": str(DisclosureAtomFeed.title),
        "home_page_url": page_url,
        "feed_url": request.build_absolute_uri(),
        "items": [{
            "id": item.code, "url": f"{page_url}#{item.code}",
            "title": f"{item.code} {item.title}", "content_text": _summary(item),
            "date_published": item.accepted_at.isoformat(),
            "_ecoledger": {"domain": item.domain, "category": item.category,
                           "region": item.region, "found": item.found,
                           "measures": item.measures},
        } for item in items],
    }, json_dumps_params={"ensure_ascii": False})
