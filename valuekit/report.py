"""Render the value report for a data folder as a standalone HTML page without code.

``python -m valuekit.report --data path/to/folder`` (or ``make report DATA=path/to/folder``) runs
book/part5/value-report.ipynb with papermill on that folder and writes, into ``reports/``, the executed
notebook and ``value-report.html``: the report's headlines, narrative and charts, without code or the
book's teaching sections (cells tagged ``book-only``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

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
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"book-only"}, enabled=True), enabled=True)
    title = f"Value report: {system_name}" if system_name else "Value report"
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4), resources={"metadata": {"name": title}})
    html = out_dir / "value-report.html"
    html.write_text(body, encoding="utf-8")
    return html


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding the CSV files")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="where to write the report")
    parser.add_argument("--name", help="name of the system or team, for the report's title")
    args = parser.parse_args(argv)
    print(f"report written to {render(args.data, args.out, args.name)}")


if __name__ == "__main__":
    main()
