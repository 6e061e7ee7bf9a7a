import io

from django.core.management import call_command
from rest_framework.authtoken.models import Token

from fangkong.core.choices import AuditAction
from fangkong.core.testkit import assert_audited


def test_it_issues_a_token_that_authenticates_the_api(users, client):
    out = io.StringIO()
    call_command("create_api_token", "village", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=users["village"]).key == key
    assert_audited(AuditAction.UPDATE, users["village"], verb="create_api_token")
    response = client.get("/api/residents/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_it_rotates_the_old_token(users):
    call_command("create_api_token", "village", stdout=io.StringIO())
    first = Token.objects.get(user=users["village"]).key
    call_command("create_api_token", "village", stdout=io.StringIO())
    assert Token.objects.get(user=users["village"]).key != first
