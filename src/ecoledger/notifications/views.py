"""Pages of the user's own notifications: the list, marking read, the choice of channels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoledger.lib.errors import InvalidInput
from ecoledger.notifications import services
from ecoledger.notifications.forms import ChannelForm
from ecoledger.notifications.models import Notification, UserPreference
from ecoledger.notifications.selectors import notifications_of

PAGE_SIZE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    rows = notifications_of(request.user)
    if only_unread:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "only_unread": only_unread, "nav": "notifications"})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open``, go on to what it links to (on this site only)."""
    notification = get_object_or_404(
        Notification.objects.visible_to(request.user).select_related("message"), pk=pk)
    services.mark_read([notification.pk], acting_user=request.user)
    link = notification.message.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    changed = services.mark_read(None, acting_user=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": changed})
    return redirect("notifications:list")


@login_required
def channel_preferences(request: HttpRequest) -> HttpResponse:
    chosen = UserPreference.objects.filter(user=request.user).values_list("email", flat=True)
    form = ChannelForm(request.POST or None, initial={"email": any(chosen)})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.set_user_channels(acting_user=request.user,
                                       email=form.cleaned_data["email"])
        except InvalidInput as error:
            form.add_error("email", error.message)
            status = 400
        else:
            messages.success(request, _("Your channels are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html",
                  {"form": form, "nav": "notifications"}, status=status)
