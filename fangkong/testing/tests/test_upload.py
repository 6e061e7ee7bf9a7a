"""Lab results by file (csv / xlsx) and by API: bad rows reported, unknown tubes kept, idempotent."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangkong.core.models import Batch
from fangkong.core.testkit import client_for
from fangkong.testing.models import ResamplingTask, Sample, UnmatchedResult

from .conftest import pool, present

CSV = ("某某检测机构核酸检测结果报告\n条码,检测结果,ORF1ab,N基因,检测时间\n"
       "U0001,阴性,,,2022-07-04 14:00\nU0002,阳性,28.5,30.1,2022/7/4 14:05\n"
       "U9999,阴性,,,2022-07-04 14:10\n,阴性,,,\nU0003,可疑,,,\nU0003,阴性,abc,,\n")


def test_it_imports_a_csv_file_and_reimporting_changes_nothing(users, site, rnd, village):
    people = present(village, 12)
    pool(site, rnd, people[:5], "U0001", capacity=5, by=users["village"])
    pool(site, rnd, people[5:10], "U0002", capacity=5, by=users["village"])
    client = client_for(users["lab"])
    r = client.post("/testing/results/upload/", {"file": SimpleUploadedFile("结果.csv", CSV.encode("gbk")), "lab": "县医院"})
    assert r.status_code == 200
    batch = r.context["batch"]
    assert batch.updated == 2 and batch.rejected == 3
    reasons = {e["row"]: ";".join(e["reasons"]) for e in batch.errors}
    assert reasons[6] == "条码为空" and "可疑" in reasons[7] and "abc" in reasons[8]
    assert "U9999" in reasons[5] and "未匹配" in reasons[5]  # the unknown tube named on its row
    assert Sample.objects.get(barcode="U0002").ct_orf1ab == 28.5
    assert UnmatchedResult.objects.filter(barcode="U9999", batch=batch).exists()
    assert ResamplingTask.objects.filter(source_sample__barcode="U0002").count() == 5
    again = client.post("/testing/results/upload/", {"file": SimpleUploadedFile("结果.csv", CSV.encode("gbk"))})
    assert again.context["batch"] == batch and Batch.objects.filter(kind="lab_result").count() == 1
    assert ResamplingTask.objects.count() == 5 and UnmatchedResult.objects.count() == 1


def test_it_imports_xlsx_and_the_api_the_same_way(users, site, rnd, village):
    people = present(village, 10)
    pool(site, rnd, people[:5], "X0001", capacity=5, by=users["village"])
    pool(site, rnd, people[5:], "X0002", capacity=5, by=users["village"])
    wb = Workbook()
    ws = wb.active
    ws.append(["样本编号", "结果", "报告时间"])
    ws.append(["X0001", "negative", "2022-07-04 15:00"])
    out = io.BytesIO()
    wb.save(out)
    client = client_for(users["lab"])
    r = client.post("/testing/results/upload/", {"file": SimpleUploadedFile("r.xlsx", out.getvalue())})
    assert r.context["batch"].updated == 1 and Sample.objects.get(barcode="X0001").result == "negative"
    api = client.post("/api/testing/results/", {"lab": "第三方", "results": [
        {"barcode": "X0002", "result": "无效"}, {"barcode": "X0001", "result": "negative"},
        {"barcode": "", "result": "阳性"}]}, content_type="application/json")
    assert api.status_code == 201, api.content
    body = api.json()
    assert body["changed"] == 1 and body["rejected"] == 1 and body["resampling_tasks"] == 5


def test_it_refuses_uploads_from_roles_without_right(users):
    assert client_for(users["grid"]).get("/testing/results/upload/").status_code == 403
    r = client_for(users["grid"]).post("/api/testing/results/", {"results": []}, content_type="application/json")
    assert r.status_code == 403


def test_it_names_the_unknown_barcode_and_offers_the_error_sheet(users, site, rnd, village):
    from openpyxl import load_workbook

    pool(site, rnd, present(village, 5), "U0001", capacity=5, by=users["village"])
    client = client_for(users["lab"])
    r = client.post("/testing/results/upload/", {"file": SimpleUploadedFile("结果.csv", CSV.encode("gbk")), "lab": "县医院"})
    html = r.content.decode()
    assert "U9999" in html  # named, not "未知条码 1 个"
    batch = r.context["batch"]
    link = f"/core/batches/{batch.pk}/errors.xlsx"
    assert link in html
    sheet = client.get(link)
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    unknown = next(row for row in rows[1:] if row[1] == "U9999")
    assert unknown[0] == 5 and "U9999" in unknown[-1] and "None" not in unknown
