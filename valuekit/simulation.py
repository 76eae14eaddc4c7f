"""Simulation study of the attribution estimators: many seeds of the sample company, easy and hard mode.

For each seed the generator writes a fresh company (``company.generate(seed, hard)``), every estimator of
Part III runs on it, and each result is stored beside the truth *that estimator targets*: the planted
lift averaged over the treated cells it uses (in hard mode the lift differs by cohort and keeps growing,
so the estimators' targets differ), or the planted -3 hours for the agent console.

``python -m valuekit.simulation`` (``make simulate``) writes ``book/part3/simulation-results.csv``, one row
per seed, mode and estimator; the attribution notebook only reads and summarises it. The build never runs
the simulation; ``tests/test_simulation.py`` re-runs a few seeds and checks that their rows reproduce.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import attribution
from . import company as kestrel
from .warehouse import MetricLayer

RESULTS = Path(__file__).resolve().parents[1] / "book" / "part3" / "simulation-results.csv"
SEEDS = range(1, 201)
MODES = ("easy", "hard")
RAMP_WEEKS = kestrel.CRM_RAMP_WEEKS
MATURITY_DAYS = 42  # leads younger than this at the export are dropped (their wins may not be in yet)
NAIVE_WINDOW_WEEKS = 12
COLUMNS = ["mode", "seed", "change", "estimator", "estimate", "ci_low", "ci_high", "truth"]
DIGITS = 6  # significant digits stored, so the file is the same on every CPU


def typed_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The generator's CSV-ready tables with the types the loader would give them (without validation)."""
    leads = tables["leads"].assign(created_on=lambda d: pd.to_datetime(d["created_on"]),
                                   converted=lambda d: d["converted"] == "true")
    teams = tables["sales_teams"].assign(crm_rollout_date=lambda d: pd.to_datetime(d["crm_rollout_date"]))
    tickets = tables["tickets"].assign(opened_on=lambda d: pd.to_datetime(d["opened_on"]))
    return {"leads": leads, "sales_teams": teams, "sales_reps": tables["sales_reps"], "tickets": tickets}


def _planted_panel(leads: pd.DataFrame, reps: pd.DataFrame, teams: pd.DataFrame, hard: bool) -> pd.DataFrame:
    """The rep-week panel with the planted lift (percentage points, mean over the cell's leads)."""
    rollout = leads["rep_id"].map(reps.set_index("rep_id")["team_id"]).map(
        teams.set_index("team_id")["crm_rollout_date"])
    weeks_since = ((leads["created_on"] - rollout).dt.days // 7).to_numpy(float)
    lift = kestrel.planted_lift(np.nan_to_num(weeks_since, nan=-1.0), rollout, hard) * 100
    panel = MetricLayer.from_frames({"leads": leads, "sales_reps": reps, "sales_teams": teams}).rep_week_panel(
        kestrel.START)
    planted = leads.assign(lift=lift).merge(reps[["rep_id", "team_id"]], on="rep_id")
    planted["week"] = (planted["created_on"] - kestrel.START).dt.days // 7
    return panel.merge(planted.groupby(["rep_id", "week"], as_index=False)["lift"].mean(), on=["rep_id", "week"])


def _mean_lift(panel: pd.DataFrame, rows: pd.Series) -> float:
    return float(np.average(panel.loc[rows, "lift"], weights=panel.loc[rows, "leads"]))


def lead_scoring_results(tables: dict[str, pd.DataFrame], hard: bool) -> list[tuple]:
    leads = attribution.mature_leads(tables["leads"], MATURITY_DAYS)
    panel = _planted_panel(leads, tables["sales_reps"], tables["sales_teams"], hard)
    event_time = panel["week"] - panel["rollout_week"]
    post = event_time >= 0
    ramped = event_time >= RAMP_WEEKS
    pre, post_window = attribution.EVENT_WINDOW
    trimmed = event_time.between(RAMP_WEEKS, post_window) & (panel["rollout_week"] - pre >= 0) & (
        panel["rollout_week"] + post_window <= panel["week"].max())
    all_ramped, all_post, in_window = (_mean_lift(panel, rows) for rows in (ramped, post, trimmed))

    treated = leads.merge(tables["sales_reps"], on="rep_id").merge(tables["sales_teams"], on="team_id")
    weeks_since = (treated["created_on"] - treated["crm_rollout_date"]).dt.days // 7
    naive = attribution.before_after(treated.loc[weeks_since < 0, "converted"] * 100.0,
                                     treated.loc[weeks_since >= RAMP_WEEKS, "converted"] * 100.0, "naive")
    window = attribution.EVENT_WINDOW
    estimates = [
        ("naive before/after", naive, all_ramped),
        ("TWFE, one post dummy, team clusters", attribution.twfe(panel), all_post),
        ("TWFE, ramp split, team clusters", attribution.twfe(panel, RAMP_WEEKS), all_ramped),
        ("stacked, untrimmed, rep clusters", attribution.stacked_did(panel, RAMP_WEEKS), all_ramped),
        ("stacked, trimmed, team clusters", attribution.stacked_did(panel, RAMP_WEEKS, window), in_window),
        ("stacked, trimmed, randomisation", attribution.randomization_inference(panel, RAMP_WEEKS, window).estimate,
         in_window),
        ("two-stage DiD, team clusters", attribution.did2s(panel, RAMP_WEEKS), all_ramped),
    ]
    return [("lead scoring (pp)", name, e, truth) for name, e, truth in estimates]


def agent_console_results(tickets: pd.DataFrame) -> list[tuple]:
    weekly = attribution.ticket_series(MetricLayer.from_frames({"tickets": tickets}).weekly_tickets())
    change = kestrel.SERVICE_CHANGE
    weeks = (weekly["week_start"] - change).dt.days // 7
    naive = attribution.before_after(weekly.loc[weeks.between(-NAIVE_WINDOW_WEEKS, -1), "hours"],
                                     weekly.loc[weeks.between(0, NAIVE_WINDOW_WEEKS - 1), "hours"])
    its = attribution.interrupted_time_series
    estimates = [
        ("naive before/after", naive),
        ("ITS, one harmonic, billing share", its(weekly, change, ("billing_share",))[0]),
        ("ITS, two harmonics, slope, volume, weighted",
         its(weekly, change, ("billing_share", "log_tickets"), harmonics=2, slope=True, weighted=True)[0]),
        ("year over year by category", attribution.year_over_year(tickets, change)[0]),
    ]
    truth = kestrel.PLANTED_TRUTHS["service_effect_hours"]
    return [("agent console (hours)", name, e, truth) for name, e in estimates]


def _significant(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, DIGITS - 1 - math.floor(math.log10(abs(value))))


def run_seed(seed: int, mode: str) -> pd.DataFrame:
    """Every estimator on one simulated company; one row each."""
    hard = mode == "hard"
    tables = typed_tables(kestrel.generate(seed, hard))
    rows = lead_scoring_results(tables, hard) + agent_console_results(tables["tickets"])
    frame = pd.DataFrame(
        [(mode, seed, change, name, e.estimate, e.ci_low, e.ci_high, truth) for change, name, e, truth in rows],
        columns=COLUMNS)
    for column in ("estimate", "ci_low", "ci_high", "truth"):
        frame[column] = frame[column].map(_significant)
    return frame


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Bias, RMSE, 95% coverage and mean interval width per change, estimator and mode."""
    error = results["estimate"] - results["truth"]
    covered = (results["ci_low"] <= results["truth"]) & (results["truth"] <= results["ci_high"])
    frame = results.assign(error=error, squared=error ** 2, covered=covered.astype(float),
                           width=results["ci_high"] - results["ci_low"])
    summary = frame.groupby(["change", "estimator", "mode"], sort=False).agg(
        bias=("error", "mean"), rmse=("squared", "mean"), coverage=("covered", "mean"), width=("width", "median"),
        runs=("seed", "size"))
    summary["rmse"] = np.sqrt(summary["rmse"])
    return summary.reset_index()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="how many seeds (from 1)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    frames, started = [], time.perf_counter()
    for mode in MODES:
        for seed in range(1, args.seeds + 1):
            frames.append(run_seed(seed, mode))
            if seed % 20 == 0:
                print(f"{mode}: {seed} seeds, {time.perf_counter() - started:.0f} s", flush=True)
    results = pd.concat(frames, ignore_index=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(results)} rows)")
    print(summarise(results).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
