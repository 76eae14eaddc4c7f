"""Attribution estimators for Part III.

Lead scoring (a staged rollout to six sales teams):

- :func:`before_after`, the naive comparison, on lead-level outcomes;
- :func:`twfe`, the two-way fixed-effects regression, with the same ramp split as the stacked design;
- :func:`stacked_did`, a stacked difference-in-differences with clean controls; with ``window`` the
  stacks are trimmed to a common event window and weighted as in Wing, Freedman & Hollingsworth (2024);
- :func:`event_study`, week by week on the same trimmed stacks, against week -1;
- :func:`did2s`, Gardner's two-stage estimator (pyfixest), robust to staggered, heterogeneous effects;
- :func:`randomization_inference`, inference where treatment is assigned: every reassignment of the
  observed rollout dates to the teams, a p-value for "no effect", a 95% interval by test inversion,
  and a joint pre-trend test on the event study.

Regressions run on pyfixest, with fixed effects absorbed. Treatment is assigned to teams, so intervals are
clustered by team by default; with six teams they are too narrow (the simulation study shows by how
much), and the randomisation interval is the one the book recommends.

The staged-rollout estimators run on any staggered-adoption panel: keyword arguments name its columns
(``outcome``, ``unit``, ``time``, ``start``, an optional ``weight``, ``subunit`` for rows within a unit,
``cluster``; :class:`PanelColumns` says what each holds), and windows, ramps and event-study bins count the
panel's own periods (weeks, months or years). The defaults are the sample company's rep-week panel. Each
estimator's docstring states its estimand: which average of which effects it reports.

The agent console (one change for the whole desk): :func:`interrupted_time_series` with level and slope,
several harmonics, volume weights and Newey-West errors, and :func:`year_over_year`, a comparison series
made of the same weeks a year earlier, by ticket category.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from .glue import round_decimals
from .vocabulary import CLEARLY_POSITIVELY_RELATED, DIRECTLY_CAUSED, UNCLEAR

CONFIDENCE = 0.95
ITS_HAC_LAGS = 4  # weeks of autocorrelation allowed for in the time-series standard errors
EVENT_WINDOW = (18, 25)  # weeks before and after rollout kept in each trimmed stack
EVENT_BIN_WEEKS = 2  # the event study's periods: two-week bins, so 9 before rollout; weeks -2 and -1 are the reference


@dataclass(frozen=True)
class Estimate:
    method: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float = float("nan")
    inference: str = ""

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high


def _pyfixest():
    import pyfixest

    return pyfixest


class _quiet_pyfixest(warnings.catch_warnings):
    """pyfixest 0.60 calls pandas with ``inplace=``, which pandas 3.1 deprecates (a Pandas4Warning on every
    fit). The calls are inside pyfixest and harmless; only those warnings, from pyfixest, are silenced."""

    def __enter__(self):
        super().__enter__()
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning, module=r"pyfixest\.")
        return self


def _feols(formula: str, data: pd.DataFrame, weights: str | None, cluster: str):
    with _quiet_pyfixest():
        return _pyfixest().feols(formula, data=data, weights=weights, vcov={"CRV1": cluster})


def _from_fit(method: str, fit, term: str, cluster: str) -> Estimate:
    tidy = fit.tidy(alpha=1 - CONFIDENCE).loc[term]
    low, high = tidy.filter(like="%").to_numpy(float)
    return Estimate(method, float(tidy["Estimate"]), float(low), float(high), float(tidy["Pr(>|t|)"]),
                    f"clustered by {cluster.removesuffix('_id')} (CR1, t with G-1 df)")


def before_after(before: pd.Series, after: pd.Series, method: str = "before/after") -> Estimate:
    """Difference of means, after minus before, with a Welch confidence interval.

    Estimand: the change in the mean outcome between the two periods, all of it, the effect of the change and
    whatever else moved at the same time; an effect only when nothing else did.
    """
    if len(before) < 2 or len(after) < 2:
        raise ValueError("before/after needs at least two observations on each side")
    compare = CompareMeans(DescrStatsW(np.asarray(after, float)), DescrStatsW(np.asarray(before, float)))
    low, high = compare.tconfint_diff(alpha=1 - CONFIDENCE, usevar="unequal")
    return Estimate(method, float(np.mean(after) - np.mean(before)), float(low), float(high))


# --- Lead scoring: the rep-week panel --------------------------------------------------------------------

def mature_leads(leads: pd.DataFrame, window_days: int, export_date: pd.Timestamp | None = None) -> pd.DataFrame:
    """Leads at least `window_days` old on the export date (by default the newest lead's day).

    A lead created the week before the export has had no time to convert yet: counting it as lost
    biases conversion down at the end of the data. With a won date, count "won within N days"; the
    sample export records only whether a lead was won by the export, so younger leads are dropped.
    """
    export_date = leads["created_on"].max() if export_date is None else export_date
    return leads[leads["created_on"] <= export_date - pd.Timedelta(days=window_days)]


def leads_with_teams(leads: pd.DataFrame, reps: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """The sales join: each lead with its rep's columns and the rep's team's, rollout date included."""
    return leads.merge(reps, on="rep_id").merge(teams, on="team_id")


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)


@dataclass(frozen=True)
class PanelColumns:
    """Which of a panel's columns the staggered-adoption estimators read. The defaults are the sample company's
    rep-week panel; another panel names its own (a state-year panel: ``unit="state", time="year"``).

    `time` and `start` count periods in the panel's own unit (weeks, months, years), so windows and ramps are
    in that unit too; `start` is the period the unit was first treated, NaN for a unit never treated (not 0,
    as some packages code it: a start of 0 is a unit treated since period 0).
    `weight` weights each row (None: every row alike). `subunit` is a second level of rows within a unit (reps
    within a team), None when each row is a unit's period.
    """

    outcome: str = "rate"
    unit: str = "team_id"
    time: str = "week"
    start: str = "rollout_week"
    weight: str | None = "leads"
    subunit: str | None = "rep_id"

    @property
    def periods(self) -> str:
        """The time unit's name in the plural, for labels: "weeks" for the column ``week``."""
        return f"{self.time}s"

    def checked(self, panel: pd.DataFrame, cluster: str | None = None) -> PanelColumns:
        """These columns, after a one-line ValueError if `panel` lacks one or its periods are not numbers."""
        named = {"outcome": self.outcome, "unit": self.unit, "time": self.time, "start": self.start,
                 "weight": self.weight, "subunit": self.subunit, "cluster": cluster}
        for role, column in named.items():
            if column is not None and column not in panel.columns:
                raise ValueError(f"the panel has no column {column!r} (the {role}); name its own with {role}=...")
        for role in ("time", "start"):
            if not pd.api.types.is_numeric_dtype(panel[named[role]]):
                raise ValueError(f"the {role} column {named[role]!r} must number the periods (a year, or weeks or "
                                 "months counted from a start), not hold dates or text")
        return self


def _ramp_terms(ramp_weeks: int) -> list[str]:
    """The treatment terms: periods 0 to `ramp_weeks` - 1 since the start ("ramping"), then "ramped"."""
    if ramp_weeks < 0:
        raise ValueError("ramp_weeks counts periods after the start, so it cannot be negative")
    return ["ramping", "ramped"] if ramp_weeks > 0 else ["ramped"]


def _treatment_terms(frame: pd.DataFrame, ramp_weeks: int, columns: PanelColumns) -> pd.DataFrame:
    event_time = frame[columns.time] - frame[columns.start]
    treated = event_time.notna()
    return frame.assign(
        ramping=(treated & event_time.between(0, ramp_weeks - 1)).astype(float),
        ramped=(treated & (event_time >= ramp_weeks)).astype(float),
    )


def twfe(panel: pd.DataFrame, ramp_weeks: int | None = None, cluster: str | None = None, *, outcome: str = "rate",
         unit: str = "team_id", time: str = "week", start: str = "rollout_week",
         weight: str | None = "leads") -> Estimate:
    """The two-way fixed-effects regression: `outcome` on treatment, unit and period effects, weighted by
    `weight`, clustered by `cluster` (by default the unit).

    With `ramp_weeks` (periods), treatment is split as in the stacked design (ramping periods, then ramped) and
    the ramped coefficient is returned; without it, one post-start dummy (the textbook version).

    Estimand: a weighted average of the unit-period effects of the treated rows, with weights the regression
    chooses (Goodman-Bacon 2021; de Chaisemartin & D'Haultfoeuille 2020). When adoption is staggered and
    effects differ or grow, already-treated units serve as controls, some weights are small or negative, and
    the coefficient is no average treatment effect on the treated; it is one when effects are the same
    everywhere, or all units start together.
    """
    columns = PanelColumns(outcome, unit, time, start, weight, None).checked(panel, cluster)
    cluster = unit if cluster is None else cluster
    if ramp_weeks is None:
        data = panel.assign(post=(panel[time] >= panel[start]).astype(float))
        fit = _feols(f"{outcome} ~ post | {unit} + {time}", data, weight, cluster)
        return _from_fit("two-way fixed effects (single post dummy)", fit, "post", cluster)
    data = _treatment_terms(panel, ramp_weeks, columns)
    fit = _feols(f"{outcome} ~ {' + '.join(_ramp_terms(ramp_weeks))} | {unit} + {time}", data, weight, cluster)
    return _from_fit(f"two-way fixed effects ({columns.periods} {ramp_weeks}+)", fit, "ramped", cluster)


def stack_clean_controls(panel: pd.DataFrame, window: tuple[int, int] | None = None, *,
                         columns: PanelColumns = PanelColumns()) -> pd.DataFrame:
    """One stack per treatment cohort: the cohort, plus units not yet (or never) treated at the time.

    Already-treated units never serve as controls, which is what biases the two-way regression when
    rollouts are staggered and effects grow over time.

    Without `window` every stack keeps every period, and a control leaves a stack once it is treated.
    With ``window=(pre, post)`` (periods) the stacks are trimmed (Cengiz et al. 2019; Wing et al. 2024): periods
    `pre` before to `post` after the cohort's start, cohorts whose window does not fit the data are
    dropped, controls must stay untreated to the window's end, and a column ``weight`` holds the row weight
    times the corrective weight that gives each stack's controls the share its treated units have (units
    counted at the `subunit` level when there is one). The panel's columns are named by `columns`.
    """
    time, start = columns.time, columns.start
    cohorts = (sorted(panel[start].dropna().unique()) if window is None
               else _fitting_cohorts(panel, window, columns))
    if not cohorts:
        raise ValueError(f"no unit has a treatment start ({start}), so there is nothing to stack" if window is None
                         else _no_fitting_cohort(window, columns))
    stacks = []
    for cohort in cohorts:
        if window is None:
            treated = panel[panel[start] == cohort].assign(treated=1.0)
            untreated_then = panel[start].isna() | (panel[time] < panel[start])
            controls = panel[(panel[start] != cohort) & untreated_then].assign(treated=0.0)
        else:
            pre, post = window
            in_window = panel[time].between(cohort - pre, cohort + post)
            treated = panel[in_window & (panel[start] == cohort)].assign(treated=1.0)
            controls = panel[in_window & _clean_controls(panel, cohort + post, columns)].assign(treated=0.0)
        stack = pd.concat([treated, controls], ignore_index=True)
        stacks.append(stack.assign(stack=int(cohort), event_time=stack[time] - cohort))
    stacked = pd.concat(stacks, ignore_index=True)
    if window is not None:
        row_weight = 1.0 if columns.weight is None else stacked[columns.weight]
        stacked["weight"] = row_weight * _stack_weights(stacked, columns.subunit or columns.unit)
    return stacked


def _clean_controls(panel: pd.DataFrame, until_week: float, columns: PanelColumns) -> pd.Series:
    """Rows of units still untreated at period `until_week` (or never treated)."""
    return panel[columns.start].isna() | (panel[columns.start] > until_week)


def _fitting_cohorts(panel: pd.DataFrame, window: tuple[int, int],
                     columns: PanelColumns = PanelColumns()) -> list[float]:
    """Treatment cohorts whose trimmed window lies inside the data and that have a clean control in it."""
    pre, post = window
    time = panel[columns.time]
    fitting = []
    for cohort in sorted(panel[columns.start].dropna().unique()):
        if cohort - pre < time.min() or cohort + post > time.max():
            continue
        in_window = time.between(cohort - pre, cohort + post)
        if (in_window & _clean_controls(panel, cohort + post, columns)).any():
            fitting.append(cohort)
    return fitting


def _no_fitting_cohort(window: tuple[int, int], columns: PanelColumns) -> str:
    pre, post = window
    return (f"no treatment cohort has {pre} {columns.periods} of data before its start and {post} after it while "
            f"another unit is still untreated to compare with: pass a shorter window=(pre, post), in {columns.periods}")


def history_problem(panel: pd.DataFrame, window: tuple[int, int] = EVENT_WINDOW) -> str | None:
    """Why the trimmed staged-rollout estimators cannot run on `panel`, in one sentence; None if they can."""
    if panel.empty:
        return "no leads old enough to have converted"
    if panel["won"].sum() == 0:
        return "no lead converted, so there is no conversion rate to compare"
    if panel["rollout_week"].isna().all():
        return "no team has a rollout date (sales_teams.crm_rollout_date), so nothing was rolled out to compare"
    if not _fitting_cohorts(panel, window):
        pre, post = window
        return (f"too little history: no team has {pre} weeks of leads before its rollout and {post} after it "
                "while another team is still without the feature to compare with")
    return None


def _stack_weights(stacked: pd.DataFrame, counted: str) -> np.ndarray:
    """Wing et al.'s corrective weights: treated 1; controls (treated share of stack) / (control share), with
    the units counted as distinct values of the column `counted`."""
    units = stacked.groupby(["stack", "treated"])[counted].nunique().unstack(fill_value=0)
    treated_share = units[1.0] / units[1.0].sum()
    control_share = units[0.0] / units[0.0].sum()
    control_weight = (treated_share / control_share).reindex(stacked["stack"]).to_numpy()
    return np.where(stacked["treated"] == 1.0, 1.0, control_weight)


def stacked_did(panel: pd.DataFrame, ramp_weeks: int, window: tuple[int, int] | None = None,
                cluster: str | None = None, *, outcome: str = "rate", unit: str = "team_id", time: str = "week",
                start: str = "rollout_week", weight: str | None = "leads", subunit: str | None = "rep_id") -> Estimate:
    """Effect once ramped up (event time >= `ramp_weeks` periods), from the stacked regression with clean controls.

    Stack-by-unit and stack-by-period effects are absorbed. Without `window`: every period, weighted by
    `weight`, clustered by `subunit` (the book's first version, kept for the pages that quote it; by the unit
    when there is no subunit). With ``window=(pre, post)``: trimmed, weighted stacks, clustered by the unit.
    A panel with one row per unit and period passes ``subunit=None``.

    Estimand: the average effect, `ramp_weeks` or more periods after the start, over the treated cohorts whose
    window fits the data, each compared only with units not yet treated. Trimmed and weighted, each cohort
    counts by its share of treated units, so it is the treated units' average effect over those periods of
    the window (an ATT for the cohorts and event times in it; Wing et al. 2024). Untrimmed, cohorts count by
    their rows and variance, an average with positive weights but not the ATT's.
    """
    columns = PanelColumns(outcome, unit, time, start, weight, subunit).checked(panel, cluster)
    stacked = stack_clean_controls(panel, window, columns=columns)
    treated = stacked["treated"] == 1.0
    stacked["ramping"] = (treated & stacked["event_time"].between(0, ramp_weeks - 1)).astype(float)
    stacked["ramped"] = (treated & (stacked["event_time"] >= ramp_weeks)).astype(float)
    if cluster is None:
        cluster = (subunit or unit) if window is None else unit
    weights = weight if window is None else "weight"
    formula = f"{outcome} ~ {' + '.join(_ramp_terms(ramp_weeks))} | stack^{unit} + stack^{time}"
    fit = _feols(formula, stacked, weights, cluster)
    label = "stacked difference-in-differences" + (" (trimmed, weighted)" if window else "")
    return _from_fit(f"{label} ({columns.periods} {ramp_weeks}+)", fit, "ramped", cluster)


def event_study(panel: pd.DataFrame, window: tuple[int, int] = EVENT_WINDOW, cluster: str | None = None, *,
                bin_periods: int = EVENT_BIN_WEEKS, outcome: str = "rate", unit: str = "team_id",
                time: str = "week", start: str = "rollout_week", weight: str | None = "leads",
                subunit: str | None = "rep_id") -> pd.DataFrame:
    """Effect per bin of `bin_periods` periods from `window[0]` periods before to `window[1]` after the start.

    The reference is the bin just before the start (periods -2 and -1 with two-period bins), shown as 0.
    Trimmed, weighted stacks as in :func:`stacked_did`, clustered by `cluster` (by default the unit); the bins
    before the start test for pre-trends. The first column, ``<time>s_since_rollout`` (``weeks_since_rollout``
    for the sample), is each bin's first period counted from the start.

    Estimand: for each bin, the treated units' average effect in those periods since their start, relative
    to the reference bin, over the cohorts whose window fits the data, each against its not-yet-treated
    controls (Wing et al.'s weights); before the start, the same differences measure pre-trends, not effects.
    """
    columns = PanelColumns(outcome, unit, time, start, weight, subunit).checked(panel, cluster)
    cluster = unit if cluster is None else cluster
    stacked = stack_clean_controls(panel, window, columns=columns)
    terms = _event_dummies(stacked, window, bin_periods)
    formula = f"{outcome} ~ " + " + ".join(terms.values()) + f" | stack^{unit} + stack^{time}"
    fit = _feols(formula, stacked, "weight", cluster)
    tidy = fit.tidy(alpha=1 - CONFIDENCE)
    rows = [(period * bin_periods, *tidy.loc[name, ["Estimate", "Std. Error"]], *tidy.loc[name].filter(like="%"))
            for period, name in terms.items()]
    rows.append((-bin_periods, 0.0, 0.0, 0.0, 0.0))
    event = pd.DataFrame(rows, columns=[f"{columns.periods}_since_rollout", "estimate", "std_error", "ci_low",
                                        "ci_high"])
    return event.sort_values(f"{columns.periods}_since_rollout", ignore_index=True)


def event_periods(window: tuple[int, int] = EVENT_WINDOW, bin_periods: int = EVENT_BIN_WEEKS) -> list[int]:
    """The event study's bins of `bin_periods` periods (numbered from the start), without the reference -1."""
    first, last = -(-window[0] // bin_periods), window[1] // bin_periods
    return [p for p in range(-first, last + 1) if p != -1]


def _event_dummies(stacked: pd.DataFrame, window: tuple[int, int], bin_periods: int) -> dict[int, str]:
    terms = {}
    period = stacked["event_time"] // bin_periods
    for p in event_periods(window, bin_periods):
        terms[p] = f"p{p}".replace("-", "m")
        stacked[terms[p]] = ((stacked["treated"] == 1.0) & (period == p)).astype(float)
    return terms


def did2s(panel: pd.DataFrame, ramp_weeks: int, cluster: str | None = None, *, outcome: str = "rate",
          unit: str = "team_id", time: str = "week", start: str = "rollout_week",
          weight: str | None = "leads") -> Estimate:
    """Gardner's two-stage DiD (pyfixest): unit and period effects fitted on untreated rows only, clustered by
    `cluster` (by default the unit). ``ramp_weeks=0`` estimates one effect from the start on.

    Estimand: the average effect over the treated rows `ramp_weeks` or more periods after their start, each
    row's effect its outcome minus the untreated outcome the first stage predicts, weighted by `weight` (the
    ATT over those rows). Unlike the two-way regression, treated rows never serve as controls, so staggered
    starts and effects that differ between units or grow do not bias it.
    """
    columns = PanelColumns(outcome, unit, time, start, weight, None).checked(panel, cluster)
    cluster = unit if cluster is None else cluster
    data = _treatment_terms(panel, ramp_weeks, columns)
    data["treat"] = (data["ramping"] + data["ramped"] > 0).astype(int)
    data["cluster_code"] = pd.factorize(data[cluster])[0]  # pyfixest's did2s needs numeric clusters
    with _quiet_pyfixest():
        fit = _pyfixest().did2s(data, yname=outcome, first_stage=f"~ 0 | {unit} + {time}",
                                second_stage=f"~ {' + '.join(_ramp_terms(ramp_weeks))} - 1", treatment="treat",
                                cluster="cluster_code", weights=weight)
    return _from_fit(f"two-stage DiD, Gardner ({columns.periods} {ramp_weeks}+)", fit, "ramped", cluster)


# --- Randomisation inference over rollout orders ---------------------------------------------------------

@dataclass(frozen=True)
class RandomizationResult:
    """What every reassignment of the rollout dates to the teams says about the observed design."""

    estimate: Estimate  # the trimmed stacked estimate, its p-value and interval from randomisation
    assignments: int  # distinct reassignments of the observed rollout dates to the teams
    null_estimates: np.ndarray  # the estimate under each reassignment, if lead scoring did nothing
    pretrend_statistic: float  # root mean square of the event study's pre-rollout coefficients
    pretrend_p_value: float  # share of reassignments with a pre-trend statistic at least as large

    @property
    def smallest_p_value(self) -> float:
        return 1 / self.assignments


def team_week_cells(panel: pd.DataFrame, outcome: str = "rate", *,
                    columns: PanelColumns = PanelColumns()) -> pd.DataFrame:
    """The panel averaged to unit-period cells (team-weeks for the sample): the unit, the period and the start,
    ``rows`` (the panel's rows in the cell, rep-weeks for the sample), the `outcome`'s mean weighted by the
    weight column (a plain mean without one) and the weight summed, under the weight column's name.

    Every regressor varies by unit and period only, so a regression on these cells weighted by the summed
    weight (by ``rows`` without one) gives the same coefficients as the weighted one on the panel's rows.
    A panel with one row per unit and period gives back its own rows.
    """
    unit, time, start, weight = columns.unit, columns.time, columns.start, columns.weight
    panel = panel[panel[outcome].notna()]
    row_weight = pd.Series(1.0, index=panel.index) if weight is None else panel[weight].astype(float)
    cells = panel.assign(weighted_outcome=panel[outcome] * row_weight, row_weight=row_weight).groupby(
        [unit, time], as_index=False).agg(**{start: (start, "first"), "rows": (start, "size"),
                                             "weighted_outcome": ("weighted_outcome", "sum"),
                                             "row_weight": ("row_weight", "sum")})
    cells[outcome] = cells.pop("weighted_outcome") / cells["row_weight"]
    row_weight = cells.pop("row_weight")
    return cells if weight is None else cells.assign(**{weight: row_weight})


class _StackedDesign:
    """The trimmed, weighted stacked regression on team-week cells, fast enough to refit for every
    reassignment of rollout dates: each stack's fixed effects are partialled out once per stack layout
    (Frisch-Waugh-Lovell), and layouts repeat across reassignments."""

    def __init__(self, cells: pd.DataFrame, window: tuple[int, int], ramp_weeks: int, weight: str, *,
                 unit: str = "team_id", time: str = "week", bin_periods: int = EVENT_BIN_WEEKS):
        self.window, self.ramp_weeks, self.bin_periods = window, ramp_weeks, bin_periods
        self.ramped_term = len(_ramp_terms(ramp_weeks)) - 1  # the ramped effect's column among the regressors
        self.teams = sorted(cells[unit].unique())
        self.team = cells[unit].map({t: i for i, t in enumerate(self.teams)}).to_numpy()
        self.week = cells[time].to_numpy()
        self.weight = cells[weight].to_numpy(float)
        self.n_cells = len(cells)
        self.periods = event_periods(window, bin_periods)
        self._cache: dict = {}

    def _layout(self, rollout: dict) -> list[tuple]:
        pre, post = self.window
        start = np.array([rollout[t] for t in self.teams], dtype=float)
        layout = []
        for cohort in sorted({w for w in start if not np.isnan(w)}):
            if cohort - pre < self.week.min() or cohort + post > self.week.max():
                continue
            treated = tuple(np.flatnonzero(start == cohort))
            controls = tuple(np.flatnonzero(np.isnan(start) | (start > cohort + post)))
            if controls:
                layout.append((int(cohort), treated, controls))
        return layout

    def _stack(self, cohort: int, treated: tuple, controls: tuple, q: float, event: bool):
        key = (cohort, treated, controls, round(q, 12), event)
        if key in self._cache:
            return self._cache[key]
        pre, post = self.window
        rows = np.flatnonzero(np.isin(self.team, treated + controls) & (self.week >= cohort - pre)
                              & (self.week <= cohort + post))
        is_treated = np.isin(self.team[rows], treated)
        w = self.weight[rows] * np.where(is_treated, 1.0, q)
        event_time = self.week[rows] - cohort
        if event:
            period = event_time // self.bin_periods
            regressors = np.column_stack([is_treated & (period == p) for p in self.periods]).astype(float)
        else:
            ramping = [is_treated & (event_time >= 0) & (event_time < self.ramp_weeks)] if self.ramp_weeks else []
            regressors = np.column_stack([*ramping, is_treated & (event_time >= self.ramp_weeks)]).astype(float)
        team_codes = np.unique(self.team[rows], return_inverse=True)[1]
        week_codes = np.unique(event_time, return_inverse=True)[1]
        fe = np.hstack([np.eye(team_codes.max() + 1)[team_codes], np.eye(week_codes.max() + 1)[week_codes][:, 1:]])
        fe_w = fe * w[:, None]
        projection = np.linalg.lstsq(fe.T @ fe_w, fe_w.T @ regressors, rcond=None)[0]
        residual = regressors - fe @ projection
        part = (rows, residual * w[:, None], residual.T @ (residual * w[:, None]))
        self._cache[key] = part
        return part

    def shape(self, rollout: dict) -> np.ndarray:
        """Hypothesised effect per cell, per point of ramped effect: a linear ramp to 1, then 1; 0 untreated."""
        start = np.array([rollout[t] for t in self.teams], dtype=float)[self.team]
        event_time = self.week - start
        ramp = np.clip((event_time + 1) / max(self.ramp_weeks, 1), 0.0, 1.0)
        return np.where(np.isnan(event_time) | (event_time < 0), 0.0, ramp)

    def influence(self, rollout: dict, event: bool = False) -> np.ndarray | None:
        """Rows of the coefficients' influence on the cells: coefficient = influence @ y.

        One row (the ramped effect) or, with `event`, one per pre-rollout period. None if no stack fits.
        """
        layout = self._layout(rollout)
        if not layout:
            return None
        treated_units = sum(len(t) for _, t, _ in layout)
        control_units = sum(len(c) for _, _, c in layout)
        parts = [self._stack(cohort, t, c, (len(t) / treated_units) / (len(c) / control_units), event)
                 for cohort, t, c in layout]
        gram = sum(p[2] for p in parts)
        keep = [i for i, p in enumerate(self.periods) if p <= -2] if event else [self.ramped_term]
        selector = np.zeros((gram.shape[0], len(keep)))
        selector[keep, range(len(keep))] = 1.0
        solved = np.linalg.lstsq(gram, selector, rcond=None)[0]
        influence = np.zeros((len(keep), self.n_cells))
        for rows, weighted_residual, _ in parts:
            influence[:, rows] += (weighted_residual @ solved).T  # rows are distinct within a stack
        return influence if event else influence[0]


def rollout_assignments(rollout: dict, limit: int | None = None, seed: int = 0) -> list[dict]:
    """Ways to give the observed rollout dates (with repeats, and 'never') to the teams, the observed first.

    Every distinct way when there are at most `limit` of them (or no limit); otherwise the observed one and
    `limit` - 1 drawn at random (a Monte Carlo randomisation test), so many teams never mean enumerating n!
    orders.
    """
    teams = sorted(rollout)
    keys = [-1.0 if np.isnan(rollout[t]) else float(rollout[t]) for t in teams]
    counts = pd.Series(keys).value_counts()
    distinct = math.factorial(len(keys)) // math.prod(math.factorial(int(c)) for c in counts)
    as_dates = dict(zip(keys, (rollout[t] for t in teams), strict=False))  # key -> the date (NaN for never)
    if limit is None or distinct <= limit:
        orders = [tuple(keys), *(order for order in _distinct_orders(sorted(keys)) if order != tuple(keys))]
    else:
        rng = np.random.default_rng(seed)
        orders = [tuple(keys), *(tuple(rng.permutation(keys)) for _ in range(limit - 1))]
    return [dict(zip(teams, (as_dates[key] for key in order), strict=True)) for order in orders]


def _distinct_orders(keys: list[float]) -> Iterator[tuple[float, ...]]:
    """Every distinct ordering of a multiset (no order is produced twice, however many values repeat)."""
    if not keys:
        yield ()
        return
    for value in sorted(set(keys)):
        rest = list(keys)
        rest.remove(value)
        for tail in _distinct_orders(rest):
            yield (value, *tail)


def _inverted_interval(estimate: float, a: np.ndarray, slope: np.ndarray, p_value) -> tuple[float, float]:
    """The hypothesised effects not rejected at 5%, found exactly.

    p(tau) changes only where a reassignment's statistic |a + tau * slope| equals the observed
    |estimate - tau|, so it is enough to test those crossing points (and one point beyond each end).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        crossings = np.concatenate([(estimate - a) / (slope + 1), (-estimate - a) / (slope - 1)])
    crossings = np.unique(crossings[np.isfinite(crossings)])
    if len(crossings) == 0:
        return -np.inf, np.inf
    span = max(crossings[-1] - crossings[0], 1.0)
    candidates = np.concatenate([[crossings[0] - span], crossings, [crossings[-1] + span]])
    accepted = p_value(candidates) > 1 - CONFIDENCE
    if not accepted.any():
        return np.nan, np.nan
    if accepted[0] or accepted[-1]:
        return -np.inf, np.inf  # too few teams: no reassignment is extreme enough to reject anything
    return float(candidates[accepted].min()), float(candidates[accepted].max())


#: The sample's placebo outcome for :func:`randomization_inference`: leads per rep-week, which lead scoring
#: cannot move (the weight column's mean per row of a cell, each cell weighted by its rows).
LEADS_PER_REP = "leads_per_rep"


def randomization_inference(panel: pd.DataFrame, ramp_weeks: int, window: tuple[int, int] = EVENT_WINDOW,
                            outcome: str = "rate", max_assignments: int = 5040, seed: int = 0,
                            pretrend: bool = True, *, bin_periods: int = EVENT_BIN_WEEKS, unit: str = "team_id",
                            time: str = "week", start: str = "rollout_week",
                            weight: str | None = "leads") -> RandomizationResult:
    """Trimmed stacked DiD with inference over every reassignment of the treatment starts to the units.

    If the order of starts was as good as random, each reassignment is a placebo. Under the hypothesis that the
    effect is `tau` once ramped (a linear ramp before), each reassignment's estimate is computable from
    the data; the 95% interval is every `tau` the observed estimate does not reject at 5% (two-sided).
    The pre-trend test compares the event study's pre-start coefficients (bins of `bin_periods`) with theirs
    under every reassignment, using outcomes net of the estimated effect (skipped, and reported as NaN, with
    ``pretrend=False``). With ``outcome=LEADS_PER_REP`` (a placebo outcome lead scoring cannot move) the
    same machinery tests for an effect that should not exist.

    The outcome may be any numeric column, continuous or a rate: the panel is averaged to unit-period cells
    (:func:`team_week_cells`), weighted by `weight`, so rows within a unit (reps) are optional. More distinct
    reassignments than `max_assignments` are sampled at random (seeded by `seed`).

    Estimand: the same as :func:`stacked_did`'s trimmed, weighted estimate (the treated units' average effect
    from `ramp_weeks` periods after the start to the window's end); what randomisation adds is inference
    that assumes no model of the errors, only that the starts could have been given to any units.
    """
    columns = PanelColumns(outcome, unit, time, start, weight, None)
    if outcome == LEADS_PER_REP:
        if weight is None:
            raise ValueError(f"the placebo outcome {LEADS_PER_REP} is the weight column per row: name it with weight=")
        columns = PanelColumns(weight, unit, time, start, None, None)
    cells = team_week_cells(panel, columns.outcome, columns=columns.checked(panel))
    y = cells[columns.outcome].to_numpy(float)
    observed = cells.groupby(unit)[start].first().to_dict()
    assignments = rollout_assignments(observed, max_assignments, seed)
    observed_key = tuple(sorted((t, -1.0 if np.isnan(w) else w) for t, w in observed.items()))
    design = _StackedDesign(cells, window, ramp_weeks, columns.weight or "rows", unit=unit, time=time,
                            bin_periods=bin_periods)
    influence = design.influence(observed)
    if influence is None:
        raise ValueError(_no_fitting_cohort(window, columns))
    if pretrend and not any(p <= -2 for p in design.periods):
        raise ValueError(f"the window has no bin before the reference bin to test pre-trends: make window[0] at "
                         f"least {2 * bin_periods} {columns.periods}, or pass pretrend=False")
    shape_observed = design.shape(observed)
    estimate = float(influence @ y)
    pre_observed = design.influence(observed, event=True) @ y if pretrend else np.full(1, np.nan)
    a, b, d, pre_stats = [], [], [], []
    y0 = y - estimate * shape_observed  # outcomes without the estimated effect, for the pre-trend test
    for assignment in assignments:
        omega_a = design.influence(assignment)
        if omega_a is None:
            continue
        a.append(omega_a @ y)
        b.append(omega_a @ shape_observed)
        d.append(omega_a @ design.shape(assignment))
        if pretrend:
            key = tuple(sorted((t, -1.0 if np.isnan(w) else w) for t, w in assignment.items()))
            pre = pre_observed if key == observed_key else design.influence(assignment, event=True) @ y0
            pre_stats.append(np.sqrt(np.mean(pre ** 2)))
    a, b, d, pre_stats = map(np.asarray, (a, b, d, pre_stats))
    null = a  # estimates under each reassignment if the effect is zero everywhere

    slope = d - b - 1  # each reassignment's statistic is a + tau * slope; the observed one is estimate - tau

    def p_value(tau: np.ndarray) -> np.ndarray:
        observed_stat = np.abs(estimate - tau)
        stats = np.abs(a[:, None] + tau[None, :] * slope[:, None])
        return (stats >= observed_stat[None, :] * (1 - 1e-9) - 1e-12).mean(axis=0)

    low, high = _inverted_interval(estimate, a, slope, p_value)
    pretrend_stat = float(np.sqrt(np.mean(pre_observed ** 2)))
    label = "stacked difference-in-differences (trimmed, weighted)"
    if outcome == LEADS_PER_REP:
        label += f", placebo outcome {outcome}"
    result = Estimate(f"{label} ({columns.periods} {ramp_weeks}+)", estimate, float(low), float(high),
                      float(p_value(np.zeros(1))[0]), f"randomisation over {len(a)} rollout orders")
    pretrend_p = float((pre_stats >= pretrend_stat - 1e-12).mean()) if pretrend else np.nan
    return RandomizationResult(result, len(a), null, pretrend_stat, pretrend_p)


PRETREND_LEVEL = 0.10  # a pre-trend test passes when its p-value is at least this (failing to reject is no proof)


def identification_checks(result: RandomizationResult, placebo: RandomizationResult,
                          level: float = 1 - CONFIDENCE) -> pd.DataFrame:
    """The checks a staged-rollout claim must pass before it may say "directly caused".

    Enough teams that randomisation can reject at all; an effect the reassignments rarely match; no
    pre-trend; and a placebo outcome (one the feature cannot move) that does not move. Significance alone
    passes only the second.
    """
    rows = [
        ("enough rollout orders to reject at 5%", f"{result.assignments} orders", result.smallest_p_value <= level),
        ("effect beyond what reassigned rollouts give", f"p = {result.estimate.p_value:.3f}",
         result.estimate.p_value <= level),
        ("no pre-trend in the event study", f"p = {result.pretrend_p_value:.2f}",
         result.pretrend_p_value >= PRETREND_LEVEL),
        ("placebo outcome does not move", f"p = {placebo.estimate.p_value:.2f}", placebo.estimate.p_value > level),
    ]
    return pd.DataFrame(rows, columns=["check", "result", "passed"]).set_index("check")


def before_after_strength(mechanical: bool, coincident_changes: int = 0) -> str:
    """The grade a before/after comparison earns without a comparison group (the attribution ladder's rule).

    "directly caused" only for a mechanical change, one the system itself enforces (a workflow that no
    longer routes a request to two of its three approvers), with no other recorded change at the same
    time. Anything people still do (how fast they sign, how long a push takes to prepare) can move for
    other reasons too, so a before/after credits it as "clearly positively related" at most.
    """
    if mechanical and coincident_changes == 0:
        return DIRECTLY_CAUSED
    return CLEARLY_POSITIVELY_RELATED


def earned_strength(checks: pd.DataFrame, estimate: Estimate) -> str:
    """"unclear" whenever the interval includes zero (the data cannot tell the effect from none, however good the
    design); otherwise "directly caused" only if every identification check passes, and "clearly positively
    related" for a positive effect whose design cannot yet be checked (or fails a check)."""
    if estimate.ci_low <= 0 <= estimate.ci_high:
        return UNCLEAR
    if checks["passed"].all():
        return DIRECTLY_CAUSED
    if estimate.estimate > 0 and estimate.ci_low > 0:
        return CLEARLY_POSITIVELY_RELATED
    return UNCLEAR


# --- Agent console: one series ---------------------------------------------------------------------------

def ticket_series(weekly: pd.DataFrame) -> pd.DataFrame:
    """The weekly ticket aggregates of the metric layer (:meth:`valuekit.warehouse.MetricLayer.weekly_tickets`:
    week_start, hours, billing_share, tickets) with the interrupted time series' terms: trend ``t``, season
    in three harmonics (``season_sin``/``season_cos`` for the first, ``season_sin2`` ...) and ``log_tickets``.
    """
    weekly = weekly.copy()
    weekly["t"] = np.arange(len(weekly), dtype=float)
    angle = 2 * np.pi * (weekly["week_start"].dt.day_of_year + 3) / 365.25  # mid-week
    weekly["season_sin"] = np.sin(angle)
    weekly["season_cos"] = np.cos(angle)
    for harmonic in (2, 3):
        weekly[f"season_sin{harmonic}"] = np.sin(harmonic * angle)
        weekly[f"season_cos{harmonic}"] = np.cos(harmonic * angle)
    weekly["log_tickets"] = np.log(weekly["tickets"])
    return weekly


def weekly_service(tickets: pd.DataFrame) -> pd.DataFrame:
    """The weekly :func:`ticket_series` with the desk's weekly service measures as shares of the week's tickets:
    ``fcr`` (first-contact resolution), ``sla_attainment``, ``reopen_rate``, and ``handle_minutes`` (mean)."""
    # Imported here: Ibis and DuckDB take a second to import, which callers without tickets need not pay.
    from .warehouse import MetricLayer

    weekly = ticket_series(MetricLayer.from_frames({"tickets": tickets}).weekly_tickets())
    week_start = tickets["opened_on"] - pd.to_timedelta(tickets["opened_on"].dt.day_of_week, unit="D")
    rates = tickets.assign(
        week_start=week_start, fcr=_floats(tickets["first_contact_resolved"]),
        sla_attainment=_floats(tickets["resolution_hours"] <= tickets["sla_due_hours"]),
        reopen_rate=_floats(tickets["reopened"]), handle_minutes=_floats(tickets["handle_minutes"]),
    ).groupby("week_start", as_index=False)[["fcr", "sla_attainment", "reopen_rate", "handle_minutes"]].mean()
    return weekly.merge(rates, on="week_start", how="left")


def interrupted_time_series(weekly: pd.DataFrame, event: pd.Timestamp, covariates: tuple[str, ...] = (),
                            seasonal: bool = True, harmonics: int = 1, slope: bool = False,
                            weighted: bool = False, outcome: str = "hours") -> tuple[Estimate, object]:
    """Level change at `event` in a weekly outcome (mean resolution hours by default), net of trend, annual
    season and covariates.

    `harmonics` sets how many sine/cosine pairs model the season; `slope` adds a change in trend after the
    event (the level change is still the estimate); `weighted` weights weeks by their ticket count;
    `outcome` names another column of `weekly` to model, such as a rate from :func:`weekly_service`.
    Standard errors are Newey-West (HAC), because neighbouring weeks are correlated.

    Estimand: the step in the outcome at `event` beyond what the trend, season and covariates project (without
    `slope`, one shift for every week after; with it, the step at the event itself, the trend's change apart):
    the one series' effect, if nothing else changed at that date.
    """
    data = weekly.assign(post=(weekly["week_start"] >= event).astype(float))
    data["post_t"] = data["post"] * (data["t"] - data.loc[data["post"] == 1, "t"].min()) if slope else 0.0
    season = []
    if seasonal:
        for harmonic in range(1, harmonics + 1):
            suffix = "" if harmonic == 1 else str(harmonic)
            season += [f"season_sin{suffix}", f"season_cos{suffix}"]
    terms = ["post", "t", *(["post_t"] if slope else []), *season, *covariates]
    formula = f"{outcome} ~ " + " + ".join(terms)
    hac = {"cov_type": "HAC", "cov_kwds": {"maxlags": ITS_HAC_LAGS}}
    if weighted:
        fit = smf.wls(formula, data=data, weights=data["tickets"]).fit(**hac)
    else:
        fit = smf.ols(formula, data=data).fit(**hac)
    if not seasonal:
        label = "interrupted time series without season"
    else:
        label = "interrupted time series with season" + (f" ({harmonics} harmonics)" if harmonics > 1 else "")
    if slope:
        label += ", level and slope"
    if covariates:
        label += " and " + ", ".join(covariates)
    if weighted:
        label += ", volume-weighted"
    low, high = fit.conf_int(alpha=1 - CONFIDENCE).loc["post"]
    return Estimate(label, float(fit.params["post"]), float(low), float(high), float(fit.pvalues["post"]),
                    f"Newey-West, {ITS_HAC_LAGS} lags"), fit


def year_over_year(tickets: pd.DataFrame, event: pd.Timestamp, weeks: int = 12) -> tuple[Estimate, pd.DataFrame]:
    """Same weeks a year earlier as the comparison series, by ticket category, excluding billing.

    For each category, the change in mean hours from the `weeks` before to the `weeks` after the event,
    minus the same change over the same calendar weeks a year earlier: the season cancels, and leaving
    billing out keeps the price change's billing surge out of the comparison. The estimate is the
    ticket-weighted mean over categories, with a Newey-West interval from a regression on category-weeks.

    Estimand: the change in mean resolution hours across the event beyond the same calendar weeks' change a
    year earlier, averaged over categories with their tickets as weights: the effect, if the season repeats
    and nothing else differed between the years.
    """
    tickets = tickets.assign(resolution_hours=_floats(tickets["resolution_hours"]))
    rows = []
    for shift, year in ((0, "this year"), (52, "a year earlier")):
        centre = event - pd.Timedelta(weeks=shift)
        week = (tickets["opened_on"] - centre).dt.days // 7
        window = tickets[week.between(-weeks, weeks - 1) & (tickets["category"] != "billing")]
        rows.append(window.assign(year=year, after=(week[window.index] >= 0).astype(float),
                                  rel_week=week[window.index]))
    data = pd.concat(rows, ignore_index=True)
    data["this_year"] = (data["year"] == "this year").astype(float)
    data["effect"] = data["after"] * data["this_year"]
    means = data.groupby(["category", "year", "after"])["resolution_hours"].mean().unstack("after")
    change = (means[1.0] - means[0.0]).unstack("year")
    change["difference"] = change["this year"] - change["a year earlier"]
    cells = data.groupby(["category", "year", "rel_week"], as_index=False).agg(
        hours=("resolution_hours", "mean"), tickets=("ticket_id", "size"), effect=("effect", "first"),
        after=("after", "first"), this_year=("this_year", "first"))
    if data.groupby("year")["rel_week"].min().max() > -weeks:
        raise ValueError(f"year_over_year needs {weeks} weeks of data before the change a year earlier")
    fit = smf.wls("hours ~ effect + C(category):C(rel_week) + C(category):this_year", data=cells,
                  weights=cells["tickets"]).fit(cov_type="HAC", cov_kwds={"maxlags": ITS_HAC_LAGS})
    # Only the effect's variance is needed (those of the many fixed effects can be numerically negative).
    estimate, se = float(fit.params["effect"]), float(np.sqrt(fit.cov_params().loc["effect", "effect"]))
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    return Estimate(f"year over year by category, {weeks} weeks each side", estimate, estimate - z * se,
                    estimate + z * se, float(2 * stats.norm.sf(abs(estimate) / se)),
                    f"Newey-West, {ITS_HAC_LAGS} lags"), change


def as_table(*estimates: Estimate) -> pd.DataFrame:
    """Estimates as a small table, rounded for reading."""
    table = pd.DataFrame(estimates).set_index("method")
    return round_decimals(table[["estimate", "ci_low", "ci_high"]], 2)


def inference_table(*estimates: Estimate) -> pd.DataFrame:
    """Estimates with their p-values and the inference behind each interval, rounded for reading."""
    table = pd.DataFrame(estimates).set_index("method")
    table = table.assign(**{column: round_decimals(table[column], 2) for column in ("estimate", "ci_low", "ci_high")})
    return table.assign(p_value=round_decimals(table["p_value"], 3))


# --- Randomised experiments (rung 5) ---------------------------------------------------------------------

SRM_LEVEL = 0.001  # a sample-ratio-mismatch p-value below this stops the analysis (a conservative alarm level)


def sample_ratio_mismatch(counts: pd.Series, expected_shares: pd.Series) -> float:
    """p-value of a chi-square test that units fell into the arms in the designed shares.

    `counts` and `expected_shares` are indexed by arm; the shares are normalised to sum to one. A small
    p-value means the assignment or the logging is broken, and no difference between the arms can be trusted.
    """
    counts = counts.reindex(expected_shares.index, fill_value=0).astype(float)  # an empty arm counts as 0
    shares = expected_shares.astype(float)
    expected = shares / shares.sum() * counts.sum()
    return float(stats.chisquare(counts.to_numpy(), expected.to_numpy()).pvalue)


def minimum_detectable_effect(sd: float, n_control: float, n_treatment: float, alpha: float = 1 - CONFIDENCE,
                              power: float = 0.8, df: float | None = None) -> float:
    """Smallest true difference in means that a two-sided test at `alpha` detects with probability `power`.

    (z of 1 - alpha/2 plus z of power) times the standard error of the difference, sd * sqrt(1/n_c + 1/n_t),
    where `sd` is the outcome's standard deviation per unit. With `df` the quantiles are Student's t, for a few
    units (six teams randomised as clusters).
    """
    quantile = stats.norm.ppf if df is None else (lambda q: stats.t.ppf(q, df))
    return float((quantile(1 - alpha / 2) + quantile(power)) * sd * math.sqrt(1 / n_control + 1 / n_treatment))


def difference_in_means(frame: pd.DataFrame, outcome: str, arm: str, control: str, treatment: str,
                        method: str = "difference in means") -> Estimate:
    """Treatment minus control mean of `outcome` (one row per randomised unit), with a Welch interval.

    Estimand: the average treatment effect over the randomised units (random assignment makes the arms
    comparable, so the difference in means is the average of the units' effects).
    """
    estimate = before_after(frame.loc[frame[arm] == control, outcome], frame.loc[frame[arm] == treatment, outcome],
                            method)
    return Estimate(method, estimate.estimate, estimate.ci_low, estimate.ci_high,
                    inference="Welch t, one row per randomised unit")


def cuped(outcome: pd.Series, covariate: pd.Series) -> tuple[pd.Series, float]:
    """CUPED (Deng et al. 2013): the outcome minus theta times the centred pre-period covariate.

    theta = cov(covariate, outcome) / var(covariate), on all units pooled; the covariate must be measured
    before assignment, so the adjustment cannot absorb any of the effect. The adjusted outcome has the same
    mean difference between arms in expectation, and a variance smaller by the share the covariate explains.
    Returns the adjusted outcome and theta.
    """
    x, y = _floats(covariate), _floats(outcome)
    theta = float(np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1))
    return pd.Series(y - theta * (x - x.mean()), index=outcome.index, name=outcome.name), theta


def intraclass_correlation(values: pd.Series, groups: pd.Series) -> float:
    """One-way ANOVA estimate of the intraclass correlation: the share of variance between groups (teams)."""
    frame = pd.DataFrame({"y": _floats(values), "g": groups.to_numpy()})
    sizes = frame.groupby("g")["y"].size()
    k, n = len(sizes), len(frame)
    if k < 2 or n <= k:
        return float("nan")
    means = frame.groupby("g")["y"].transform("mean")
    between = float((sizes * (frame.groupby("g")["y"].mean() - frame["y"].mean()) ** 2).sum() / (k - 1))
    within = float(((frame["y"] - means) ** 2).sum() / (n - k))
    size = (n - (sizes ** 2).sum() / n) / (k - 1)  # the mean group size, corrected for unequal groups
    return float(max((between - within) / (between + (size - 1) * within), 0.0))


def design_effect(cluster_size: float, icc: float) -> float:
    """Variance inflation from randomising clusters of `cluster_size` units instead of units: 1 + (m - 1) ICC."""
    return 1 + (cluster_size - 1) * icc


def experiment_strength(srm_p_value: float, estimate: Estimate, srm_level: float = SRM_LEVEL) -> str:
    """The grade a randomised comparison earns (rung 5 of the attribution ladder).

    Random assignment is the identification, so "directly caused" needs only that the assignment held (no
    sample-ratio mismatch) and that the interval excludes zero. A mismatch breaks the design: "unclear",
    whatever the estimate. An interval that covers zero is "unclear" too: the experiment did not detect it.
    """
    if srm_p_value < srm_level:
        return UNCLEAR
    if estimate.ci_low > 0 or estimate.ci_high < 0:
        return DIRECTLY_CAUSED
    return UNCLEAR


WITHIN_BOUND, BREACHED, INCONCLUSIVE = "within its bound", "breached", "inconclusive"


def guardrail_verdict(estimate: Estimate, bound: float, worse: str = "higher") -> str:
    """Whether a guardrail metric's change stayed within the largest harm agreed in advance.

    `bound` is that change, in the metric's units and the direction `worse` ("higher": a rise is harm, so
    the bound is positive; "lower": a fall is, and the bound is negative). Within its bound if the whole
    interval is on the safe side of it, breached if the whole interval is beyond it, otherwise inconclusive.
    """
    if worse not in ("higher", "lower"):
        raise ValueError("worse must be 'higher' or 'lower'")
    sign = 1 if worse == "higher" else -1
    low, high = sorted((sign * estimate.ci_low, sign * estimate.ci_high))
    if high <= sign * bound:
        return WITHIN_BOUND
    if low > sign * bound:
        return BREACHED
    return INCONCLUSIVE


def rate_difference(events_before: float, units_before: float, events_after: float, units_after: float,
                    method: str = "rate after minus before") -> Estimate:
    """Difference of two proportions (after minus before), with a Wald interval: churned of active, say."""
    p_before, p_after = events_before / units_before, events_after / units_after
    se = math.sqrt(p_before * (1 - p_before) / units_before + p_after * (1 - p_after) / units_after)
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    difference = p_after - p_before
    p_value = float(2 * stats.norm.sf(abs(difference) / se)) if se > 0 else float("nan")  # no variation at all
    return Estimate(method, difference, difference - z * se, difference + z * se, p_value, "Wald, binomial")


def observed_change_strength(estimate: Estimate, mechanical: bool = False, coincident_changes: int = 0) -> str:
    """The grade a before/after change earns: "unclear" if its interval covers zero, otherwise the ladder's
    before/after rule (:func:`before_after_strength`)."""
    if estimate.ci_low <= 0 <= estimate.ci_high:
        return UNCLEAR
    return before_after_strength(mechanical, coincident_changes)


IMPROVED, WORSENED, NO_CLEAR_CHANGE = "improved", "got worse", "showed no clear change"


def change_direction(estimate: Estimate, better: str) -> str:
    """What the data say happened to a measure whose `better` direction is "lower" or "higher": improved or
    got worse when the whole interval is on one side of zero, otherwise no clear change."""
    if better not in ("lower", "higher"):
        raise ValueError("better must be 'lower' or 'higher'")
    if estimate.ci_low <= 0 <= estimate.ci_high:
        return NO_CLEAR_CHANGE
    return IMPROVED if (estimate.estimate < 0) == (better == "lower") else WORSENED


def claim_strength(estimate: Estimate, better: str, design_strength: str) -> str:
    """The strength a claim that a change *helped* may carry: the design's own grade (`design_strength`, its
    ceiling) only when the measure improved; "unclear" when it showed no clear change or got worse, since then
    the data support no claim of value (say plainly that it got worse: :func:`change_direction`)."""
    return design_strength if change_direction(estimate, better) == IMPROVED else UNCLEAR


#: How long before a change the interrupted time series' placebo change is pretended, in weeks. Half a year:
#: nearer pretend dates leave the model too few weeks after them and fail too often where nothing changed
#: (on the sample company and three other draws, a 13-week placebo failed at the true go-live in two of eight
#: series and the 26-week one in none; the draw of seed 7 fails it on one of its two series, so the check can
#: withhold a real effect: it errs towards "no comparison").
ITS_PLACEBO_WEEKS = (26,)


def its_placebo_checks(weekly: pd.DataFrame, event: pd.Timestamp, weeks_before: tuple[int, ...] = ITS_PLACEBO_WEEKS,
                       **its_options) -> pd.DataFrame:
    """The check a one-series net effect must pass before it is shown: on the weeks before `event` only, the
    same model with a pretend change `weeks_before` weeks earlier finds no change (its interval covers zero).

    A series whose model sees a step where nothing changed (a real change earlier, a drift the season terms
    miss) cannot tell the change's effect from that step. Each pretend date needs at least 26 weeks before it.
    Failing to find a step is weak evidence of none; passing only permits showing the estimate, with its
    design's ceiling (:func:`before_after_strength`).
    """
    before = weekly[weekly["week_start"] < event]
    rows = []
    for weeks in weeks_before:
        pretend = event - pd.Timedelta(weeks=weeks)
        name = f"no step {weeks} weeks before the change"
        if (before["week_start"] < pretend).sum() < 26:
            rows.append((name, "too few weeks before it", False))
            continue
        placebo = interrupted_time_series(before, pretend, **its_options)[0]
        rows.append((name, f"{placebo.estimate:+.2f} ({placebo.ci_low:.2f} to {placebo.ci_high:.2f})",
                     placebo.ci_low <= 0 <= placebo.ci_high))
    return pd.DataFrame(rows, columns=["check", "result", "passed"]).set_index("check")


# --- Metric trees: how much each input moves the outcome ----------------------------------------------------

def input_effects(panel: pd.DataFrame, inputs: list[str], outcome: str = "rate", cluster: str = "team_id",
                  weights: str = "leads") -> pd.DataFrame:
    """The outcome's change per unit of each input, holding the others, each unit's level and each week's shared
    movement fixed: a regression with unit (rep) and week fixed effects, weighted, clustered by `cluster`.

    Returns one row per input: estimate, ci_low, ci_high. A coefficient is "how much the outcome moves with the
    input"; only the inputs whose variation was assigned (a staged rollout) support a causal reading.
    """
    formula = f"{outcome} ~ {' + '.join(inputs)} | rep_id + week"
    fit = _feols(formula, panel, weights, cluster)
    tidy = fit.tidy(alpha=1 - CONFIDENCE)
    low, high = tidy.filter(like="%").to_numpy(float).T
    return pd.DataFrame({"estimate": tidy["Estimate"].to_numpy(float), "ci_low": low, "ci_high": high},
                        index=pd.Index(inputs, name="input"))


def input_contributions(effects: pd.DataFrame, before: pd.Series, after: pd.Series) -> pd.Series:
    """Each input's share in the outcome's movement between two periods: its effect times its change in mean."""
    change = (after - before).reindex(effects.index)
    return (effects["estimate"] * change).rename("contribution")
