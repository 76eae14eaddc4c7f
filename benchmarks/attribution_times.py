"""Print the attribution figures of `make bench`: the attribution notebook's execution time on the sample
data, and the stacked difference-in-differences on a company ten times larger (600 reps).

Targets: the notebook executes in at most 5 s; the stacked DiD on the x10 company in at most 3 s.
The x10 company is ten seeds of the generator side by side (each seed's reps renamed), so it has ten
times the reps and leads with the same six teams and rollout dates.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

from valuekit import attribution, simulation
from valuekit import company as kestrel
from valuekit.warehouse import MetricLayer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "book" / "part3" / "attribution.ipynb"
RAMP = kestrel.CRM_RAMP_WEEKS


def notebook_seconds() -> float:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - started


def times_ten_panel():
    panels = []
    for seed in range(1, 11):
        tables = simulation.typed_tables(kestrel.generate(seed))
        prefix = f"S{seed}-"
        reps = tables["sales_reps"].assign(rep_id=prefix + tables["sales_reps"]["rep_id"])
        leads = tables["leads"].assign(rep_id=prefix + tables["leads"]["rep_id"],
                                       lead_id=prefix + tables["leads"]["lead_id"])
        layer = MetricLayer.from_frames({"leads": leads, "sales_reps": reps, "sales_teams": tables["sales_teams"]})
        panels.append(layer.rep_week_panel(kestrel.START))
    return pd.concat(panels, ignore_index=True)


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    panel = times_ten_panel()
    attribution.twfe(panel)  # import pyfixest before timing
    print(f"x10 company: {panel['rep_id'].nunique()} reps, {int(panel['leads'].sum()):,} leads, "
          f"{len(panel):,} rep-weeks")
    trimmed = timed(attribution.stacked_did, panel, RAMP, attribution.EVENT_WINDOW)
    print(f"stacked DiD, trimmed and weighted, x10 company: {trimmed:.2f} s (target 3 s)")
    print(f"stacked DiD, untrimmed, x10 company: {timed(attribution.stacked_did, panel, RAMP):.2f} s")
    print(f"randomisation inference (360 rollout orders), x10 company: "
          f"{timed(attribution.randomization_inference, panel, RAMP):.2f} s")
    print(f"attribution notebook, cells executed: {notebook_seconds():.2f} s (target 5 s)")


if __name__ == "__main__":
    main()
