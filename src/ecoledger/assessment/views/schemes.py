"""Scheme management pages: schemes and versions, a draft's indicators, adopting, publishing.

Supervisors and leaders read these pages; only supervisors (the rectification
office) send their forms, and every write goes through the assessment's
services, which refuse anyone else as well. A refusal comes before the input
is read, so it never depends on what was sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecoledger.assessment import page_data, services
from ecoledger.assessment.access import may_manage, may_read_all
from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import UnitKind, VersionStatus
from ecoledger.assessment.forms import (
    PublishForm,
    SchemeForm,
    VersionForm,
    indicator_formset,
    kept_rows,
    place_indicator_errors,
)
from ecoledger.assessment.models import Publication, Scheme, SchemeVersion
from ecoledger.assessment.rules import describe
from ecoledger.assessment.services.checks import check_may_manage
from ecoledger.assessment.views.common import error_text
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput, StateConflict
from ecoledger.web.views.common import refused


def _read_refusal() -> ActionRefused:
    return ActionRefused(_("Assessment schemes are managed by the rectification office and "
                           "read by the city's leaders."), code="refused_role")


def _schemes_page(request: HttpRequest, scheme_form: SchemeForm | None = None, *,
                  status: int = 200) -> HttpResponse:
    user = request.user
    versions = SchemeVersion.objects.visible_to(user).select_related(
        "created_by", "adopted_by").order_by("-number")
    publications = Publication.objects.visible_to(user).select_related(
        "version", "published_by").order_by("-number")
    schemes = Scheme.objects.prefetch_related(
        Prefetch("versions", queryset=versions),
        Prefetch("versions__publications", queryset=publications)).order_by("-year")
    manages = may_manage(user)
    return render(request, "assessment/schemes.html", {
        "nav": "assessment-schemes", "schemes": schemes, "manages": manages,
        "scheme_form": scheme_form or (SchemeForm() if manages else None),
        "version_form": VersionForm() if manages else None,
    }, status=status)


@login_required
@require_http_methods(["GET"])
def scheme_list(request: HttpRequest) -> HttpResponse:
    """Every year's scheme with its versions and publications."""
    if not may_read_all(request.user):
        return refused(request, _read_refusal())
    return _schemes_page(request)


@login_required
@require_POST
def scheme_create(request: HttpRequest) -> HttpResponse:
    """A year's scheme, its first draft holding the whole catalogue with its defaults."""
    try:
        check_may_manage(request.user)
    except ActionRefused as error:
        return refused(request, error)
    form = SchemeForm(request.POST)
    if form.is_valid():
        try:
            scheme = services.create_scheme(acting_user=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form.apply(error)
        else:
            messages.success(request, _("The %(year)s scheme was created with a first draft "
                                        "version; adjust its indicators.") % {
                "year": scheme.year})
            return redirect("assessment:version-detail", pk=scheme.versions.get().pk)
    return _schemes_page(request, form, status=400)


@login_required
@require_POST
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft, a copy of the scheme's latest version."""
    try:
        check_may_manage(request.user)
    except ActionRefused as error:
        return refused(request, error)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = VersionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    version = services.create_version(scheme, acting_user=request.user, note=note)
    messages.success(request, _("Version %(number)s is a draft copy of the version before "
                                "it.") % {"number": version.number})
    return redirect("assessment:version-detail", pk=version.pk)


def _version_page(request: HttpRequest, version: SchemeVersion, *, formset: Any = None,
                  note_form: VersionForm | None = None, errors: list[str] | None = None,
                  status: int = 200) -> HttpResponse:
    editing = may_manage(request.user) and version.editable
    indicators = [(row, CATALOGUE[row.code], describe(row.rule, str(CATALOGUE[row.code].unit)))
                  for row in version.indicators.order_by("position")]
    return render(request, "assessment/version.html", {
        "nav": "assessment-schemes", "version": version, "indicators": indicators,
        "manages": may_manage(request.user), "editing": editing,
        "formset": formset if formset is not None else (
            indicator_formset(version) if editing else None),
        "note_form": note_form or (VersionForm(initial={"note": version.note})
                                   if editing else None),
        "errors": errors or [], "catalogue": CATALOGUE.values(),
        "preview_url": reverse("assessment:ranking") + f"?version={version.pk}",
        "publications": version.publications.visible_to(request.user).order_by("-number"),
        "kinds": UnitKind.choices,
    }, status=status)


def _version(request: HttpRequest, pk: int) -> SchemeVersion:
    return get_object_or_404(SchemeVersion.objects.visible_to(request.user).select_related(
        "scheme", "created_by", "adopted_by", "based_on"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's indicators; a draft's are edited here (POST replaces the whole list)."""
    if not may_read_all(request.user):
        return refused(request, _read_refusal())
    if request.method == "POST":
        try:
            check_may_manage(request.user)
        except ActionRefused as error:
            return refused(request, error)
    version = _version(request, pk)
    if request.method == "GET":
        return _version_page(request, version)
    formset = indicator_formset(version, request.POST)
    note_form = VersionForm(request.POST)
    if not (formset.is_valid() and note_form.is_valid()):
        return _version_page(request, version, formset=formset, note_form=note_form,
                             errors=[_("Please correct the marked fields.")], status=400)
    rows = kept_rows(formset)
    try:
        services.update_version(version, acting_user=request.user,
                                note=note_form.cleaned_data["note"],
                                indicators=[form.indicator_input() for form in rows])
    except InvalidInput as error:
        errors = place_indicator_errors(formset, rows, error)
        return _version_page(request, version, formset=formset, note_form=note_form,
                             errors=errors or [_("Please correct the marked fields.")],
                             status=400)
    except StateConflict as error:
        return refused(request, error)
    messages.success(request, _("Version %(number)s was saved.") % {"number": version.number})
    return redirect("assessment:version-detail", pk=version.pk)


@login_required
@require_POST
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt a draft: the version adopted before it is superseded; this one is frozen."""
    try:
        check_may_manage(request.user)
    except ActionRefused as error:
        return refused(request, error)
    version = _version(request, pk)
    try:
        services.adopt_version(version, acting_user=request.user)
    except (InvalidInput, StateConflict) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Version %(number)s is adopted; results are published under "
                                    "it from now on.") % {"number": version.number})
    return redirect("assessment:version-detail", pk=version.pk)


def _publish_page(request: HttpRequest, version: SchemeVersion, form: PublishForm | None, *,
                  status: int = 200) -> HttpResponse:
    """The confirmation: what would be published today, with the hash of its inputs."""
    tables, trouble = [], ""
    if version.status == VersionStatus.ADOPTED:
        try:
            computation = page_data.preview(request.user, version)
        except DomainError as error:
            trouble = error_text(error)
        else:
            tables = [page_data.preview_table(request.user, computation, kind=kind)
                      for kind in UnitKind.values]
            form = form or PublishForm(initial={"expected_sha256": computation.inputs_sha256})
    else:
        trouble = _("Only the adopted version's results are published; version %(number)s is "
                    "%(status)s.") % {"number": version.number,
                                      "status": version.get_status_display()}
    return render(request, "assessment/publish.html", {
        "nav": "assessment-schemes", "version": version, "tables": tables,
        "form": form if tables else None, "trouble": trouble,
        "published": Publication.objects.filter(year=version.scheme.year).count(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the results and their inputs hash, to confirm; POST: freeze them as published."""
    try:
        check_may_manage(request.user)
    except ActionRefused as error:
        return refused(request, error)
    version = _version(request, pk)
    if request.method == "GET":
        return _publish_page(request, version, None)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _publish_page(request, version, form, status=400)
    try:
        publication = services.publish_results(version, acting_user=request.user,
                                               note=form.cleaned_data["note"])
    except (InvalidInput, StateConflict) as error:
        messages.error(request, error_text(error))
        return redirect("assessment:version-detail", pk=version.pk)
    messages.success(request, _("Published: %(year)s no. %(number)s, inputs SHA-256 "
                                "%(sha)s.") % {"year": publication.year,
                                               "number": publication.number,
                                               "sha": publication.inputs_sha256})
    expected = form.cleaned_data["expected_sha256"]
    if expected and expected != publication.inputs_sha256:
        messages.warning(request, _("The data changed between the confirmation and publishing: "
                                    "the publication holds the results as they were when it "
                                    "was made, not those shown for confirmation."))
    return redirect(reverse("assessment:ranking") + f"?year={publication.year}")
