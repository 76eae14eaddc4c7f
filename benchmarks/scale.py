"""Print the data-scale figures of `make bench-scale`: loading a leads table of 1 M and 10 M rows, and the
value report on a company 10 and 100 times the sample's size.

Targets (2 cores): a 10 M-row leads table validated and loaded in at most 20 s, at most 3 GB peak memory;
the value report on the x100 company in at most 60 s, its time growing at most 12-fold from x10 to x100.

The table is the sample's public output, data/leads.csv, tiled: copy k of the sample gets new lead ids and
its dates shifted by 7·k days (the weekday is kept), so every row is as valid as the sample's and the
reps (and their teams, copied from the sample folder) still resolve. It is written as CSV and as Parquet
into a scratch folder. Each load runs in a child process of its own, which times `load_tables(folder,
["leads"])` (validation of leads and of the reps and teams it refers to, and the typed frame); its peak
resident memory comes from `os.wait4`. Usage: python benchmarks/scale.py [--rows 1000000,10000000]
[--keep DIR].

The companies come from the generator's size factor (`python -m valuekit.generate --scale K`): the same six
teams with K times the reps, and K times the approvals, pushes and tickets. The report is timed as `make report`
runs it (valuekit.report.render) in a child process, kernel start and HTML included, with the peak resident
memory of that process and of the notebook's kernel. Usage for that part: --scales 10,100 (--scales "" skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TARGET_ROWS, TARGET_SECONDS, TARGET_GB = 10_000_000, 20.0, 3.0
REPORT_SCALE, REPORT_SECONDS, REPORT_GROWTH = 100, 60.0, 12.0
CHILD = """
import json, sys, time
started = time.perf_counter()
from valuekit import load_tables
imported = time.perf_counter()
leads = load_tables(sys.argv[1], ["leads"])["leads"]
done = time.perf_counter()
print(json.dumps({"rows": len(leads), "load_s": done - imported, "import_s": imported - started,
                  "dtypes": sorted({str(dtype) for dtype in leads.dtypes})}))
"""


def say(message: str) -> None:
    print(message, flush=True)


def sample_leads() -> pa.Table:
    """The sample's leads as text, exactly as the file holds them."""
    header = (DATA / "leads.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    return pa_csv.read_csv(DATA / "leads.csv", convert_options=pa_csv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False))


def tiled(sample: pa.Table, rows: int) -> pa.Table:
    """`rows` leads: the sample repeated, each copy with new ids and its dates 7·k days later."""
    copy, position = np.divmod(np.arange(rows, dtype=np.int64), sample.num_rows)
    table = sample.take(pa.array(position))
    ids = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, rows + 1)), pa.string()), width=len(str(rows)), padding="0")
    days = pc.cast(pc.cast(table["created_on"], pa.date32()), pa.int32())
    shifted = pc.cast(pc.add(days, pa.array((7 * copy).astype(np.int32))), pa.date32())
    table = table.set_column(table.schema.get_field_index("lead_id"), "lead_id",
                             pc.binary_join_element_wise("L", ids, ""))
    return table.set_column(table.schema.get_field_index("created_on"), "created_on",
                            pc.strftime(shifted, format="%Y-%m-%d"))


def write(table: pa.Table, folder: Path, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sales_reps.csv", "sales_teams.csv"):
        shutil.copy(DATA / name, folder / name)
    if kind == "csv":
        path = folder / "leads.csv"
        with path.open("wb") as handle:
            handle.write((",".join(table.column_names) + "\n").encode())
            pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    else:
        path = folder / "leads.parquet"
        pa_parquet.write_table(table, path)
    return path


REPORT_CHILD = """
import json, resource, sys
from pathlib import Path
from valuekit.report import render
render(Path(sys.argv[1]), Path(sys.argv[2]))
kernel = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the notebook's kernel, a process of its own
print(json.dumps({"kernel_gb": kernel * 1024 / 1e9}))
"""


def run_child(command: list[str], what: str) -> tuple[str, float, float]:
    """Run a child process: its stdout, wall seconds, and its peak resident GB."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{what} failed (exit {os.waitstatus_to_exitcode(status)})")
    return output, time.perf_counter() - started, usage.ru_maxrss * 1024 / 1e9  # ru_maxrss is in KiB on Linux


def measure(folder: Path) -> dict:
    """Load the folder's leads in a child process: its timings, and its peak resident memory."""
    output, wall, peak = run_child([sys.executable, "-c", CHILD, str(folder)], f"the load of {folder}")
    return {**json.loads(output), "wall_s": wall, "peak_gb": peak}


def time_reports(scales: list[int], scratch: Path) -> list[dict]:
    """Generate each scaled company, then time the value report on it."""
    results = []
    for scale in scales:
        folder = scratch / f"company-x{scale}"
        started = time.perf_counter()
        say(f"  x{scale:<4} generating the company into {folder} ...")
        run_child([sys.executable, "-m", "valuekit.generate", "--scale", str(scale), str(folder)],
                  f"generating the x{scale} company")
        rows = sum(max(sum(1 for _ in path.open("rb")) - 1, 0) for path in folder.glob("*.csv"))
        say(f"  x{scale:<4} {rows:,} rows generated in {time.perf_counter() - started:.0f} s; running the report ...")
        command = [sys.executable, "-c", REPORT_CHILD, str(folder), str(scratch / f"report-x{scale}")]
        output, wall, peak = run_child(command, f"the report on the x{scale} company")
        peak = max(peak, json.loads(output)["kernel_gb"])
        results.append({"scale": scale, "rows": rows, "report_s": wall, "peak_gb": peak})
        say(f"  x{scale:<4} report in {wall:.1f} s, peak {peak:.2f} GB")
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated table sizes")
    parser.add_argument("--scales", default="10,100", help="company sizes for the report timing (empty: skip)")
    parser.add_argument("--keep", type=Path, help="write the tables here and keep them (default: a scratch folder)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.rows.split(",")]
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="valuekit-scale-"))
    say(f"bench-scale: leads tables of {', '.join(f'{size:,}' for size in sizes)} rows in {scratch} "
        f"({os.cpu_count()} cores)")
    results, reports = [], []
    try:
        sample = sample_leads()
        for rows in sizes:
            started = time.perf_counter()
            table = tiled(sample, rows)
            for kind in ("csv", "parquet"):
                path = write(table, scratch / f"{rows}-{kind}", kind)
                megabytes = path.stat().st_size / 1e6
                say(f"  {rows:>12,} rows  {kind:<7} written: {megabytes:,.0f} MB in "
                    f"{time.perf_counter() - started:.1f} s; loading ...")
                result = measure(path.parent)
                assert result["rows"] == rows, result
                results.append({"rows": rows, "kind": kind, "mb": megabytes, **result})
                say(f"  {rows:>12,} rows  {kind:<7} validated and loaded in {result['load_s']:.1f} s, "
                    f"peak {result['peak_gb']:.2f} GB")
                started = time.perf_counter()
            del table
        reports = time_reports([int(scale) for scale in args.scales.split(",") if scale], scratch)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    say("")
    say(f"{'rows':>12}  {'format':<7}  {'file MB':>8}  {'load s':>7}  {'process s':>9}  {'peak GB':>7}  target")
    met = True
    for result in results:
        if result["rows"] == TARGET_ROWS:
            ok = result["load_s"] <= TARGET_SECONDS and result["peak_gb"] <= TARGET_GB
            met &= ok
            verdict = ("met" if ok else "MISSED") + f" (<= {TARGET_SECONDS:.0f} s, <= {TARGET_GB:.0f} GB)"
        else:
            verdict = "-"
        say(f"{result['rows']:>12,}  {result['kind']:<7}  {result['mb']:>8,.0f}  {result['load_s']:>7.1f}  "
            f"{result['wall_s']:>9.1f}  {result['peak_gb']:>7.2f}  {verdict}")
    say("")
    say("load s: load_tables(folder, ['leads']) in the child, imports excluded; process s: the whole child, "
        "interpreter and imports included; peak GB: the child's peak resident memory.")
    if any(result["rows"] == TARGET_ROWS for result in results):
        say(f"10 M-row target: {'met' if met else 'NOT met'}")
    if reports:
        say("")
        say(f"{'company':>8}  {'rows':>12}  {'report s':>8}  {'peak GB':>7}  target")
        by_scale = {result["scale"]: result for result in reports}
        for result in reports:
            verdict = "-"
            if result["scale"] == REPORT_SCALE:
                met = result["report_s"] <= REPORT_SECONDS
                verdict = ("met" if met else "MISSED") + f" (<= {REPORT_SECONDS:.0f} s)"
            say(f"{'x' + str(result['scale']):>8}  {result['rows']:>12,}  {result['report_s']:>8.1f}  "
                f"{result['peak_gb']:>7.2f}  {verdict}")
        if 10 in by_scale and REPORT_SCALE in by_scale:
            growth = by_scale[REPORT_SCALE]["report_s"] / by_scale[10]["report_s"]
            say(f"report time x10 -> x{REPORT_SCALE}: {growth:.1f}-fold, target <= {REPORT_GROWTH:.0f}: "
                f"{'met' if growth <= REPORT_GROWTH else 'MISSED'}")
        say("report s: valuekit.report.render on the folder in a child process (interpreter, kernel start and "
            "HTML included); peak GB: the larger of that process and the notebook's kernel; rows: all CSV rows.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
