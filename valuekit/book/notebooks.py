"""Execute the book's notebooks, each once, two at a time: in place (for nbval) or into the build's cache.

``python -m valuekit.book.notebooks [NOTEBOOK...]`` (``make notebooks``) re-executes notebooks in place (all of
both editions' by default: ``book/`` and the Chinese ``zh/``), so their stored outputs match a clean
top-to-bottom run; timing metadata is not recorded, so reruns leave the files unchanged. An English
notebook's MyST Markdown twin (``x.myst.md``, see ``jupytext.toml``) is rewritten with it.
``python -m valuekit.book.notebooks --fill-cache`` (run by ``make book``) executes every notebook that its
edition's jupyter-cache does not hold yet, so the Sphinx builds that follow find them all cached instead of
executing them one after another.

Parallel workers each get one BLAS thread: two kernels spinning two BLAS threads each on two cores
slow a regression tenfold. Kernels get ``PYTHONWARNINGS=default``, as under nbval, so a deprecation in
notebook code shows on stderr wherever the notebook runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
# Each edition: the folder of its _config.yml, its notebooks' folder, and the jupyter-cache its build reads
# (jupyter-book build zh --path-output _build/zh keeps the Chinese one under _build/zh/_build/).
EDITIONS = ((ROOT, ROOT / "book", CACHE), (ROOT / "zh", ROOT / "zh", BUILD / "zh" / "_build" / ".jupyter_cache"))
TIMES = BUILD / ".notebook-seconds.json"  # last run time of each notebook: slowest first next time
TIMEOUT_SECONDS = 600
TWIN_SUFFIX, TWIN_FORMAT = ".myst.md", ".myst.md:myst"  # as in jupytext.toml
KERNEL_ENV = {"PYTHONWARNINGS": "default"}
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def book_notebooks(root: Path = ROOT, folder: str = "book") -> list[Path]:
    """Every notebook under `folder` (the English edition's book/ by default), skipping checkpoints."""
    return sorted(p for p in (root / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def all_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of both editions."""
    return book_notebooks(root, "book") + book_notebooks(root, "zh")


def execute_notebook(path: Path) -> tuple[nbformat.NotebookNode, float]:
    """Run `path` top to bottom in its own folder; returns the executed notebook and seconds taken."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=TIMEOUT_SECONDS, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook, time.perf_counter() - start


def _execute_in_place(path: Path) -> float:
    notebook, seconds = execute_notebook(path)
    nbformat.write(notebook, path)
    if path.is_relative_to(ROOT / "book"):
        write_twin(path)
    return seconds


def twin_path(notebook: Path) -> Path:
    """The MyST Markdown twin of an English notebook (jupytext.toml pairs them)."""
    return notebook.with_name(notebook.stem + TWIN_SUFFIX)


def twin_text(notebook: Path) -> str:
    """What the twin of `notebook` should hold: its cells as MyST Markdown, without outputs."""
    import jupytext

    return jupytext.writes(nbformat.read(notebook, as_version=4), fmt=TWIN_FORMAT)


def write_twin(notebook: Path) -> None:
    twin = twin_path(notebook)
    text = twin_text(notebook)
    if not twin.is_file() or twin.read_text(encoding="utf-8") != text:
        twin.write_text(text, encoding="utf-8")


def _guarded(task, path: Path):
    """`task(path)`, with any error turned into a RuntimeError that survives the trip between processes."""
    try:
        return task(path)
    except Exception as error:
        raise RuntimeError(f"{type(error).__name__}: {str(error).strip()[-2000:]}") from None


def _slowest_first(paths: list[Path]) -> list[Path]:
    seconds = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    return sorted(paths, key=lambda p: -seconds.get(p.relative_to(ROOT).as_posix(), float("inf")))


def _record_times(times: dict[Path, float]) -> None:
    known = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    known.update({p.relative_to(ROOT).as_posix(): round(s, 1) for p, s in times.items()})
    TIMES.parent.mkdir(parents=True, exist_ok=True)
    TIMES.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")


def run_parallel(task, paths: list[Path], jobs: int) -> dict[Path, object]:
    """`task(path)` for every path, `jobs` at a time, slowest first; prints each as it finishes."""
    os.environ.update(KERNEL_ENV)
    if jobs > 1:
        os.environ.update(ONE_BLAS_THREAD)
    results, failures = {}, []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_guarded, task, path): path for path in _slowest_first(paths)}
        for done, future in enumerate(as_completed(futures), start=1):
            path = futures[future]
            try:
                results[path] = future.result()
            except RuntimeError as error:  # a cell error: report it and go on with the others
                failures.append(f"{path.relative_to(ROOT)}: {error}")
                print(f"[{done}/{len(paths)}] FAILED {path.relative_to(ROOT)}", flush=True)
                continue
            print(f"[{done}/{len(paths)}] {path.relative_to(ROOT)}", flush=True)
    if failures:
        sys.exit("\n\n".join(failures))
    return results


def run_in_place(paths: list[Path], jobs: int) -> None:
    _record_times(run_parallel(_execute_in_place, paths, jobs))


def fill_cache(jobs: int) -> None:
    """Execute into each edition's jupyter-cache every notebook it does not hold for the current inputs."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from .sphinx_inputs import reset_cache_if_inputs_changed, watched_patterns

    missing = {}
    for config_folder, notebooks_folder, cache_path in EDITIONS:
        reset_cache_if_inputs_changed(config_folder, cache_path, watched_patterns(config_folder))
        cache = get_cache(str(cache_path))
        for path in book_notebooks(notebooks_folder, "."):
            try:
                cache.match_cache_notebook(nbformat.read(path, as_version=4))
            except KeyError:
                missing[path] = cache
    if not missing:
        print("every notebook is cached: nothing to execute")
        return
    print(f"executing {len(missing)} notebook(s), {jobs} at a time")
    executed = run_parallel(execute_notebook, list(missing), jobs)
    for path, (notebook, seconds) in executed.items():
        record = missing[path].add_nb_to_project(str(path))
        missing[path].cache_notebook_bundle(CacheBundleIn(notebook, record.uri, data={"execution_seconds": seconds}),
                                            check_validity=False, overwrite=True)
    _record_times({path: seconds for path, (_, seconds) in executed.items()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks at a time")
    parser.add_argument("--fill-cache", action="store_true",
                        help="execute the uncached notebooks into the build's jupyter-cache instead")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to re-execute in place (default: all)")
    args = parser.parse_args(argv)
    if args.fill_cache:
        fill_cache(args.jobs)
    else:
        run_in_place([p.resolve() for p in args.notebooks] or all_notebooks(), args.jobs)


if __name__ == "__main__":
    main()
