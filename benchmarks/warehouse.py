"""Benchmark the metric layer: usage metrics over 100 M synthetic usage events on DuckDB, and DuckDB against
the pandas path on the same 10 M events, whose answers DuckDB's must equal.

    python benchmarks/warehouse.py [--events 100000000] [--compare 10000000] [--threads 2]

The events are generated inside DuckDB (a row sequence, then Ibis expressions), never in pandas: a synthetic
company of 100,000 reps in 200 teams (180 with a staged rollout, 20 never) over 522 workdays, one row per
rep, workday and module used, unique as the contract's primary key requires. Each case runs in its own
process, so its peak memory (resident set) is its own. The usage metrics are the layer's DAU/WAU/stickiness
(all modules and lead scoring), MAU, adoption by rollout cohort and module use; generating the events is
timed apart.

The pandas path is the notebooks' pandas before they took these aggregates from the layer, kept here as the
baseline: on the comparison's events, each of DuckDB's answers must equal pandas' (counts exactly, shares to
1e-9 relative), or the benchmark fails.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPS = 100_000
TEAMS = 200
TREATED_TEAMS = 180
WORKDAYS = 522  # 2023-01-02 .. 2024-12-31, Monday to Friday
FIRST_DAY = date(2023, 1, 2)
FIRST_ROLLOUT = date(2023, 3, 6)
MODULES = ("pipeline", "reports", "lead_scoring")
KEY_STRIDE = 7_919  # a prime that shares no factor with 3 x REPS: (row * stride) mod 3 x REPS is one-to-one


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


def generate(con, events: int):
    """Create usage_events, sales_reps and sales_teams on a DuckDB connection, inside DuckDB."""
    import ibis

    keys = len(MODULES) * REPS
    per_day = -(-events // WORKDAYS)
    if per_day > keys:
        raise SystemExit(f"at most {keys * WORKDAYS:,} events fit {REPS:,} reps and {WORKDAYS} workdays")
    # Ibis has no expression for a table of row numbers; DuckDB's range() table function gives one.
    rows = con.sql(f"SELECT range AS i FROM range({events})")
    workday = rows.i // per_day
    key = ((rows.i % per_day) * KEY_STRIDE + workday * 104_729) % keys
    day = (workday // 5) * 7 + workday % 5
    usage = rows.select(
        event_date=ibis.date(FIRST_DAY.isoformat()) + day.as_interval("D"),
        user_id=ibis.literal("R") + (key // len(MODULES)).cast("string"),
        module=ibis.cases(*((key % len(MODULES) == code, name) for code, name in enumerate(MODULES))),
        events=1 + (rows.i * 2_654_435_761) % 20,
    )
    con.create_table("usage_events", usage, overwrite=True)
    reps = con.sql(f"SELECT range AS r FROM range({REPS})")
    con.create_table("sales_reps", reps.select(
        rep_id=ibis.literal("R") + reps.r.cast("string"), team_id=ibis.literal("T") + (reps.r % TEAMS).cast("string"),
        hired_on=ibis.date("2020-01-01")), overwrite=True)
    teams = con.sql(f"SELECT range AS t FROM range({TEAMS})")
    rollout = ibis.date(FIRST_ROLLOUT.isoformat()) + ((teams.t // 20) * 28).as_interval("D")
    con.create_table("sales_teams", teams.select(
        team_id=ibis.literal("T") + teams.t.cast("string"), team_name=ibis.literal("team ") + teams.t.cast("string"),
        city=ibis.literal("Beijing"),
        crm_rollout_date=ibis.ifelse(teams.t < TREATED_TEAMS, rollout, ibis.null("date"))),
        overwrite=True)


def _timed(times: dict, name: str, run) -> object:
    start = time.perf_counter()
    result = run()
    times[name] = time.perf_counter() - start
    _log(f"{name}: {times[name]:.1f} s")
    return result


def run_duckdb(events: int, threads: int) -> tuple[dict, dict]:
    from valuekit import warehouse as wh

    # Results are ordered by the queries themselves: DuckDB need not keep the rows' insertion order.
    con = wh.connect_duckdb(threads=threads, preserve_insertion_order=False)
    setup = {}
    _timed(setup, f"generate {events:,} events in DuckDB", lambda: generate(con, events))
    layer = wh.MetricLayer(con, ["usage_events", "sales_reps", "sales_teams"])
    times, answers = {}, {}
    answers["DAU, WAU, stickiness (all modules)"] = _timed(times, "DAU, WAU, stickiness (all modules)",
                                                           lambda: layer.active_users())
    answers["DAU, WAU, stickiness (lead scoring)"] = _timed(times, "DAU, WAU, stickiness (lead scoring)",
                                                            lambda: layer.active_users("lead_scoring"))
    answers["MAU"] = _timed(times, "MAU", lambda: layer.monthly_active_users())
    answers["adoption by rollout cohort"] = _timed(times, "adoption by rollout cohort",
                                                   lambda: layer.weekly_adoption("lead_scoring"))
    answers["module use"] = _timed(times, "module use", lambda: layer.module_use())
    return {"generate": sum(setup.values()), "metrics": times}, answers


# The pandas path --------------------------------------------------------------------------------------------


def pandas_active_users(usage, module=None):
    """Per workday: DAU, trailing-7-day WAU and stickiness, from distinct user-days shifted over the week."""
    import numpy as np
    import pandas as pd

    events = usage if module is None else usage[usage["module"] == module]
    days = pd.date_range(events["event_date"].min(), events["event_date"].max(), freq="D")
    user_days = events[["event_date", "user_id"]].drop_duplicates()
    # A user active on day d counts in the trailing-7-day WAU of days d to d + 6.
    week_of = pd.concat([user_days.assign(event_date=user_days["event_date"] + pd.Timedelta(days=lag))
                         for lag in range(7)]).drop_duplicates()
    frame = pd.DataFrame({
        "dau": user_days.groupby("event_date")["user_id"].nunique().reindex(days, fill_value=0),
        "wau": week_of.groupby("event_date")["user_id"].nunique().reindex(days, fill_value=0),
    })
    frame["stickiness"] = frame["dau"] / frame["wau"].replace(0, np.nan)
    frame.index.name = "event_date"
    return frame[frame.index.day_of_week < 5]


def pandas_weekly_adoption(usage, reps, teams, module):
    """Share of each treated team's reps using `module` in each week since their team's rollout."""
    rollout = reps.merge(teams, on="team_id").set_index("rep_id")["crm_rollout_date"]
    team_size = reps.groupby("team_id")["rep_id"].nunique()
    used = usage[usage["module"] == module].assign(
        team_id=lambda d: d["user_id"].map(reps.set_index("rep_id")["team_id"]),
        week=lambda d: (d["event_date"] - d["user_id"].map(rollout)).dt.days // 7,
    )
    used = used[used["week"] >= 0]
    active = used.groupby(["team_id", "week"])["user_id"].nunique().rename("active_reps").reset_index()
    active["share"] = active["active_reps"] / active["team_id"].map(team_size).astype("float64")
    return active


def pandas_monthly_active_users(usage):
    month = usage["event_date"].dt.to_period("M").dt.to_timestamp().rename("month")
    return usage.groupby(month)["user_id"].nunique().rename("mau").to_frame()


def pandas_module_use(usage):
    by_module = usage.groupby("module").agg(
        active_user_days=("user_id", "size"), users=("user_id", "nunique"), events=("events", "sum"))
    by_module["events_per_active_day"] = by_module["events"] / by_module["active_user_days"]
    by_module["share_of_events"] = by_module["events"] / by_module["events"].sum()
    return by_module


def run_pandas(events: int, threads: int) -> tuple[dict, dict]:
    import pandas as pd
    import pyarrow as pa

    from valuekit import warehouse as wh

    con = wh.connect_duckdb(threads=threads)
    setup = {}
    _timed(setup, f"generate {events:,} events in DuckDB", lambda: generate(con, events))
    # Strings in pandas' Python storage, as the loader gave them before pyarrow joined the requirements (the
    # warehouse page's figures were measured so).
    strings = {pa.string(): pd.StringDtype("python"), pa.large_string(): pd.StringDtype("python")}.get

    def frames():
        out = {}
        for name in ("usage_events", "sales_reps", "sales_teams"):
            frame = con.table(name).to_pyarrow().to_pandas(types_mapper=strings, date_as_object=False)
            for column in frame.select_dtypes("datetime").columns:
                frame[column] = frame[column].astype("datetime64[us]")
            out[name] = frame
        return out

    tables = _timed(setup, "copy the tables into pandas", frames)
    usage = tables["usage_events"]
    times, answers = {}, {}
    answers["DAU, WAU, stickiness (all modules)"] = _timed(times, "DAU, WAU, stickiness (all modules)",
                                                           lambda: pandas_active_users(usage))
    answers["DAU, WAU, stickiness (lead scoring)"] = _timed(times, "DAU, WAU, stickiness (lead scoring)",
                                                            lambda: pandas_active_users(usage, "lead_scoring"))
    answers["MAU"] = _timed(times, "MAU", lambda: pandas_monthly_active_users(usage))
    answers["adoption by rollout cohort"] = _timed(times, "adoption by rollout cohort", lambda: pandas_weekly_adoption(
        usage, tables["sales_reps"], tables["sales_teams"], "lead_scoring"))
    answers["module use"] = _timed(times, "module use", lambda: pandas_module_use(usage))
    return {"generate": sum(setup.values()), "metrics": times}, answers


CASES = {"duckdb": run_duckdb, "pandas": run_pandas}


# Checking the answers ----------------------------------------------------------------------------------------


def save_answers(answers: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, frame in enumerate(answers.values()):
        frame.reset_index().to_parquet(folder / f"{number}.parquet")


def check_answers(names: list[str], duckdb_folder: Path, pandas_folder: Path) -> None:
    """Fail unless DuckDB's answers equal pandas': same rows and columns, integers and labels exactly, floats to
    1e-9 relative (the sums run in another order)."""
    import numpy as np
    import pandas as pd

    for number, name in enumerate(names):
        on_duckdb = pd.read_parquet(duckdb_folder / f"{number}.parquet")
        on_pandas = pd.read_parquet(pandas_folder / f"{number}.parquet")
        if list(on_duckdb.columns) != list(on_pandas.columns) or len(on_duckdb) != len(on_pandas):
            raise SystemExit(f"{name}: DuckDB's answer has another shape than pandas' "
                             f"({on_duckdb.shape} against {on_pandas.shape})")
        for column in on_pandas.columns:
            left, right = on_duckdb[column], on_pandas[column]
            if pd.api.types.is_float_dtype(left) or pd.api.types.is_float_dtype(right):
                same = np.allclose(left.to_numpy(float), right.to_numpy(float), rtol=1e-9, atol=0, equal_nan=True)
            else:
                same = list(left.astype(str)) == list(right.astype(str))
            if not same:
                raise SystemExit(f"{name}: DuckDB's {column!r} differs from pandas'")


def child(case: str, events: int, threads: int, answers_folder: Path | None) -> None:
    result, answers = CASES[case](events, threads)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if answers_folder is not None:
        save_answers(answers, answers_folder)
    print("RESULT " + json.dumps(result), flush=True)


def run_case(case: str, events: int, threads: int, answers_folder: Path | None = None) -> dict:
    print(f"{case} on {events:,} events ...", flush=True)
    answers = [] if answers_folder is None else ["--answers", str(answers_folder)]
    result = None
    with subprocess.Popen([sys.executable, __file__, "--case", case, "--events", str(events),
                           "--threads", str(threads), *answers], stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
            else:
                print(line, end="", flush=True)
    if process.returncode != 0 or result is None:
        raise SystemExit(f"the {case} case failed")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000_000, help="events for the DuckDB-only run")
    parser.add_argument("--compare", type=int, default=10_000_000, help="events for DuckDB against pandas")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--case", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--answers", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return child(args.case, args.events, args.threads, args.answers)
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as scratch:
        compared = {case: Path(scratch) / case for case in CASES}  # each case's answers on the same events
        results = [("duckdb", args.events, run_case("duckdb", args.events, args.threads))]
        results += [(case, args.compare, run_case(case, args.compare, args.threads, compared[case])) for case in CASES]
        names = list(results[0][2]["metrics"])
        check_answers(names, compared["duckdb"], compared["pandas"])
    print()
    header = ["events", "engine", "generate (s)", *names, "usage metrics (s)", "peak memory (MB)"]
    rows = [[f"{events:,}", case, f"{result['generate']:.1f}",
             *(f"{result['metrics'][name]:.1f}" for name in names),
             f"{sum(result['metrics'].values()):.1f}", f"{result['peak_rss_mb']:,.0f}"]
            for case, events, result in results]
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    print("  ".join(title.rjust(width) for title, width in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    duckdb_small, pandas_small = results[1][2], results[2][2]
    speedup = sum(pandas_small["metrics"].values()) / sum(duckdb_small["metrics"].values())
    print(f"\nOn {args.compare:,} events DuckDB computes the usage metrics {speedup:.0f}x faster than pandas, with "
          f"the same answers; {args.events:,} events take {sum(results[0][2]['metrics'].values()):.1f} s "
          "(target 30 s).")


if __name__ == "__main__":
    main()
