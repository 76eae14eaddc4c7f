"""A second company for rerunning every notebook: other dates, other teams, another size, no planted truths.

Generated with another seed, then cut to three sales teams (two rollout cohorts and the never-treated team),
every other approval and every third push and ticket, and moved three years later (157 weeks, so weekdays
stay weekdays; monthly tables by three calendar years). Every table of the contract is written, in the plain
CSV the contract describes; the folder has no planted-truths file, as a reader's own folder has none.
"""

from pathlib import Path

import pandas as pd

from valuekit import load_tables
from valuekit.generate import write_company
from valuekit.schema import TABLES

from .helpers import spreadsheet_export

KEPT_TEAMS = ["T2", "T4", "T6"]
SHIFT = pd.Timedelta(weeks=157)  # whole weeks, so weekdays stay weekdays; the data then starts in 2026
THINNED = {"approvals": 2, "push_campaigns": 3, "tickets": 3}  # keep every n-th row


def _monthly(frame: pd.DataFrame, column: str) -> bool:
    """A column of first days of months, which must stay first days when moved."""
    return bool(frame[column].dropna().dt.is_month_start.all())


def write_second_company(folder: Path, scratch: Path) -> Path:
    write_company(scratch, seed=11)
    tables = load_tables(scratch)
    tables["sales_teams"] = tables["sales_teams"][tables["sales_teams"]["team_id"].isin(KEPT_TEAMS)]
    for name, step in THINNED.items():
        tables[name] = tables[name].iloc[::step]
    for name, spec in TABLES.items():  # contract order: a referenced table is cut before the tables citing it
        for key in spec.get("foreignKeys", []):
            target = tables[key["reference"]["resource"]][key["reference"]["fields"][0]]
            column = tables[name][key["fields"][0]]
            tables[name] = tables[name][column.isna() | column.isin(target)]  # an empty key refers to nothing
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.select_dtypes("datetime").columns:
            frame[column] = frame[column] + (pd.DateOffset(years=3) if _monthly(frame, column) else SHIFT)
        spreadsheet_export(frame, folder / f"{name}.csv", "utf-8", ",", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
    return folder
