"""Every testing endpoint and list page through the shared mixins: scope, refusal, schema,
constant queries, masking of personal data."""

from __future__ import annotations

from fangkong.core.testkit import APITests
from fangkong.core.testkit_pages import PageTests
from fangkong.testing import models as m

from . import factories as f


class GridData:
    """Objects in the grid worker's grid; the neighbouring grid's worker must not see them, and
    a sector regulator has no testing role at all."""

    user_in, user_out, user_none = "grid", "grid_other", "regulator"
    factory = None

    def make_object(self):
        return type(self).factory(self.users["grid"].division)


class TestSiteAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.SamplingSite, "testing-site", staticmethod(f.make_site)


class TestSiteListPage(GridData, PageTests.Export):
    model, list_url_name, factory = m.SamplingSite, "testing:sites", staticmethod(f.make_site)


class TestRoundAPI(GridData, APITests.ReadOnly):
    """A round is seen in its division's subtree and above it (a grid worker sees the county's)."""

    model, api_basename, factory = m.SamplingRound, "testing-round", staticmethod(f.make_round)


class TestSampleAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.Sample, "testing-sample", staticmethod(f.make_sample)


class TestSamplingAPI(GridData, APITests.ReadOnly, APITests.Pii):
    model, api_basename, factory = m.Sampling, "testing-sampling", staticmethod(f.make_sampling)


class TestCoverageAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.CoverageRollup, "testing-coverage", staticmethod(f.make_rollup)


class TestGapAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.CoverageGap, "testing-gap", staticmethod(f.make_gap)


class TestResamplingAPI(GridData, APITests.ReadOnly, APITests.Pii):
    model, api_basename, factory = m.ResamplingTask, "testing-resampling", staticmethod(f.make_task)


class TestResamplingListPage(GridData, PageTests.Export):
    model, list_url_name, factory = m.ResamplingTask, "testing:resampling", staticmethod(f.make_task)


class TestExemptionAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.Exemption, "testing-exemption", staticmethod(f.make_exemption)


class TestMissRecordAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.MissRecord, "testing-miss-record", staticmethod(f.make_miss)


class TestUnmatchedResultAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.UnmatchedResult, "testing-unmatched-result", staticmethod(f.make_unmatched)


class TestKeyGroupAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.KeyGroup, "testing-key-group", staticmethod(f.make_key_group)


class TestKeyGroupListPage(GridData, PageTests.Export):
    model, list_url_name, factory = m.KeyGroup, "testing:key_groups", staticmethod(f.make_key_group)


class TestKeyGroupMemberAPI(GridData, APITests.ReadOnly, APITests.Pii):
    model, api_basename, factory = m.KeyGroupMember, "testing-key-group-member", staticmethod(f.make_key_group_member)


class TestHouseholdWeekAPI(GridData, APITests.ReadOnly):
    model, api_basename, factory = m.HouseholdWeekRollup, "testing-household-week", staticmethod(f.make_household_week)


def test_it_filters_pages_and_api_by_the_division_subtree_with_one_filterset(db, users):
    from django.urls import reverse

    from fangkong.core.testkit import api_client_for, client_for

    from ..api.views import KeyGroupViewSet, ResamplingTaskViewSet, SamplingSiteViewSet
    from ..views import KeyGroupListView, ResamplingListView, SiteListView

    for viewset, page in ((SamplingSiteViewSet, SiteListView), (ResamplingTaskViewSet, ResamplingListView),
                          (KeyGroupViewSet, KeyGroupListView)):
        assert viewset.filterset_class is page.filterset_class
    grid, other = users["grid"].division, users["grid_other"].division
    mine, theirs = f.make_site(grid), f.make_site(other)
    api = api_client_for(users["commander"])
    for division, expected in ((grid, {mine.pk}), (grid.parent, {mine.pk} | ({theirs.pk} if other.parent == grid.parent else set()))):
        listed = {r["id"] for r in api.get("/api/testing/sites/", {"division": division.pk}).json()["results"]}
        assert listed == expected
    page = client_for(users["commander"]).get(reverse("testing:sites"), {"division": grid.parent.pk})
    assert mine.pk in [s.pk for s in page.context["object_list"]]
    task = f.make_task(grid)
    body = client_for(users["grid"]).get(reverse("testing:resampling")).content.decode()
    assert task.name in body and task.id_number not in body  # masked on the page
    assert not task.phone or task.phone not in body  # (a task made without a phone has nothing to mask)
