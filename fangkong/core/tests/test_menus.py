"""#18 item 16: the menu offers only what the user may open, and a grid worker's phone menu is short."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.core.navigation import MenuItem, is_field_user, menu_for
from fangkong.core.testkit import client_for
from fangkong.registry.models import Household


def _links(user) -> list[tuple[str, str]]:
    return [(str(item["label"]), item["url"]) for area in menu_for(user) for item in area["items"]]


@pytest.mark.django_db
def test_every_menu_link_answers_200_for_every_demo_account(users):
    failures = []
    for name, user in sorted(users.items()):
        client = client_for(user)
        for label, url in _links(user):
            status = client.get(url).status_code
            if status != 200:
                failures.append(f"{name}: {label} {url} → {status}")
    assert not failures, "\n".join(failures)


def test_the_registry_import_is_offered_only_to_who_may_import(users):
    url = reverse("registry:import")
    offered = {name for name, user in users.items() if url in dict(_links(user)).values()}
    # REGISTRY_EDITORS in a division; grid workers import too, but not from the phone menu
    assert offered == {"commander", "township", "village", "village_other"}


def test_a_lab_is_not_offered_the_sampling_sites_it_cannot_open(users):
    assert reverse("testing:sites") not in dict(_links(users["lab"])).values()
    assert reverse("testing:upload") in dict(_links(users["lab"])).values()


def test_a_grid_workers_phone_menu_holds_what_a_grid_worker_uses(users):
    grid = users["grid"]
    assert is_field_user(grid) and not is_field_user(users["village"])
    labels = [label for label, _url in _links(grid)]
    assert labels == ["人员查询", "我的核查任务", "入户排查登记", "我的排摸", "离线填报", "县外人员任务", "返县报备", "我的居家人员", "管控人员",
                      "上门单采",
                      "免检登记", "红白事报备", "消息通知"]


def test_an_entry_declares_what_it_needs(users):
    by_model = MenuItem("户", "registry:household_list", model=Household)
    assert by_model.allows(users["village"]) and not by_model.allows(users["lab"])
    by_check = MenuItem("x", "home", check=lambda user: user.username == "cdc")
    assert by_check.allows(users["cdc"]) and not by_check.allows(users["commander"])
