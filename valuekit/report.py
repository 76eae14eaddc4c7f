"""Render the value report for a data folder as a standalone HTML page without code.

``python -m valuekit.report --data path/to/folder`` (or ``make report DATA=path/to/folder``) runs
book/part5/value-report.ipynb with papermill on that folder and writes, into ``reports/``, the executed
notebook and ``value-report.html``: the report's headlines, narrative and charts, without code or the
book's teaching sections (cells tagged ``book-only``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from .loader import DataError

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "part5" / "value-report.ipynb"


def render(data_dir: Path, out_dir: Path, system_name: str | None = None) -> Path:
    """Execute the report on `data_dir` and write value-report.html into `out_dir`; returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / "value-report.ipynb"
    parameters = {"DATA_DIR": str(Path(data_dir).resolve())}
    if system_name:
        parameters["SYSTEM_NAME"] = system_name
    papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters=parameters, cwd=str(NOTEBOOK.parent),
                               kernel_name="python3", progress_bar=False)
    title = f"Value report: {system_name}" if system_name else "Value report"
    html = out_dir / "value-report.html"
    html.write_text(export_html(nbformat.read(executed, as_version=4), title), encoding="utf-8")
    return html


def export_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """The standalone page of an executed report notebook: its outputs, without code or `book-only` cells."""
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"book-only"}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def one_line(error: BaseException) -> str:
    """What went wrong, as one line: the loader's own message when bad data stopped the notebook."""
    if isinstance(error, papermill.PapermillExecutionError):
        failed = f"the report notebook failed: {error.ename}: {error.evalue}"
        text = error.evalue if error.ename == "DataError" else failed
    elif isinstance(error, DataError):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> None:
    """The command line: the report's path on stdout, or one line on stderr and exit status 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding the CSV files")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="where to write the report")
    parser.add_argument("--name", help="name of the system or team, for the report's title")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        problem = "this is a file, not a folder" if args.data.exists() else "data folder not found"
        print(f"{args.data}: {problem}", file=sys.stderr)
        raise SystemExit(1)
    try:
        html = render(args.data, args.out, args.name)
    except Exception as error:  # every failure is one line, never a traceback
        print(one_line(error), file=sys.stderr)
        raise SystemExit(1) from None
    print(f"report written to {html}")


if __name__ == "__main__":
    main()
