"""The crawler's own checks, on small pages: each detector fires on what #18 saw, and not on data."""

from __future__ import annotations

from .kit import Checks, Crawl, parse, shape

ENUMS = {"big_data", "geofence", "home_monitoring", "grid", "open"}


def problems(html: str, *, english: bool = False, data_words: set[str] | None = None,
             codes: set[str] | None = None) -> list[str]:
    return Checks(ENUMS, data_words or set(), codes or set(), english=english).page(parse(html))


def test_it_flags_raw_enum_values_and_reprs():
    assert problems("<td>大数据推送/geofence</td>")[0].startswith("raw value ['geofence']")
    assert problems("<td>{'kind': [None, 'home_monitoring']}</td>")
    assert problems("<td>&lt;QuerySet []&gt;</td>")
    assert problems("<td>None</td>") == ["'None' shown as a value in <td>"]
    assert problems("<td>registry.resident #3</td>")[0].startswith("raw model label")
    assert problems("<td>排除风险(健康监测)(健康监测)</td>")[0].startswith("label said twice")


def test_it_leaves_data_and_invisible_text_alone():
    assert problems('<p>网格员 grid</p><script>var a = {"k": "big_data"}</script>', data_words={"grid"}) == []
    assert problems('<select><option value="big_data">大数据推送</option></select>') == []
    assert problems("<p>Tasks still open: 3</p><td>None</td>", english=True) == []


def test_it_flags_a_division_code_where_a_name_belongs():
    assert problems("<td>130724</td>", codes={"130724"})
    assert problems('<td data-label="区划代码">130724</td>', codes={"130724"}) == []


def test_it_flags_chinese_on_english_pages_but_not_text_marked_chinese():
    assert problems("<h1>新建采样点</h1>", english=True) == ["Chinese in <h1>: '新建采样点'"]
    assert problems('<input placeholder="张三">', english=True) == ["Chinese in placeholder=: '张三'"]
    ok = ('<form><button name="language" value="zh-hans">中文</button></form>'
          '<p>Headers: <code lang="zh-Hans">姓名</code> (name)</p>')
    assert problems(ok, english=True) == []


def test_it_collects_links_and_forms():
    page = parse('<a href="/a/1/">x</a><div hx-get="/b/"></div><form method="get" action="/s/">'
                 '<input name="q" value="x"><select name="k"><option value="1">1</option>'
                 '<option value="2" selected>2</option></select></form>'
                 '<form method="post" action="/p/"><input type="submit" value="go"></form>')
    assert page.links == ["/a/1/", "/b/"]
    assert [(f.method, f.action, f.fields) for f in page.forms] == [
        ("get", "/s/", [("q", "x"), ("k", "2")]), ("post", "/p/", [])]
    links = Crawl(None, Checks(set()))._links("/here/", page)
    assert ("/s/?q=x&k=2", False) in links and ("/p/", True) in links


def test_it_groups_urls_by_shape():
    assert shape("/control/measures/12/?page=2&status=x") == ("/control/measures/<n>/", ("page", "status"))
    assert shape("/testing/rounds/3/export/gaps/") == ("/testing/rounds/<n>/export/gaps/", ())
