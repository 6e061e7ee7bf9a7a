"""seed_demo_activity fills the boards of a demo through the platform's own actions."""

from __future__ import annotations

from django.core.management import call_command

from fangkong.control.models import Measure, PolicyVersion
from fangkong.screening.models import ContactAttempt, Lead, Review, Verification
from fangkong.testing.models import Sample, Sampling, SamplingRound


def test_it_seeds_screening_control_and_testing_once(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo_activity", "--seed", "7", "--if-empty", verbosity=0)
    assert Lead.objects.count() > 200
    assert set(Lead.objects.values_list("channel", flat=True)) >= {
        "self_report", "grid_screening", "close_contact", "big_data", "assist_request"}
    assert Lead.objects.filter(kind="from_abroad").exists()
    assert Verification.objects.filter(status="closed").exists()
    assert Verification.objects.filter(status="submitted").exists()
    assert Verification.objects.filter(status="open").exists()
    assert ContactAttempt.objects.exists() and Review.objects.exists()
    assert PolicyVersion.in_force() is not None
    assert Measure.objects.exists()
    assert users["site"].quarantine_sites.exists()  # the site account works at a site (#18)
    # rooms are assigned in the command once measures exist; here on_commit runs after the command
    assert SamplingRound.objects.count() == 1
    assert Sampling.objects.count() > 50
    assert Sample.objects.filter(result="positive").count() == 1
    before = (Lead.objects.count(), Sample.objects.count(), Measure.objects.count())
    call_command("seed_demo_activity", "--if-empty", verbosity=0)
    assert (Lead.objects.count(), Sample.objects.count(), Measure.objects.count()) == before
