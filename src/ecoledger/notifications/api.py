"""API of the user's own notifications: list, read one, mark read (one or all)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ecoledger.notifications import services
from ecoledger.notifications.models import Notification
from ecoledger.notifications.selectors import notifications_of


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="message.kind")
    subject = serializers.CharField(source="message.subject")
    body = serializers.CharField(source="message.body")
    link = serializers.CharField(source="message.link")
    problem = serializers.SlugRelatedField(source="message.problem", slug_field="code",
                                           read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "problem", "created_at", "read_at"]


MARKED = inline_serializer("Marked", {"marked": serializers.IntegerField()})


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's notifications, newest first; nobody else's exist here."""

    serializer_class = NotificationSerializer
    filterset_fields: list[str] = []
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Notification]:
        rows = notifications_of(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.unread()
        return rows

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="only unread")])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=MARKED)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        return Response({"marked": services.mark_read([notification.pk],
                                                       acting_user=request.user)})

    @extend_schema(request=None, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_read(None, acting_user=request.user)})


def register(router: DefaultRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
