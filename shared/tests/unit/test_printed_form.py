import datetime as dt
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest

from unionfed_shared.amount_words import yuan_figure
from unionfed_shared.documents import printed_form as form
from unionfed_shared.documents.pdf import html_to_pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def pages_of(page: str) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(html_to_pdf(page))).pages]


def test_a_long_list_runs_over_pages_numbered_n_of_m_with_its_header_on_each():
    columns = [form.Column("序号", number=True), form.Column("姓名"), form.Column("金额（元）", number=True)]
    rows = [(i, f"教师{i:03d}", yuan_figure(200_00)) for i in range(1, 91)]
    body = form.table(columns, rows, total=("", "合计", yuan_figure(90 * 200_00))) + form.signatures(["经办人"], "zh")
    pages = pages_of(form.page("签收单", body))
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert f"第 {n} 页，共 {len(pages)} 页" in text
        assert "序号 姓名 金额（元）" in text, f"the header is repeated on page {n}"
    assert "合计 18,000.00" in pages[-1] and "经办人（签字）" in pages[-1]
    assert "教师090" in "".join(pages)


def test_what_a_user_typed_is_printed_as_text_never_as_markup():
    hostile = '<img src="http://evil.test/x.png">王芳'
    page = form.page("表", form.table([form.Column("姓名")], [(hostile,)]) + form.meta([("单位", "<b>x</b>")], "zh"))
    assert "<img" not in page and "&lt;img" in page and "<b>x</b>" not in page
    assert hostile in pages_of(page)[0].replace("\n", "")


def test_signature_lines_and_a_seal_in_each_language():
    assert "工会主席（签字）：" in form.signatures(["工会主席"], "zh", seal="工会（盖章）")
    assert "工会（盖章）：" in form.signatures(["工会主席"], "zh", seal="工会（盖章）")
    assert "Union chair (signature): " in form.signatures(["Union chair"], "en")
    assert "日期" not in form.signatures(["经办人"], "zh", dated=False)


def test_money_is_yuan_from_whole_fen_and_times_are_the_federation_s_wall_clock():
    assert (yuan_figure(123456), yuan_figure(-5), yuan_figure(0)) == ("1,234.56", "-0.05", "0.00")
    with pytest.raises(TypeError):
        yuan_figure(1.5)  # type: ignore[arg-type]
    moment = dt.datetime(2026, 12, 4, 21, 33, tzinfo=dt.UTC)
    assert form.local_time(moment, SHANGHAI) == "2026-12-05 05:33"
    with pytest.raises(ValueError):
        form.local_time(dt.datetime(2026, 12, 4, 21, 33), SHANGHAI)
    assert (form.lang_of("zh-CN"), form.lang_of("en")) == ("zh", "en")
