"""Running the crawl per scenario and role, and the findings already filed to another task.

Each role's crawl runs once per test process (memoised), so the per-role test and the
known-finding tests of a scenario share it.

KNOWN lists findings that belong to another task's item of issue #18: the per-role tests
skip them (so that the crawl stays strict about everything else), and one strict xfail test
per entry asserts that they are gone — when the fix lands it XPASSes, which fails the run
until the entry is removed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from fangkong.core.models import AuditLog, Division, User

from .kit import Checks, Crawl, Finding, choice_values, crawl_as, summary

_crawls: dict[tuple[str, str, str | None], Crawl] = {}


@dataclass(frozen=True)
class Known:
    item: str                 # the issue item, e.g. "#18.16"
    kind: str                 # Finding.kind
    url: str                  # regex on the URL that failed
    scenarios: frozenset[str]
    roles: tuple[str, ...]    # roles whose crawl shows it (the xfail test crawls these)
    why: str
    detail: str = ""          # regex on the finding's detail

    def matches(self, f: Finding) -> bool:
        return f.kind == self.kind and bool(re.search(self.url, f.url)) and bool(re.search(self.detail, f.detail))

    @property
    def reason(self) -> str:
        return f"{self.item}: {self.why}"


ALL = frozenset({"demo", "bare", "empty", "english"})
WITH_ACTIVITY = frozenset({"demo", "bare", "english"})
# Nothing is known open now: every finding of the crawl fails its role.
KNOWN: tuple[Known, ...] = ()


def audit_verbs() -> set[str]:
    """The verbs written to the audit log so far: shown raw, they are codes too."""
    return set(AuditLog.objects.exclude(verb="").values_list("verb", flat=True).distinct())


def known_for(scenario: str) -> list[Known]:
    return [k for k in KNOWN if scenario in k.scenarios]


def crawl(scenario: str, username: str, *, language: str | None = None, max_pages: int = 80) -> Crawl:
    """The crawl of `username` on the current database (memoised per scenario, role and language)."""
    key = (scenario, username, language)
    if key not in _crawls:
        user = User.objects.get(username=username)
        _crawls[key] = crawl_as(user, page_checks(language=language), language=language, max_pages=max_pages)
    return _crawls[key]


def page_checks(*, language: str | None = None) -> Checks:
    """What a crawl checks on the county as it stands: no raw choice value or audit verb shown;
    account names and division paths are data, not codes to flag."""
    return Checks(choice_values() | audit_verbs(), set(User.objects.values_list("username", flat=True)),
                  set(Division.objects.values_list("path", flat=True)), english=language == "en")


def assert_pages_clean(username: str, starts: Iterable[str], *, max_pages: int, language: str | None = None,
                       refused: bool = False, skip_refused: bool = False) -> None:
    """`username`'s crawl from each start opens it and finds nothing; with `refused` each start
    must answer 403 instead (a role without that area, offered no link to it); with
    `skip_refused` a start that answers 403 is passed over."""
    user = User.objects.get(username=username)
    checks = page_checks(language=language)
    for start in starts:
        result = crawl_as(user, checks, language=language, start=start, max_pages=max_pages)
        status = result.visited.get(start)
        if refused or (skip_refused and status == 403):
            assert status == 403, f"{username}: {start} answered {status}, not 403"
            continue
        assert status == 200, f"{username}: {start} did not open ({status})"
        assert not result.findings, f"{username} from {start}:\n" + "\n".join(summary(result.findings))


def assert_clean(scenario: str, username: str, **options) -> None:
    result = crawl(scenario, username, **options)
    assert result.visited.get("/") == 200, f"{username}: the home page did not open ({result.visited.get('/')})"
    known = known_for(scenario)
    unknown = [f for f in result.findings if not any(k.matches(f) for k in known)]
    assert not unknown, (f"{username} on the {scenario} county ({len(result.visited)} pages): "
                         + "\n".join(summary(unknown)))


def known_params(scenario: str) -> list:
    return [pytest.param(k, id=f"{k.item}-{i}", marks=pytest.mark.xfail(strict=True, reason=k.reason))
            for i, k in enumerate(KNOWN) if scenario in k.scenarios]


def assert_known_fixed(scenario: str, known: Known, **options) -> None:
    seen = [f for role in known.roles for f in crawl(scenario, role, **options).findings if known.matches(f)]
    assert not seen, f"{known.reason}\n" + "\n".join(summary(seen))


def assert_coverage_opens(user: User) -> None:
    """立即重算 on the last round (what its button and the job after every upload run), then the
    round and its untested list open. The crawl only reads: this is the one write it needs."""
    from django.test import Client

    from fangkong.testing import jobs
    from fangkong.testing.models import SamplingRound

    rnd = SamplingRound.objects.order_by("id").last()
    assert rnd is not None
    jobs.refresh_coverage(rnd, acting_user=user)
    client = Client()
    client.force_login(user)
    for url in (f"/testing/rounds/{rnd.pk}/", f"/testing/rounds/{rnd.pk}/gaps/"):
        assert client.get(url).status_code == 200, url
