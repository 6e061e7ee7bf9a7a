import math

import pytest

from fangkong.core.testkit import client_for
from fangkong.testing import planning
from fangkong.testing.planning import best_pool_size, plan_round


@pytest.mark.parametrize(("p", "k"), [(0.001, 5), (0.001, 10), (0.01, 10), (0.05, 5), (0.0005, 20), (0.2, 5)])
def test_it_follows_dorfmans_formula(p, k):
    assert planning.tests_per_person(p, k) == pytest.approx(1 / k + 1 - (1 - p) ** k, abs=1e-12)


def test_it_counts_one_test_per_person_for_single_tubes():
    assert planning.tests_per_person(0.3, 1) == 1.0


def test_it_recommends_the_pool_size_with_fewest_tests():
    # Low prevalence favours big pools; high prevalence makes pooling worse than single tubes.
    assert best_pool_size(0.0005) == 20
    assert best_pool_size(0.01) == 10
    assert best_pool_size(0.4) == 1
    p = 0.01
    assert best_pool_size(p, range(1, 51)) == min(range(1, 51), key=lambda k: planning.tests_per_person(p, k))
    assert best_pool_size(p, range(1, 51)) == 11  # the textbook optimum for 1 %


def test_it_plans_tubes_and_reagents_for_a_round():
    plan = plan_round(300_000, 0.001, 10, spare=0.1, kit_size=48)
    assert plan.pools == 30_000
    q = 1 - 0.999 ** 10
    assert plan.pool_positive_probability == pytest.approx(q, abs=1e-6)
    assert plan.retests == math.ceil(30_000 * q * 10)
    assert plan.tests == plan.pools + plan.retests
    assert plan.tests / 300_000 == pytest.approx(planning.tests_per_person(0.001, 10), abs=1e-4)
    assert plan.tubes == math.ceil(plan.tests * 1.1)
    assert plan.reagent_kits == math.ceil(plan.tests * 1.1 / 48)


def test_it_shows_the_plan_page_and_api(users):
    client = client_for(users["commander"])
    page = client.get("/testing/planning/", {"population": 1000, "prevalence_per_10k": 10, "pool_size": 10})
    assert page.status_code == 200 and page.context["plan"].pools == 100
    api = client.get("/api/testing/planning/", {"population": 1000, "prevalence": 0.001, "pool_size": 10})
    assert api.status_code == 200 and api.json()["tests_per_person"] == pytest.approx(0.11, abs=1e-3)
    assert client.get("/api/testing/planning/", {"population": 0, "prevalence": 2, "pool_size": 7}).status_code == 400
