"""What the schema fuzzer (test_api_fuzz.py) found, each pinned by a test of its own."""

from __future__ import annotations

import pytest

from fangkong.core.testkit import api_client_for, assert_matches_schema
from fangkong.registry.models import Resident

pytestmark = pytest.mark.django_db


def test_a_path_no_route_matches_answers_the_api_in_json(users, settings):
    settings.DEBUG = False
    response = api_client_for(users["commander"]).get("/api/screening/leads/0.5/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "不存在，或不在您的管辖范围内"}
    page = api_client_for(users["commander"]).get("/registry/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_page_past_the_last_is_a_documented_404(users):
    response = api_client_for(users["commander"]).get("/api/residents/", {"page": 999999})
    assert response.status_code == 404
    assert_matches_schema(response, "/api/residents/")


def test_a_too_long_lab_name_is_refused_in_chinese_not_a_500(users):
    response = api_client_for(users["commander"]).post(
        "/api/testing/results/", {"lab": "检" * 100, "results": []}, format="json")
    assert response.status_code == 400
    assert "过长" in str(response.json())


def test_a_second_assist_request_about_the_same_person_is_kept(users):
    resident = Resident.objects.exclude(id_number="").first()
    client = api_client_for(users["commander"])
    body = {"region": "北京市", "name": resident.name, "id_number": resident.id_number, "phone": "",
            "reason": "协查：密接", "reference": ""}
    first = client.post("/api/screening/assist-requests/", body, format="json")
    second = client.post("/api/screening/assist-requests/", body, format="json")  # the same lead again
    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert first.json()["id"] != second.json()["id"]
    from fangkong.screening.models import AssistRequest

    one, two = AssistRequest.objects.get(pk=first.json()["id"]), AssistRequest.objects.get(pk=second.json()["id"])
    assert one.lead_id is not None and two.lead_id is None  # one request per lead
    assert one.person_id == two.person_id and two.verification_id == one.verification_id


def test_a_measure_for_a_person_not_found_is_a_field_error(users):
    response = api_client_for(users["commander"]).post(
        "/api/control/measures/start/", {"person": 0, "contact_type": "close_contact"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"person": ["不存在，或不在您的管辖范围内"]}
    assert_matches_schema(response, "/api/control/measures/start/", "post")


def test_a_body_with_too_many_fields_is_refused_in_json(users, settings):
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"phones{k}": "0" for k in range(20)}
    response = api_client_for(users["commander"]).post("/api/tracing/copresence/runs/start/", fields)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "字段过多" in response.json()["detail"]


def test_a_daily_report_for_a_unit_not_found_is_a_field_error(users):
    response = api_client_for(users["commander"]).post(
        "/api/command/reports/", {"unit": 0, "day": "2026-01-01", "nothing_to_report": True}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
