"""The crawler: a breadth-first walk over the pages a signed-in user is shown, and the checks it
applies to every page (issue #18).

Starting at the home page (which holds the menu), it follows every same-site link (`href`,
`hx-get`), submits every GET form with its default values and requests the action of every
POST form with GET (405 is the answer expected there). It reports:

- `5xx`: a server error (the exception when the test client raised one);
- `broken`: a link, form or redirect the user was shown that answers 403 or 404 (or sends a
  signed-in user back to the login page);
- `raw`: a `TextChoices` value (`big_data`, `geofence`) or a Python repr (`{'`, `<QuerySet`,
  a cell that says `None`) in the visible text;
- `chinese`: Han characters on a page rendered in English (see `english_check`).

URLs are deduplicated by shape (numbers in the path become `<n>`, the query keeps its keys), a
few of each shape are visited, and a role's crawl stops at `max_pages`.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.db import transaction
from django.test import Client

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"\b[a-z]{3,}\b")
MODEL_LABEL = re.compile(r"\b(?:core|registry|screening|control|testing|analytics)\.[a-z]+\b")
REPRS = re.compile(r"\{'|\['|<QuerySet|object at 0x|<bound method|datetime\.(?:date|datetime|time)\(|Decimal\('"
                   r"|<django\.|<fangkong\.|\bNoneType\b")
REPEATED = re.compile(r"([(（][^()（）]{1,20}[)）])\1")  # "(健康监测)(健康监测)"
CODE_COLUMN = re.compile(r"代码|编码|编号|[Cc]ode")  # a column that shows codes on purpose
EMPTY_REPR_CELLS = {"None", "[]", "{}", "()", "set()"}
CELL_TAGS = {"td", "dd", "li", "span", "strong", "b", "p", "div", "th", "dt", "label", "option", "a", "small"}
SKIP_TEXT_TAGS = {"script", "style", "template", "noscript", "textarea"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTR_TEXT = ("placeholder", "title", "aria-label", "alt")
SKIP_PATHS = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/accounts/login/")
CONTENT_SKIP = ("/api/",)  # machine answers: checked for their status only


@dataclass(frozen=True)
class Finding:
    kind: str       # 5xx | broken | raw | chinese
    url: str
    detail: str
    source: str = ""  # the page that showed the link

    def __str__(self) -> str:
        via = f" (from {self.source})" if self.source else ""
        return f"[{self.kind}] {self.url}{via}: {self.detail}"


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Page:
    """What the parser keeps of a page: links, forms, and the visible text with its tags."""

    links: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)  # URLs the page would POST to (forms, hx-post)
    forms: list[Form] = field(default_factory=list)
    # (text, tags, marked lang=zh, the cell's data-label)
    texts: list[tuple[str, tuple[str, ...], bool, str]] = field(default_factory=list)
    attr_texts: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.labels: list[str] = []  # each open element's data-label (a table cell's column name)
        self.form: Form | None = None
        self.select: tuple[str, list[str], list[str]] | None = None  # name, selected, first option
        # Depth of the innermost element marked Chinese on purpose (lang="zh…", and the language
        # switch, whose label is the other language); 0 outside.
        self.zh_depth = 0

    # tags ------------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag not in VOID_TAGS:
            self.stack.append(tag)
            self.labels.append(a.get("data-label", ""))
        if tag not in VOID_TAGS and not self.zh_depth and (
                a.get("lang", "").lower().startswith("zh") or (tag == "button" and a.get("name") == "language")):
            self.zh_depth = len(self.stack)
        for key in ATTR_TEXT:
            if a.get(key) and not self.zh_depth:
                self.page.attr_texts.append((key, a[key]))
        if tag in ("a", "area") and a.get("href"):
            self.page.links.append(a["href"])
        if a.get("hx-get"):
            self.page.links.append(a["hx-get"])
        for verb in ("hx-post", "hx-put", "hx-patch", "hx-delete"):
            if a.get(verb):
                self.page.posts.append(a[verb])
        if tag == "form":
            self.form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.page.forms.append(self.form)
        elif self.form is not None:
            self._field(tag, a)
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value") and not self.zh_depth:
            self.page.attr_texts.append(("value", a["value"]))

    def _field(self, tag: str, a: dict[str, str]) -> None:
        assert self.form is not None
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file", "password"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, [], [])
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if not self.select[2]:
                self.select[2].append(value)
            if "selected" in a:
                self.select[1].append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None and self.form is not None:
            name, selected, first = self.select
            for value in selected or first:
                self.form.fields.append((name, value))
            self.select = None
        if tag == "form":
            self.form = None
        if tag in self.stack:
            while self.stack:
                if self.zh_depth and len(self.stack) <= self.zh_depth:
                    self.zh_depth = 0
                self.labels.pop()
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or any(t in SKIP_TEXT_TAGS for t in self.stack):
            return
        self.page.texts.append((text, tuple(self.stack), bool(self.zh_depth), self.labels[-1] if self.labels else ""))


def parse(html: str) -> Page:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


# checks -----------------------------------------------------------------------------------

def choice_values() -> set[str]:
    """Every TextChoices value of every app's choices.py (what must never be shown raw)."""
    from fangkong.core.display import choice_classes

    return {str(v) for _name, choices in choice_classes() for v in choices.values}


@dataclass
class Checks:
    """The content checks of one crawl: raw enum values and reprs always, Han text in English."""

    enum_values: set[str]
    data_words: set[str] = field(default_factory=set)  # ASCII words that are data here (usernames)
    division_codes: set[str] = field(default_factory=set)  # a code standing where a name belongs
    english: bool = False

    def page(self, page: Page) -> list[str]:
        problems: list[str] = []
        for text, stack, zh, column in page.texts:
            problems += self.text(text, stack, chinese_on_purpose=zh, column=column)
        if self.english:
            for attr, value in page.attr_texts:
                if HAN.search(value):
                    problems.append(f"Chinese in {attr}=: {value[:80]!r}")
        return problems

    def text(self, text: str, stack: tuple[str, ...], *, chinese_on_purpose: bool = False,
             column: str = "") -> list[str]:
        where = "/".join(stack[-3:])
        out = []
        raw = {w for w in SNAKE.findall(text) if w in self.enum_values}
        if not self.english:  # in Chinese pages a bare English word that is an enum value is raw
            raw |= {w for w in WORD.findall(text) if w in self.enum_values and w not in self.data_words}
        if raw:
            out.append(f"raw value {sorted(raw)} in <{where}>: {text[:100]!r}")
        if REPEATED.search(text):
            out.append(f"label said twice in <{where}>: {text[:100]!r}")
        if (text in self.division_codes and stack and stack[-1] in ("td", "th", "li", "a", "strong", "h1", "h2")
                and not CODE_COLUMN.search(column)):
            out.append(f"division code shown as a name in <{where}>: {text!r}")
        if MODEL_LABEL.search(text):
            out.append(f"raw model label in <{where}>: {text[:100]!r}")
        if REPRS.search(text):
            out.append(f"Python repr in <{where}>: {text[:100]!r}")
        elif text in EMPTY_REPR_CELLS and stack and stack[-1] in CELL_TAGS and not (
                self.english and text == "None"):
            out.append(f"{text!r} shown as a value in <{where}>")
        if self.english and not chinese_on_purpose and HAN.search(text):
            out.append(f"Chinese in <{where}>: {text[:100]!r}")
        return out


# the crawl --------------------------------------------------------------------------------

def shape(url: str) -> tuple[str, tuple[str, ...]]:
    """A URL's shape: its path with numbers as <n>, and the names of its query parameters."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/<n>", parts.path)
    return path, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))


@dataclass
class Crawl:
    """A breadth-first crawl as one signed-in user. `run()` returns what it found."""

    client: Client
    checks: Checks
    max_pages: int = 80
    per_shape: int = 2
    per_path: int = 4
    exports: int = 3  # spreadsheet downloads per crawl: slow (a whole county), and all alike
    start: str = "/"
    findings: list[Finding] = field(default_factory=list)
    visited: dict[str, int] = field(default_factory=dict)  # url → status
    timings: dict[str, float] = field(default_factory=dict)  # url → seconds (to see what a crawl spends)
    seconds: float = 0.0

    def run(self) -> list[Finding]:
        began = time.perf_counter()
        queue: deque[tuple[str, str, bool]] = deque([(self.start, "", False)])  # url, source, is POST target
        seen_urls: set[str] = {self.start}
        shapes: dict[tuple, int] = {}
        paths: dict[str, int] = {}
        while queue and len(self.visited) < self.max_pages:
            url, source, post_target = queue.popleft()
            for link, is_post in self.visit(url, source, post_target):
                if link in seen_urls:
                    continue
                key = (shape(link), is_post)
                path = "export" if "export" in link else key[0][0]
                if shapes.get(key, 0) >= self.per_shape or paths.get(path, 0) >= (
                        self.exports if path == "export" else self.per_path):
                    continue
                shapes[key] = shapes.get(key, 0) + 1
                paths[path] = paths.get(path, 0) + 1
                seen_urls.add(link)
                queue.append((link, url, is_post))
        self.seconds = time.perf_counter() - began
        return self.findings

    def visit(self, url: str, source: str, post_target: bool) -> Iterable[tuple[str, bool]]:
        """Request one URL (in a savepoint: a GET must not leave anything behind for the next
        page) and return the links of the page."""
        began = time.perf_counter()
        try:
            with transaction.atomic():
                response = self.client.get(url)
                transaction.set_rollback(True)
        except Exception as exc:  # the test client re-raises the view's exception: a 500
            self.visited[url] = 500
            self.findings.append(Finding("5xx", url, f"{type(exc).__name__}: {str(exc)[:200]}", source))
            return []
        status = response.status_code
        self.visited[url] = status
        self.timings[url] = time.perf_counter() - began
        if status >= 500:
            self.findings.append(Finding("5xx", url, f"status {status}", source))
            return []
        if status in (403, 404):
            self.findings.append(Finding("broken", url, f"status {status}", source))
            return []
        if post_target and status == 405:
            return []
        if status in (301, 302, 303, 307, 308):
            target = urljoin(url, response["Location"])
            if urlsplit(target).path.startswith("/accounts/login/"):
                self.findings.append(Finding("broken", url, "redirects a signed-in user to the login page", source))
                return []
            return [(u, False) for u in self._same_site(url, [target])]
        content_type = response.get("Content-Type", "")
        if status != 200 or "text/html" not in content_type or url.startswith(CONTENT_SKIP):
            return []
        page = parse(response.content.decode(response.charset or "utf-8", errors="replace"))
        for problem in self.checks.page(page):
            self.findings.append(Finding("chinese" if problem.startswith("Chinese") else "raw", url, problem, source))
        return self._links(url, page)

    def _links(self, url: str, page: Page) -> list[tuple[str, bool]]:
        out = [(u, False) for u in self._same_site(url, page.links)]
        for form in page.forms:
            action = form.action or url
            if form.method == "get":
                base = urljoin(url, action).split("?")[0]
                query = urlencode([(k, v) for k, v in form.fields if v != ""])
                out += [(u, False) for u in self._same_site(url, [base + ("?" + query if query else "")])]
            else:
                out += [(u, True) for u in self._same_site(url, [action])]
        out += [(u, True) for u in self._same_site(url, page.posts)]
        return out

    @staticmethod
    def _same_site(base: str, hrefs: Iterable[str]) -> list[str]:
        out = []
        for href in hrefs:
            href = href.strip()
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "sms:")):
                continue
            parts = urlsplit(urljoin(base, href))
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if parts.path.startswith(SKIP_PATHS):
                continue
            out.append(parts.path + ("?" + parts.query if parts.query else ""))
        return out


def crawl_as(user, checks: Checks, *, language: str | None = None, **options) -> Crawl:
    """Sign `user` in (force_login), choose the language, and crawl from the home page."""
    from django.conf import settings

    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    crawl = Crawl(client, checks, **options)
    crawl.run()
    return crawl


def summary(findings: Iterable[Finding]) -> list[str]:
    """One line per distinct problem (same kind, page shape and detail), with how often it occurred."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.kind, shape(f.url)[0], f.detail), []).append(f)
    lines = []
    for items in groups.values():
        more = f" (×{len(items)})" if len(items) > 1 else ""
        lines.append(f"{items[0]}{more}")
    return lines
