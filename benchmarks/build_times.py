"""Print the book's build and test times (run with `make bench`).

Works on a temporary copy of the repository (sharing this checkout's .venv), so
your tree and its build cache are left alone. Prints, in seconds:

- cold build: empty _build, every notebook executed;
- no-change rebuild: nothing edited, nothing should execute;
- one-notebook-changed rebuild: one code cell edited, that notebook re-executes;
- make test: unit tests, strict nbval, strict build.

Target: the no-change rebuild takes under a fifth of the cold build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD = [str(BIN / "jupyter-book"), "build", ".", "-n", "-W", "--keep-going"]
IGNORED = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info", ".pytest_cache")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def edit_one_notebook(book: Path) -> str:
    path = sorted((book / "book").rglob("*.ipynb"))[0]
    notebook = nbformat.read(path, as_version=4)
    last_code = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
    last_code.source += "\n# edited by the benchmark"
    nbformat.write(notebook, path)
    return path.relative_to(book).as_posix()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bov-bench-") as scratch:
        book = Path(scratch) / "book"
        shutil.copytree(ROOT, book, ignore=IGNORED)
        (book / ".venv").symlink_to(ROOT / ".venv")

        cold = timed(BUILD, book)
        no_change = timed(BUILD, book)
        edited = edit_one_notebook(book)
        one_changed = timed(BUILD, book)
        make_test = timed(["make", "test"], book)

    notebooks = len(list((ROOT / "book").rglob("*.ipynb")))
    print(f"notebooks in the book:          {notebooks}")
    print(f"cold build (empty cache):       {cold:7.1f} s")
    print(f"no-change rebuild:              {no_change:7.1f} s  ({no_change / cold:.0%} of cold)")
    print(f"one notebook changed rebuild:   {one_changed:7.1f} s  ({edited})")
    print(f"make test:                      {make_test:7.1f} s")
    verdict = "met" if no_change < cold / 5 else "MISSED"
    print(f"target no-change < cold / 5:    {verdict}")


if __name__ == "__main__":
    main()
