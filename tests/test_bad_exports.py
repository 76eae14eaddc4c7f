"""The messy-export corpus: every bad file gets its one exact line, every accepted one loads exactly."""

import shutil
import subprocess
import sys

import pytest

from valuekit import DataError, load_tables
from valuekit.report import main as report_main

from .bad_exports import CASES, write_small_export
from .helpers import fingerprints


@pytest.fixture(scope="module")
def clean_export(tmp_path_factory):
    return write_small_export(tmp_path_factory.mktemp("clean") / "我的 export")


@pytest.fixture(scope="module")
def clean_tables(clean_export):
    return load_tables(clean_export)


def test_the_corpus_is_large_and_its_cases_distinct():
    names = [case.name for case in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    assert all((case.message is None) != (case.accepts is None) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_messy_export(case, clean_export, clean_tables, tmp_path):
    folder = tmp_path / "导出 folder"
    shutil.copytree(clean_export, folder)
    case.make(folder)
    before = fingerprints(folder)
    if case.message is not None:
        with pytest.raises(DataError) as caught:
            case.load(folder, case.table)
        assert str(caught.value) == case.expected(folder)
    else:
        case.accepts(clean_tables, case.load(folder, case.table), case.table)
    assert fingerprints(folder) == before, "the loader modified the user's files"


def test_latin1_case_is_one_that_gb18030_would_misread(clean_export, tmp_path):
    case = next(case for case in CASES if case.name == "latin1-reads-as-gb18030")
    folder = tmp_path / "export"
    shutil.copytree(clean_export, folder)
    case.make(folder)
    assert "蓂uipe" in (folder / "sales_teams.csv").read_bytes().decode("gb18030")


def test_contract_and_loader_do_not_import_the_sample_company():
    code = "import sys, valuekit.loader; print(*sorted(m for m in sys.modules if m.startswith('valuekit')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    modules = loaded.split()  # the loader is a package: its own modules, the contract, and nothing else of ours
    assert [name for name in modules if not name.startswith("valuekit.loader.")] == [
        "valuekit", "valuekit.loader", "valuekit.schema", "valuekit.vocabulary"]


def test_report_command_fails_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        report_main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{tmp_path / 'nowhere'}: data folder not found\n"


def test_report_command_turns_a_notebook_failure_into_its_one_line(monkeypatch, tmp_path, capsys):
    import papermill

    from valuekit import report

    line = f"{tmp_path / 'leads.csv'}, row 6, column 'created_on': value '02/01/2023' is not a date"

    def fail(*_args, **_kwargs):
        raise papermill.PapermillExecutionError(3, 3, "load_tables(DATA_DIR)", "DataError", line,
                                                ["Traceback (most recent call last):", "  ...", line])

    monkeypatch.setattr(report.papermill, "execute_notebook", fail)
    with pytest.raises(SystemExit) as caught:
        report.main(["--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert caught.value.code == 1
    assert capsys.readouterr().err == line + "\n"


def test_report_command_names_other_failures_in_one_line(monkeypatch, tmp_path, capsys):
    import papermill

    from valuekit import report

    def fail(*_args, **_kwargs):
        raise papermill.PapermillExecutionError(5, 5, "x.to_period('M')", "AttributeError",
                                                "'NaTType' object has\nno attribute 'to_period'", ["..."])

    monkeypatch.setattr(report.papermill, "execute_notebook", fail)
    with pytest.raises(SystemExit):
        report.main(["--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert capsys.readouterr().err == (
        "the report notebook failed: AttributeError: 'NaTType' object has no attribute 'to_period'\n")


def test_bounds_argument_wins_over_the_folder_file(clean_export, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(clean_export, folder)
    path = folder / "approval_steps.csv"
    path.write_text(path.read_text("utf-8").replace(",13.4\n", ",600\n", 1), encoding="utf-8")
    (folder / "bounds.csv").write_text("table,column,minimum,maximum\napproval_steps,touch_minutes,,500\n")
    expected = r"row 3, column 'touch_minutes': value '600' is above the plausible maximum 500"
    with pytest.raises(DataError, match=expected):
        load_tables(folder, ["approval_steps"])
    steps = load_tables(folder, ["approval_steps"], bounds={"approval_steps.touch_minutes": (None, 1000)})
    assert steps["approval_steps"]["touch_minutes"].max() == 600


def test_the_csv_field_limit_is_left_as_it_was(clean_export, tmp_path):
    import csv

    before = csv.field_size_limit()
    folder = tmp_path / "export"
    shutil.copytree(clean_export, folder)
    load_tables(folder, ["pm_team", "rubric_items"])
    assert csv.field_size_limit() == before
