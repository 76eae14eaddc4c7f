"""Every notebook follows the book's conventions (CONTRIBUTING.md) and is listed in the table of contents."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from valuekit.book.notebooks import twin_path, twin_text
from valuekit.glue import SIGNIFICANT_DIGITS
from valuekit.vocabulary import ATTRIBUTION_STRENGTHS

from .conftest import ROOT
from .helpers import glued_value

NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))
UNSTABLE_OUTPUT = re.compile(r"0x[0-9a-f]{6,}|/work/|/home/|/tmp/|/root/|\d{2}:\d{2}:\d{2}\.\d+")
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?![\w.])")
# Glue rounds to SIGNIFICANT_DIGITS; tables may show money to the yuan, but never a float's last bits.
MAX_SHOWN_DIGITS = SIGNIFICANT_DIGITS + 2
TEMPLATE_HEADINGS = ("## Overview", "## Prerequisites", "## Summary", "## Exercises", "## What's next")
# The section of CONTRIBUTING.md that states each rule, named in the failure message so that it points back there.
TEMPLATE = 'see CONTRIBUTING.md, "The notebook template"'
PRECISION = 'see CONTRIBUTING.md, "Numbers: the precision rule"'
VOCABULARY = 'see CONTRIBUTING.md, "The evidence vocabulary"'
DATES = 'see CONTRIBUTING.md, "Dates and the change log"'
NAMES = 'see CONTRIBUTING.md, "Names"'


def significant_digits(number: str) -> int:
    """Significant digits of a decimal literal as printed: '0.0012' has 2, '120.50' has 5, '600000.0' has 1."""
    whole, fraction = number.lstrip("-").split(".")
    if not fraction.strip("0"):  # a float's '.0' says nothing about precision
        return len(whole.strip("0"))
    return len((whole + fraction).lstrip("0"))


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_there_are_notebooks():
    assert NOTEBOOKS


def test_every_toc_entry_exists_and_every_notebook_is_listed():
    listed = toc_files()
    for entry in listed:
        assert any((ROOT / f"{entry}{suffix}").is_file() for suffix in (".md", ".ipynb")), f"{entry}: no such page"
    for notebook in NOTEBOOKS:
        assert notebook.relative_to(ROOT).with_suffix("").as_posix() in listed, f"{notebook} not in _toc.yml ({NAMES})"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_its_text_twin(notebook):
    """Its cells as MyST Markdown beside it, for diffs without outputs (CONTRIBUTING.md, "Stored outputs and
    clean diffs")."""
    twin = twin_path(notebook)
    assert twin.is_file() and twin.read_text(encoding="utf-8") == twin_text(notebook), \
        f"{twin.relative_to(ROOT)} is not the notebook's current text: run make notebooks (or jupytext --sync)"


def code_cells(path: Path) -> list:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def outputs(path: Path):
    """(cell, output) for every stored output of the notebook."""
    return [(cell, output) for cell in code_cells(path) for output in cell.outputs]


def output_texts(output) -> list[str]:
    return [output.get("text", "")] + [str(value) for key, value in output.get("data", {}).items()
                                       if key.startswith("text/") or "papermill.record" in key]


each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)


@each_notebook
def test_first_code_cell_holds_the_parameters(path: Path):
    first = code_cells(path)[0]
    assert "parameters" in first.metadata.get("tags", []), f"first code cell must be tagged 'parameters' ({TEMPLATE})"
    assert "DATA_DIR" in first.source, f"the parameters cell must set DATA_DIR ({TEMPLATE})"


FOLDED_OR_HIDDEN = {"hide-input", "remove-cell", "remove-input"}


@each_notebook
def test_code_is_folded_unless_it_is_the_lesson(path: Path):
    """A reader who does not code sees prose and results; the code waits behind "Show code". A cell that is
    itself the lesson is tagged `lesson` and stays open."""
    open_cells = [cell.source[:60] for cell in code_cells(path)
                  if not FOLDED_OR_HIDDEN & set(cell.metadata.get("tags", []))
                  and "lesson" not in cell.metadata.get("tags", [])]
    assert open_cells == [], f"tag these cells hide-input, or lesson if the code is what the page teaches: " \
                             f"{open_cells} ({TEMPLATE})"


ANSWER_BOX = re.compile(r"^:::\{admonition\} .+\n:class: [^\n]*\banswer\b", re.MULTILINE)


@each_notebook
def test_the_answer_comes_before_any_code(path: Path):
    """The first cell says what the page found (glued numbers, what to tell a manager) in an admonition of class
    `answer`, so a reader who never opens the code has the result before the first code cell."""
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and ANSWER_BOX.search(first.source), \
        f"open the title cell with the answer box ({TEMPLATE})"


@each_notebook
def test_outputs_come_from_one_clean_run(path: Path):
    counts = [cell.execution_count for cell in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), f"re-run top to bottom: make notebooks ({TEMPLATE})"


@each_notebook
def test_follows_the_cookbook_template(path: Path):
    markdown = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells
                         if cell.cell_type == "markdown")
    missing = [heading for heading in TEMPLATE_HEADINGS if heading not in markdown]
    assert missing == [], f"missing sections: {missing} ({TEMPLATE})"


@each_notebook
def test_no_errors_or_stderr(path: Path):
    bad = [cell.source[:60] for cell, output in outputs(path)
           if output.get("name") == "stderr" or output.output_type == "error"]
    assert bad == [], f"error or stderr output in: {bad} ({TEMPLATE})"


@each_notebook
def test_no_addresses_paths_or_clock_times(path: Path):
    unstable = [match.group() for _, output in outputs(path) for text in output_texts(output)
                for match in UNSTABLE_OUTPUT.finditer(text)]
    assert unstable == [], f"output differs between machines or runs: {unstable[:5]} ({TEMPLATE})"


@each_notebook
def test_numbers_shown_at_the_precision_they_carry(path: Path):
    """BLAS kernels differ in the last bits: glue keeps 6 significant digits, and no output shows more than 8."""
    noisy = [number for _, output in outputs(path) for text in output_texts(output)
             for number in DECIMAL.findall(text) if significant_digits(number) > MAX_SHOWN_DIGITS]
    assert noisy == [], f"round these (valuekit.glue): {noisy[:5]} ({PRECISION})"


@each_notebook
def test_glued_values_are_python_scalars(path: Path):
    glued = [output["data"]["application/papermill.record/text/plain"] for _, output in outputs(path)
             if "application/papermill.record/text/plain" in output.get("data", {})]
    numpy = [value for value in glued if value.startswith("np.")]
    assert numpy == [], f"glued numpy scalars, which prose cannot format: {numpy} ({PRECISION})"


@each_notebook
def test_figures_have_alt_text_and_caption(path: Path):
    for cell, output in outputs(path):
        if "image/png" in output.get("data", {}):
            figure = cell.metadata.get("mystnb", {})
            assert figure.get("image", {}).get("alt"), f"figure without alt text: {cell.source[:60]} ({TEMPLATE})"
            assert figure.get("figure", {}).get("caption"), f"figure without caption: {cell.source[:60]} ({TEMPLATE})"


@each_notebook
def test_attribution_strengths_come_from_the_vocabulary(path: Path):
    """A strength typed by hand can drift from the vocabulary: a typo makes a new grade (and a NaN haircut)."""
    typed = [node.value for cell in code_cells(path) for node in ast.walk(ast.parse(cell.source))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and any(strength in node.value.lower() for strength in ATTRIBUTION_STRENGTHS)]
    assert typed == [], f"use valuekit.vocabulary's constants instead of: {typed} ({VOCABULARY})"


@each_notebook
def test_knows_nothing_of_the_sample_generator(path: Path):
    """Dates and truths come from the data folder, so a reader's own folder gives that reader's answers."""
    imports = [node for cell in code_cells(path) for node in ast.walk(ast.parse(cell.source))
               if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {alias.name for node in imports for alias in node.names} | {
        f"{node.module}.{alias.name}" for node in imports if isinstance(node, ast.ImportFrom) for alias in node.names}
    sample = {name for name in names if name.split(".")[-1] in ("company", "generate") or "valuekit.company" in name}
    assert sample == set(), f"imports the sample generator: {sample} ({DATES})"


def test_significant_digits_counts_what_precision_means():
    numbers = ("5.175958349994092", "0.0012", "120.50", "-3.5", "207360.0")
    assert [significant_digits(n) for n in numbers] == [16, 2, 5, 2, 5]


def test_business_case_reads_the_saas_option_it_does_not_type():
    """The business case's flexibility is the SaaS P&L's pilot-then-decide value, read from the results file the
    SaaS notebook writes, at the same discount rate; no option value is typed into the business case."""
    import json
    import math

    part4 = ROOT / "book" / "part4"
    case_cells = nbformat.read(part4 / "business-case.ipynb", as_version=4).cells
    parameters = next(cell.source for cell in case_cells if "parameters" in cell.metadata.get("tags", []))
    names = [target.id for node in ast.parse(parameters).body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)]
    typed = [name for name in names if {"OPTION", "NPV", "PROBABILITY"} & set(name.split("_"))]
    assert not typed, f"typed into the business case: {typed}"
    results_name = re.search(r'SAAS_RESULTS = "([^"]+)"', parameters).group(1)
    saas_cells = nbformat.read(part4 / "saas-pnl.ipynb", as_version=4).cells
    saas_parameters = next(cell.source for cell in saas_cells if "parameters" in cell.metadata.get("tags", []))
    assert f'RESULTS_FILE = "{results_name}"' in saas_parameters
    results = json.loads((part4 / results_name).read_text())
    saas_option = float(glued_value(part4 / "saas-pnl.ipynb", "option_value"))  # glued to the thousand CNY
    assert results["option_value"] == pytest.approx(saas_option, abs=500)
    assert float(glued_value(part4 / "business-case.ipynb", "option_value")) == saas_option
    # Pilot, then decide: E[max(NPV, 0)], discounted over the pilot's months, minus the pilot's cost.
    delay = (1 + results["discount_rate"]) ** (-results["pilot_months"] / 12)
    assert results["option_value"] == pytest.approx(
        results["expected_positive_npv"] * delay - results["pilot_cost"], rel=1e-4)
    assert results["expected_positive_npv"] >= max(results["npv_mean"], 0)
    assert math.isclose(float(glued_value(part4 / "business-case.ipynb", "discount_rate")), results["discount_rate"])


def test_own_data_page_lists_what_each_notebook_loads():
    """The data-contract page's table matches the tables each notebook actually loads."""
    from valuekit.loader import _dependencies
    from valuekit.schema import TABLES

    page = (ROOT / "book" / "part5" / "own-data.md").read_text()
    # Rows name each notebook by its page label ({ref}) or, within Part V, its file ({doc}).
    listed_rows = re.findall(r"^\| \{(?:doc|ref)\}`([^`]+)` \| (.+) \|$", page, flags=re.M)
    rows = {name.split("/")[-1]: tables for name, tables in listed_rows}
    assert len(rows) == len(listed_rows), "two rows of the own-data table name the same notebook"
    for path in NOTEBOOKS:
        source = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
        calls = re.findall(r"load_tables\(DATA_DIR(?:, \[([^\]]*)\])?\)", source)
        # A page that shows what a partial folder supports loads the tables its NEEDS mapping names.
        needs = re.findall(r"^NEEDS = \{(.*?)^\}", source, flags=re.M | re.S)
        assert calls or needs, path.name
        names = list(TABLES) if "" in calls else [name for call in calls for name in re.findall(r'"(\w+)"', call)]
        names += [name for block in needs for name in re.findall(r'"(\w+)"', block) if name in TABLES]
        assert set(names) <= set(TABLES), f"{path.name} loads a table the contract does not have"
        listed = rows[path.stem]
        expected = ("every table of the contract" if set(names) == set(TABLES)
                    else ", ".join(f"`{n}`" for n in _dependencies(names)))
        assert listed == expected, path.name
