"""``ecoledger serve`` is a real server: reachable over HTTP, static files included."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request

import pytest

from ecoledger.org.choices import Role
from tests.factories import make_user
from tests.processes import free_port, process_env, wait_for


@pytest.mark.slow
def test_the_server_answers_logins_api_pages_and_static_files(committed_db, tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user(Role.SUPERVISOR, username="chief", password="a-long-test-password")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "ecoledger.cli", "serve", "--port", str(port), "--workers", "1",
         "--access-log", str(tmp_path / "access.log")],
        env=process_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/healthz")
        token_request = urllib.request.Request(
            f"{base}/api/v1/auth/token/",
            data=json.dumps({"username": "chief", "password": "a-long-test-password"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(token_request))["token"]
        problems = urllib.request.Request(f"{base}/api/v1/problems/",
                                          headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(problems) as response:
            assert json.load(response)["count"] == 0
        with urllib.request.urlopen(f"{base}/login/") as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}/static/web/ecoledger.css") as response:
            assert b"--accent" in response.read()
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output
