"""Every notebook follows the book's conventions (BOOK.md) and is listed in the table of contents."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from .conftest import ROOT
from .helpers import glued_value

NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))
UNSTABLE_OUTPUT = re.compile(r"0x[0-9a-f]{6,}|/work/|/home/|/tmp/|/root/|\d{2}:\d{2}:\d{2}\.\d+")


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
        assert any((ROOT / f"{entry}{suffix}").is_file() for suffix in (".md", ".ipynb")), entry
    for notebook in NOTEBOOKS:
        assert notebook.relative_to(ROOT).with_suffix("").as_posix() in listed, notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_conventions(path: Path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]

    first = code_cells[0]
    assert "parameters" in first.metadata.get("tags", []), "first code cell must be tagged 'parameters'"
    assert "DATA_DIR" in first.source

    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), "outputs must come from one clean top-to-bottom run"

    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for heading in ("## Overview", "## Prerequisites", "## Summary", "## Exercises", "## What's next"):
        assert heading in markdown, heading

    for cell in code_cells:
        for output in cell.outputs:
            assert output.get("name") != "stderr", f"stderr output in: {cell.source[:60]}"
            assert output.output_type != "error"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not UNSTABLE_OUTPUT.search(text), f"unstable output (address, path or clock): {text[:80]}"
            glued = output.get("data", {}).get("application/papermill.record/text/plain", "")
            assert not glued.startswith("np."), f"glued a numpy scalar, which prose cannot format: {glued}"
            if "image/png" in output.get("data", {}):
                figure = cell.metadata.get("mystnb", {})
                assert figure.get("image", {}).get("alt"), "figure without alt text"
                assert figure.get("figure", {}).get("caption"), "figure without caption"


def test_business_case_uses_the_saas_notebooks_npv():
    """The option value in the business case is the SaaS P&L's base-case NPV, to the nearest thousand."""
    part4 = ROOT / "book" / "part4"
    saas_npv = float(glued_value(part4 / "saas-pnl.ipynb", "npv"))
    parameters = nbformat.read(part4 / "business-case.ipynb", as_version=4).cells
    source = next(cell.source for cell in parameters if "parameters" in cell.metadata.get("tags", []))
    option = float(re.search(r"SAAS_OPTION_NPV_CNY = ([\d_]+)", source).group(1).replace("_", ""))
    assert option == pytest.approx(saas_npv, abs=1_000)


def test_own_data_page_lists_what_each_notebook_loads():
    """The data-contract page's table matches the tables each notebook actually loads."""
    from valuekit.loader import _dependencies
    from valuekit.schema import TABLES

    page = (ROOT / "book" / "part5" / "own-data.md").read_text()
    rows = dict(re.findall(r"^\| \{doc\}`([^`]+)` \| (.+) \|$", page, flags=re.M))
    for path in NOTEBOOKS:
        source = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
        calls = re.findall(r"load_tables\(DATA_DIR(?:, \[([^\]]*)\])?\)", source)
        assert calls, path.name
        names = list(TABLES) if "" in calls else [name for call in calls for name in re.findall(r'"(\w+)"', call)]
        key = path.relative_to(ROOT / "book" / "part5").with_suffix("").as_posix() if "part5" in path.parts else \
            "../" + path.relative_to(ROOT / "book").with_suffix("").as_posix()
        listed = rows[key]
        expected = "all fifteen tables" if set(names) == set(TABLES) else ", ".join(f"`{n}`" for n in _dependencies(names))
        assert listed == expected, path.name
