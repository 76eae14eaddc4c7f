"""The value report renders as a code-free page, from the sample data and from another company's exports."""

import re

import pandas as pd
import pytest

from valuekit import load_tables
from valuekit.report import render

from .conftest import DATA_DIR
from .own_data import REPORT_TABLES, write_smaller_company


def page_text(html_path):
    html = html_path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def smaller_company(tmp_path_factory):
    return write_smaller_company(tmp_path_factory.mktemp("own-data"), tmp_path_factory.mktemp("scratch"))


@pytest.mark.second_company
def test_fixture_is_a_different_smaller_company_in_spreadsheet_format(smaller_company):
    raw = (smaller_company / "sales_teams.csv").read_bytes()
    assert b"\t" in raw.splitlines()[0]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GBK, as Chinese Excel writes it
    mine = load_tables(smaller_company, REPORT_TABLES)
    sample = load_tables(DATA_DIR, REPORT_TABLES)
    assert len(mine["sales_teams"]) < len(sample["sales_teams"])
    assert len(mine["approvals"]) < len(sample["approvals"])
    assert mine["leads"]["created_on"].min() - sample["leads"]["created_on"].min() == pd.Timedelta(weeks=104)


@pytest.mark.notebook
def test_report_on_another_companys_exports(smaller_company, tmp_path):
    html = render(smaller_company, tmp_path, system_name="East China CRM")
    text = page_text(html)
    assert "East China CRM: value report, Jan 2026 to Dec 2026" in text
    assert "import " not in text and "load_tables" not in text, "the report page must not show code"
    assert "Overview" not in text and "Exercises" not in text, "book-only sections must be left out"
    assert text.count("directly caused") >= 3
    low, high = map(float, re.search(r"\(95% interval (-?[\d.]+) to (-?[\d.]+);", text).groups())
    assert low <= 5.0 <= high and low > 0, "the planted 5-point lift, and not zero, inside the interval"
    approver_hours = float(re.search(r"freed ([\d,]+) approver hours", text).group(1).replace(",", ""))
    assert approver_hours > 0
    assert html.read_text(encoding="utf-8").count("<img") == 4


@pytest.mark.notebook
def test_report_on_the_sample_data(tmp_path):
    text = page_text(render(DATA_DIR, tmp_path))
    assert "Kestrel Cloud's back office: value report, Jan 2024 to Dec 2024" in text
    assert "36 to 19 hours" in text  # the planted halving of approval cycle time
