"""Re-execute notebooks in place so their stored outputs match a clean top-to-bottom run.

``python -m valuekit.notebooks book/part1/company-tour.ipynb`` (or ``make notebooks``
for all of them). Timing metadata is not recorded, so reruns leave the files unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute_in_place(path: Path, timeout: int = 600) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> None:
    for name in argv if argv is not None else sys.argv[1:]:
        print(f"executing {name}")
        execute_in_place(Path(name))


if __name__ == "__main__":
    main()
