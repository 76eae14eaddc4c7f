"""Print the book's build and test times and the gate's two targets (run with `make bench`).

Works on a temporary copy of the repository (sharing this checkout's .venv), so your tree and its build
cache are left alone. Run it on an idle machine: the targets are ratios of times measured in one run.

- floor: what a cold build cannot beat on two cores, the builds of both editions with execution off, plus
  the slowest notebook, plus half the sum of the others (each notebook of both editions timed alone, one
  after another);
- cold build: `make book` from an empty _build (every notebook executed, two at a time);
- no-change rebuild and one-notebook-changed rebuild: the cache at work;
- make test: lint, unit tests and nbval on two workers, the strict build, the browser checks.

Targets: cold build <= 1.3 x floor; make test <= 1.5 x cold build.
"""

from __future__ import annotations

import os
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
BUILD_ZH = [str(BIN / "jupyter-book"), "build", "zh", "--path-output", "_build/zh", "-n", "-W", "--keep-going"]
IGNORED = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                 "reports", "screenshots")
COLD_TARGET, TEST_TARGET = 1.3, 1.5


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    print(f"  running: {' '.join(command)}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def notebook_seconds(book: Path) -> dict[str, float]:
    """Each notebook executed alone, with the kernel settings the runner uses."""
    sys.path.insert(0, str(book))
    from valuekit.book.notebooks import KERNEL_ENV, all_notebooks, execute_notebook

    os.environ.update(KERNEL_ENV)
    seconds = {}
    for path in all_notebooks(book):
        _, seconds[path.relative_to(book).as_posix()] = execute_notebook(path)
        print(f"  {path.relative_to(book)}: {seconds[path.relative_to(book).as_posix()]:.1f} s", flush=True)
    return seconds


def edit_one_notebook(book: Path) -> str:
    path = sorted((book / "book").rglob("*.ipynb"))[0]
    notebook = nbformat.read(path, as_version=4)
    last_code = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
    last_code.source += "\n# edited by the benchmark"
    nbformat.write(notebook, path)
    return path.relative_to(book).as_posix()


def main() -> None:
    installed = ROOT / ".venv" / ".installed"
    pins = [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    if not installed.is_file() or any(p.stat().st_mtime > installed.stat().st_mtime for p in pins):
        sys.exit("the pins changed since the last install: run `make install` first")
    with tempfile.TemporaryDirectory(prefix="bov-bench-") as scratch:
        book = Path(scratch) / "book"
        shutil.copytree(ROOT, book, ignore=IGNORED)
        (book / ".venv").symlink_to(ROOT / ".venv")

        print("notebooks, each alone:")
        seconds = notebook_seconds(book)
        print("builds with execution off:")
        off = sum(timed(build, book, env={**os.environ, "BOOK_EXECUTION": "off"}) for build in (BUILD, BUILD_ZH))
        shutil.rmtree(book / "_build")
        slowest = max(seconds.values())
        floor = off + slowest + (sum(seconds.values()) - slowest) / 2

        print("cold build (make book):")
        cold = timed(["make", "book"], book)
        print("rebuilds:")
        no_change = timed(["make", "book"], book)
        edited = edit_one_notebook(book)
        one_changed = timed(["make", "book"], book)
        shutil.copy2(ROOT / edited, book / edited)
        shutil.rmtree(book / "_build")
        print("make test (empty _build):")
        make_test = timed(["make", "test"], book)

    print()
    print(f"notebooks in both editions:       {len(seconds)}")
    print(f"sum of notebook times:            {sum(seconds.values()):7.1f} s (slowest {slowest:.1f} s)")
    print(f"builds with execution off:        {off:7.1f} s")
    print(f"floor of a cold build:            {floor:7.1f} s")
    print(f"cold build (make book):           {cold:7.1f} s  ({cold / floor:.2f} x floor, target <= {COLD_TARGET})")
    print(f"no-change rebuild:                {no_change:7.1f} s")
    print(f"one notebook changed rebuild:     {one_changed:7.1f} s  ({edited})")
    print(f"make test:                        {make_test:7.1f} s  ({make_test / cold:.2f} x cold, "
          f"target <= {TEST_TARGET})")
    verdicts = [("cold build <= 1.3 x floor", cold <= COLD_TARGET * floor),
                ("make test <= 1.5 x cold build", make_test <= TEST_TARGET * cold)]
    for name, met in verdicts:
        print(f"target {name}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
