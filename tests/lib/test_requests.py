import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_its_body_is_read(settings):
    settings.MAX_UPLOAD_MB = 1

    response = Client().post("/api/v1/auth/token/", data=b"x", content_type="text/plain",
                             CONTENT_LENGTH=str(11 * 1024 * 1024))

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_every_response_carries_a_request_id():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"
