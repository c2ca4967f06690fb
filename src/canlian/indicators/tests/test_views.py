"""Dashboard, indicator page, drill-down, external data, and the CLI."""

import io
import json

from django.core.management import call_command
from django.urls import reverse

from canlian.indicators.tests.test_measures import person, serve  # noqa: F401 - fixture

YEAR = 2024


def test_dashboard_indicator_page_and_drill_down_are_scoped(client, users, person, regions,  # noqa: F811
                                                            serve):  # noqa: F811
    inside = person(rehab_need=True, rehab_types=["training"])
    outside = person(regions.v2a, rehab_need=True, rehab_types=["training"])
    serve(outside, "rehab_training")
    client.force_login(users.federation)
    page = client.get(reverse("indicators:plan", args=["yueqing-14th"]), {"year": YEAR})
    assert page.status_code == 200
    body = page.content.decode()
    assert "残疾人基本康复服务覆盖率" in body
    assert 'id="chart-data"' in body
    detail = client.get(reverse("indicators:indicator", args=["yueqing-14th",
                                                              "rehabilitation_coverage"]),
                        {"year": YEAR}).content.decode()
    assert "1 / 2" in detail
    gap = client.get(reverse("indicators:members", args=["yueqing-14th",
                                                         "rehabilitation_coverage", "gap"]),
                     {"year": YEAR})
    assert [p.pk for p in gap.context["page"].object_list] == [inside.pk]
    client.force_login(users.township2)  # 柳市镇 sees only its own township
    gap = client.get(reverse("indicators:members", args=["yueqing-14th",
                                                         "rehabilitation_coverage", "gap"]),
                     {"year": YEAR})
    assert list(gap.context["page"].object_list) == []
    assert client.get(reverse("indicators:plan", args=["yueqing-14th"]),
                      {"region": regions.t1.code}).status_code == 404


def test_external_values_are_entered_by_the_federation(client, users):
    client.force_login(users.township)
    assert client.post(reverse("indicators:external"), {}).status_code == 403
    client.force_login(users.federation)
    client.post(reverse("indicators:external"), {"series": "city_gdp_growth", "year": 2024,
                                                 "value": "6.5", "source": "乐清市统计公报"})
    assert "乐清市统计公报" in client.get(reverse("indicators:external")).content.decode()


def test_cli_json_shape(regions, person, tmp_path):  # noqa: F811
    person(rehab_need=True, rehab_types=["training"])
    out = io.StringIO()
    call_command("indicators", "--plan", "linzi-14th", "--year", str(YEAR), "--format", "json",
                 stdout=out)
    data = json.loads(out.getvalue())
    rehab = next(i for i in data["indicators"] if i["code"] == "rehabilitation_coverage")
    assert set(rehab) >= {"code", "name", "numerator", "denominator", "value", "unit",
                          "baseline", "target", "status", "townships"}
    assert (rehab["numerator"], rehab["denominator"], rehab["status"]) == (0, 1, "behind")
    assert {t["code"] for t in rehab["townships"]} == {"330382002000"}
    target = tmp_path / "out.xlsx"
    call_command("indicators", "--plan", "linzi-14th", "--year", str(YEAR), "--format", "xlsx",
                 "--output", str(target), stdout=io.StringIO())
    from openpyxl import load_workbook

    assert load_workbook(target).sheetnames == [f"{YEAR}年指标", "分镇街"]


def test_report_command_writes_xlsx_and_a_pdf_with_embedded_cjk_fonts(regions, person, tmp_path):  # noqa: F811
    person(rehab_need=True, rehab_types=["training"])
    call_command("report", "--plan", "yueqing-14th", "--year", str(YEAR), "--kind", "midterm",
                 "--output", str(tmp_path), stdout=io.StringIO())
    pdf = (tmp_path / f"yueqing-14th-{YEAR}-midterm.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"FontFile" in _inflated(pdf)  # fonts are embedded, not merely referenced
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / f"yueqing-14th-{YEAR}-midterm.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert "中期评估" in rows[0][0]
    rehab = next(r for r in rows if r[0] == "残疾人基本康复服务覆盖率")
    assert rehab[5:7] == (0, 1)
    assert rehab[9] == 1  # one person behind the gap to 100 %


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed object streams inflated, to look inside font objects."""
    import re
    import zlib

    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)
