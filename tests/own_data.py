"""A smaller, different company's exports, as a spreadsheet user would produce them.

Built from the generator with another seed, then cut down to three sales teams, every other approval and
every third push, moved two years later, and written the way a Chinese Excel install exports CSV: GBK,
tab-separated, dates as YYYY/MM/DD and timestamps without seconds.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from valuekit import load_tables
from valuekit.generate import write_company
from valuekit.schema import TABLES

from .conftest import DATA_DIR
from .helpers import spreadsheet_export

REPORT_TABLES = ["sales_teams", "sales_reps", "leads", "usage_events", "approvals", "approval_steps",
                 "push_campaigns", "changes", "wages", "project_costs"]
KEPT_TEAMS = ["T2", "T4", "T6"]  # two rollout cohorts and the never-treated team
SHIFT = pd.Timedelta(weeks=104)  # whole weeks keep every date on the same weekday


def write_smaller_company(folder: Path, scratch: Path) -> Path:
    write_company(scratch, seed=11)
    tables = load_tables(scratch, REPORT_TABLES)
    teams = tables["sales_teams"][tables["sales_teams"]["team_id"].isin(KEPT_TEAMS)].assign(
        team_name=lambda d: "华东" + d["team_name"], city="上海")
    reps = tables["sales_reps"][tables["sales_reps"]["team_id"].isin(KEPT_TEAMS)]
    leads = tables["leads"][tables["leads"]["rep_id"].isin(reps["rep_id"])]
    usage = tables["usage_events"][tables["usage_events"]["user_id"].isin(reps["rep_id"])]
    approvals = tables["approvals"].iloc[::2]
    steps = tables["approval_steps"][tables["approval_steps"]["request_id"].isin(approvals["request_id"])]
    pushes = tables["push_campaigns"].iloc[::3]
    smaller = {"sales_teams": teams, "sales_reps": reps, "leads": leads, "usage_events": usage,
               "approvals": approvals, "approval_steps": steps, "push_campaigns": pushes, "changes": tables["changes"],
               "wages": tables["wages"],
               "project_costs": tables["project_costs"]}
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in smaller.items():
        frame = frame.copy()
        for column in frame.select_dtypes("datetime").columns:
            # Cost months stay first days of months: two calendar years, not 104 weeks.
            frame[column] = frame[column] + (pd.DateOffset(years=2) if name == "project_costs" else SHIFT)
        if name == "approvals":  # seconds are dropped by the export format; keep the data consistent with it
            for column in ("submitted_at", "completed_at"):
                frame[column] = frame[column].dt.floor("min")
        spreadsheet_export(frame, folder / f"{name}.csv", "gbk", "\t", "%Y/%m/%d", "%Y/%m/%d %H:%M")
    return folder


def write_sample_subset(folder: Path, names: list[str], until: pd.Timestamp | None = None,
                        no_wins: bool = False, shuffle_wins_seed: int | None = None) -> Path:
    """Some of the sample company's tables: only rows dated before `until`, with no lead ever won, or with the
    leads' outcomes (won, deal value) shuffled across all leads by `shuffle_wins_seed`, which removes any lift."""
    folder.mkdir(parents=True)
    for name, frame in load_tables(DATA_DIR, names).items():
        if until is not None:
            dates = [field["name"] for field in TABLES[name]["fields"] if field["type"] in ("date", "datetime")]
            if dates and name not in ("sales_teams", "sales_reps", "changes"):
                frame = frame[frame[dates[0]] < until]
        if no_wins and name == "leads":
            frame = frame.assign(converted=False, deal_value_cny=float("nan"))
        if shuffle_wins_seed is not None and name == "leads":
            order = np.random.default_rng(shuffle_wins_seed).permutation(len(frame))
            outcomes = frame[["converted", "deal_value_cny"]].iloc[order].to_numpy()
            frame = frame.assign(converted=outcomes[:, 0].astype(bool), deal_value_cny=outcomes[:, 1].astype(float))
        if name == "approval_steps" and "approvals" in names:
            kept = load_tables(folder, ["approvals"])["approvals"]["request_id"]
            frame = frame[frame["request_id"].isin(kept)]
        spreadsheet_export(frame, folder / f"{name}.csv", "utf-8", ",", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
    return folder
