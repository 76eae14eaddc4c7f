"""Every notebook reruns on a second company and reports that company's numbers, not the sample's.

The notebooks know nothing of the sample generator: dates, rollouts and truths come from the data folder.
If one typed a date, imported the generator or assumed six teams, it would crash here or print a date
of the sample company, which this company (three years later, three teams) does not have.
"""

import re

import nbformat
import pandas as pd
import papermill
import pytest

from valuekit import load_tables
from valuekit.loader import TRUTHS_FILE, change_date

from .second_company import KEPT_TEAMS, write_second_company
from .test_notebooks import NOTEBOOKS

pytestmark = [pytest.mark.notebook, pytest.mark.second_company]
SAMPLE_YEARS = r"202[34]"  # the sample company's two years; the second company's are 2026 and 2027
SAMPLE_DATES = re.compile(rf"\b{SAMPLE_YEARS}[-/]\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* "
                          rf"{SAMPLE_YEARS}\b")  # 2024-04-01, 2024-04, 2024/04/01, April 2024


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return write_second_company(tmp_path_factory.mktemp("second company"), tmp_path_factory.mktemp("scratch"))


@pytest.fixture(scope="module")
def rerun(company, tmp_path_factory):
    """Executes a notebook on the second company with papermill, once: later calls reuse the result."""
    out, executed = tmp_path_factory.mktemp("reruns"), {}

    def run(name: str):
        if name not in executed:
            path = next(path for path in NOTEBOOKS if path.stem == name)
            try:
                papermill.execute_notebook(str(path), str(out / path.name), parameters={"DATA_DIR": str(company)},
                                           cwd=str(path.parent), kernel_name="python3", progress_bar=False)
                executed[name] = nbformat.read(out / path.name, as_version=4)
            except papermill.PapermillExecutionError as error:
                executed[name] = error
        if isinstance(executed[name], Exception):
            pytest.fail(f"{name} fails on the second company: {executed[name].ename}: {executed[name].evalue}")
        return executed[name]

    return run


def outputs_text(notebook) -> list[str]:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output["text"])
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") or "papermill.record" in key:
                    texts.append(value if isinstance(value, str) else "".join(value))
    return texts


def glued(notebook) -> dict[str, str]:
    return {output["metadata"]["scrapbook"]["name"]: output["data"]["application/papermill.record/text/plain"]
            for cell in notebook.cells for output in cell.get("outputs", [])
            if "scrapbook" in output.get("metadata", {})}


def test_the_second_company_differs_from_the_sample(company):
    tables = load_tables(company, ["sales_teams", "leads", "changes"])
    assert sorted(tables["sales_teams"]["team_id"]) == KEPT_TEAMS
    assert tables["leads"]["created_on"].min().year == 2026
    assert not (company / TRUTHS_FILE).exists()


@pytest.mark.parametrize("name", [path.stem for path in NOTEBOOKS])
def test_notebook_reruns_cleanly_on_the_second_company(rerun, name):
    notebook = rerun(name)
    stderr = [output["text"] for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("name") == "stderr"]
    assert not stderr, f"{name} wrote to stderr on the second company: {stderr[0][:300]}"
    sample_dates = sorted({match for text in outputs_text(notebook) for match in SAMPLE_DATES.findall(text)})
    assert not sample_dates, f"{name} shows the sample company's dates on another company: {sample_dates}"


def test_headlines_are_the_second_companys(rerun, company):
    tables = load_tables(company, ["sales_teams", "changes"])
    teams = tables["sales_teams"]
    first_rollout = teams["crm_rollout_date"].min()
    assert glued(rerun("metric-plan"))["n_teams"] == str(len(KEPT_TEAMS))
    plan_date = first_rollout + pd.Timedelta(weeks=9)  # metric-plan's PLAN_WEEKS_AFTER_FIRST_ROLLOUT
    console, pushes = change_date(tables, "agent_console"), change_date(tables, "push_automation")
    assert glued(rerun("metric-plan"))["plan_date"] == repr(f"{plan_date:%Y-%m-%d}")
    assert glued(rerun("attribution"))["service_change_date"] == repr(f"{console:%Y-%m-%d}")
    assert glued(rerun("company-tour"))["agent_console_month"] == repr(f"{console:%B %Y}")
    assert glued(rerun("cost-saving-calculator"))["go_live"] == repr(f"{pushes:%Y-%m}")
