"""Any staggered-adoption panel through the same estimators, by its own column names.

The castle-doctrine state-year panel (Cheng & Hoekstra 2013, as the `causaldata` package ships it): yearly time,
no rows within a state, a continuous outcome (log homicides per 100,000). The two-way regression reproduces the
published estimate; the staggered estimators run on it. A monthly panel without weights recovers a planted
effect; a missing column fails in one line. And on the sample company every estimate is what it was before the
estimators took column names.
"""

import json
from pathlib import Path

import causaldata
import numpy as np
import pandas as pd
import pytest

from valuekit import attribution, load_tables
from valuekit import company as kestrel
from valuekit.warehouse import MetricLayer

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CASTLE = {"outcome": "l_homicide", "unit": "sid", "time": "year", "start": "effyear"}
CASTLE_WINDOW = (4, 2)  # years before and after the law kept in each stack: the 2006-2008 cohorts fit in 2000-2010


@pytest.fixture(scope="module")
def castle() -> pd.DataFrame:
    """50 states, 2000-2010; `effyear` (the first year with the law in force, NaN for the 29 states without
    one) from the panel's `post`, which is 1 from that year on."""
    data = causaldata.castle.load_pandas().data
    panel = data[["sid", "year", "l_homicide", "popwt", "post"]].astype(
        {"sid": int, "year": int, "l_homicide": float, "popwt": float})
    first_year = panel[panel["post"] == 1].groupby("sid")["year"].min()
    return panel.assign(effyear=panel["sid"].map(first_year).astype(float))


# --- The published estimate -------------------------------------------------------------------------------

def test_twfe_reproduces_the_published_castle_doctrine_estimate(castle):
    """Cheng & Hoekstra (2013) report an 8 percent rise in homicides (abstract: "a statistically significant
    8 percent net increase"): log homicide on the law, state and year effects, weighted by population,
    clustered by state. Without their region-by-year effects and controls the same regression gives 0.0755
    (the figure issue 27 measured, the specification of the Mixtape's castle code, ``[aweight=popwt]``),
    which rounds to the published 0.08; without the population weights it gives 0.069."""
    estimate = attribution.twfe(castle, **CASTLE, weight="popwt")
    assert round(estimate.estimate, 2) == 0.08
    assert round(estimate.estimate, 4) == 0.0755
    assert 0 < estimate.ci_low < estimate.ci_high
    assert estimate.inference.startswith("clustered by sid")
    assert round(attribution.twfe(castle, **CASTLE, weight=None).estimate, 3) == 0.069


# --- The staggered estimators, yearly, one row per state-year ------------------------------------------------

def _finite(estimate: attribution.Estimate) -> bool:
    return bool(np.isfinite([estimate.estimate, estimate.ci_low, estimate.ci_high]).all()
                and estimate.ci_low < estimate.estimate < estimate.ci_high)


def test_staggered_estimators_run_on_a_yearly_panel_without_reps(castle):
    twfe = attribution.twfe(castle, **CASTLE, weight="popwt").estimate
    estimates = [
        attribution.twfe(castle, 0, **CASTLE, weight="popwt"),
        attribution.stacked_did(castle, 0, CASTLE_WINDOW, **CASTLE, weight="popwt", subunit=None),
        attribution.stacked_did(castle, 0, **CASTLE, weight="popwt", subunit=None),
        attribution.did2s(castle, 0, **CASTLE, weight="popwt"),
        attribution.did2s(castle, 0, **CASTLE, weight=None),
    ]
    for estimate in estimates:
        assert _finite(estimate), estimate
        assert "years 0+" in estimate.method
        assert estimate.covers(twfe), estimate.method


def test_yearly_event_study_has_one_year_bins_and_the_year_before_as_reference(castle):
    event = attribution.event_study(castle, CASTLE_WINDOW, bin_periods=1, **CASTLE, weight="popwt", subunit=None)
    assert event["years_since_rollout"].tolist() == list(range(-4, 3))
    reference = event[event["years_since_rollout"] == -1]
    assert (reference[["estimate", "ci_low", "ci_high"]] == 0).all(axis=None)
    others = event[event["years_since_rollout"] != -1]
    assert np.isfinite(others[["estimate", "ci_low", "ci_high"]].to_numpy()).all()
    assert (others["ci_low"] < others["ci_high"]).all()


def test_randomization_inference_on_a_continuous_outcome(castle):
    result = attribution.randomization_inference(castle, 0, CASTLE_WINDOW, max_assignments=200, bin_periods=1,
                                                 **CASTLE, weight="popwt")
    stacked = attribution.stacked_did(castle, 0, CASTLE_WINDOW, **CASTLE, weight="popwt", subunit=None)
    assert result.estimate.estimate == pytest.approx(stacked.estimate, rel=1e-9)
    assert result.assignments == 200
    assert _finite(result.estimate)
    assert 0 < result.estimate.p_value <= 1 and 0 < result.pretrend_p_value <= 1


def test_a_window_longer_than_the_panel_and_a_missing_column_fail_in_one_line(castle):
    with pytest.raises(ValueError, match=r"no treatment cohort has 18 years .* pass a shorter window"):
        attribution.event_study(castle, **CASTLE, weight="popwt", subunit=None)
    with pytest.raises(ValueError, match=r"no treatment cohort has 18 years"):
        attribution.randomization_inference(castle, 0, **CASTLE, weight="popwt")
    with pytest.raises(ValueError, match=r"no column 'rate' \(the outcome\)"):
        attribution.twfe(castle, unit="sid", time="year", start="effyear")
    with pytest.raises(ValueError, match=r"no column 'rep_id' \(the subunit\)"):
        attribution.stacked_did(castle, 0, CASTLE_WINDOW, **CASTLE, weight="popwt")
    with pytest.raises(ValueError, match=r"no column 'state' \(the cluster\)"):
        attribution.did2s(castle, 0, cluster="state", **CASTLE, weight="popwt")
    with pytest.raises(ValueError, match="cannot be negative"):
        attribution.did2s(castle, -1, **CASTLE, weight="popwt")
    dated = castle.assign(year=pd.to_datetime(castle["year"].astype(str)))
    with pytest.raises(ValueError, match=r"time column 'year' must number the periods"):
        attribution.twfe(dated, **CASTLE, weight="popwt")


# --- A monthly panel: shops, no weights, a continuous outcome ---------------------------------------------

MONTHLY_EFFECT = 3.0


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    """Eight shops over 48 months, sales with shop and month effects, the planted effect from the opening
    month on, and noise; two shops never open it."""
    rng = np.random.default_rng(0)
    opened = {"A": 12, "B": 12, "C": 18, "D": 24, "E": 30, "F": 36, "G": np.nan, "H": np.nan}
    rows = [(shop, month, start, 100 + 2 * i + 0.5 * month + rng.normal(0, 0.5)
             + (MONTHLY_EFFECT if month >= start else 0.0))
            for i, (shop, start) in enumerate(opened.items()) for month in range(48)]
    return pd.DataFrame(rows, columns=["shop", "month", "opened_month", "sales"])


def test_every_estimator_recovers_a_planted_effect_on_monthly_data(monthly):
    columns = {"outcome": "sales", "unit": "shop", "time": "month", "start": "opened_month", "weight": None}
    window = (6, 6)
    estimates = [
        attribution.twfe(monthly, **columns),
        attribution.stacked_did(monthly, 0, window, **columns, subunit=None),
        attribution.did2s(monthly, 0, **columns),
        attribution.randomization_inference(monthly, 0, window, max_assignments=300, **columns).estimate,
    ]
    for estimate in estimates:
        assert estimate.estimate == pytest.approx(MONTHLY_EFFECT, abs=0.3), estimate.method
        assert estimate.covers(MONTHLY_EFFECT) and not estimate.covers(0.0), estimate.method
    event = attribution.event_study(monthly, window, bin_periods=1, **columns, subunit=None)
    after = event[event["months_since_rollout"] >= 0]
    assert after["estimate"].to_numpy() == pytest.approx(MONTHLY_EFFECT, abs=1.0)


# --- The sample company: the same results as before the column names --------------------------------------

RAMP, WINDOW = kestrel.CRM_RAMP_WEEKS, attribution.EVENT_WINDOW

#: Each estimate on the committed sample data, computed by the estimators as they were before they took column
#: names (commit 4c8cad2): method, inference, then estimate, ci_low, ci_high, p_value.
BEFORE = {
    "twfe": ("two-way fixed effects (single post dummy)", "clustered by team (CR1, t with G-1 df)",
             (5.17595835, 3.590998258, 6.760918442, 0.0003930268642)),
    "twfe_ramp": ("two-way fixed effects (weeks 8+)", "clustered by team (CR1, t with G-1 df)",
                  (6.237074325, 4.911982581, 7.562166068, 6.810851501e-05)),
    "twfe_rep": ("two-way fixed effects (single post dummy)", "clustered by rep (CR1, t with G-1 df)",
                 (5.17595835, 4.003550577, 6.348366123, 2.162048318e-12)),
    "stacked": ("stacked difference-in-differences (weeks 8+)", "clustered by rep (CR1, t with G-1 df)",
                (5.94660998, 4.575408199, 7.31781176, 3.946620808e-12)),
    "stacked_trimmed": ("stacked difference-in-differences (trimmed, weighted) (weeks 8+)",
                        "clustered by team (CR1, t with G-1 df)",
                        (6.434129618, 5.90433019, 6.963929046, 6.331292897e-07)),
    "stacked_trimmed_rep": ("stacked difference-in-differences (trimmed, weighted) (weeks 8+)",
                            "clustered by rep (CR1, t with G-1 df)",
                            (6.434129618, 4.681553558, 8.186705678, 7.011675685e-10)),
    "did2s": ("two-stage DiD, Gardner (weeks 8+)", "clustered by team (CR1, t with G-1 df)",
              (5.794707631, 5.140954551, 6.448460711, 0.0)),
    "randomization": ("stacked difference-in-differences (trimmed, weighted) (weeks 8+)",
                      "randomisation over 360 rollout orders",
                      (6.434129618, 4.631935356, 8.438127303, 0.002777777778)),
    "placebo": ("stacked difference-in-differences (trimmed, weighted), placebo outcome leads_per_rep (weeks 8+)",
                "randomisation over 360 rollout orders", (-0.275, -0.7423076923, 0.0545212766, 0.09166666667)),
}
BEFORE_PRETREND = (1.637732605, 0.7972222222)  # the randomisation's pre-trend statistic and its p-value
#: The event study's rows: weeks_since_rollout, estimate, std_error, ci_low, ci_high.
BEFORE_EVENT = [
    (-18.0, -0.2145032159, 1.201317384, -3.302587862, 2.87358143),
    (-16.0, 2.089031551, 1.413827056, -1.545326599, 5.723389701),
    (-14.0, -0.8326132986, 2.259282744, -6.640284483, 4.975057886),
    (-12.0, -2.019184778, 1.211104552, -5.132428141, 1.094058586),
    (-10.0, 2.2966638, 1.932445517, -2.670845546, 7.264173145),
    (-8.0, 0.8019413451, 1.494985345, -3.041040828, 4.644923518),
    (-6.0, 1.419869695, 2.493657287, -4.990280431, 7.83001982),
    (-4.0, 2.084016238, 1.80851472, -2.564918851, 6.732951327),
    (-2.0, 0.0, 0.0, 0.0, 0.0),
    (0.0, 1.84604365, 2.193152817, -3.791635146, 7.483722445),
    (2.0, 1.574021147, 1.180739916, -1.461167433, 4.609209728),
    (4.0, 4.869238603, 2.390894371, -1.276751039, 11.01522825),
    (6.0, 6.045415602, 3.577497999, -3.150835771, 15.24166698),
    (8.0, 7.615091624, 1.389275045, 4.043846429, 11.18633682),
    (10.0, 8.948102728, 1.731307654, 4.497634721, 13.39857073),
    (12.0, 8.845934062, 0.6267821973, 7.234739131, 10.45712899),
    (14.0, 7.417084802, 1.868708302, 2.613417186, 12.22075242),
    (16.0, 6.734904171, 2.316162461, 0.7810190187, 12.68878932),
    (18.0, 7.379771152, 2.351800819, 1.334274685, 13.42526762),
    (20.0, 3.082196054, 1.4636821, -0.680318565, 6.844710672),
    (22.0, 5.124461489, 2.469648383, -1.223971785, 11.47289476),
    (24.0, 8.157182765, 1.64420874, 3.930609644, 12.38375588),
]
# pyfixest's fits differ between runs in the seventh significant digit of a standard error at most; the book
# glues six significant digits and shows far fewer.
SAME = {"rel": 1e-6, "abs": 1e-9}


@pytest.fixture(scope="module")
def sample_panel() -> pd.DataFrame:
    return MetricLayer.from_frames(load_tables(DATA_DIR)).rep_week_panel(kestrel.START)


def test_the_sample_company_gets_the_same_results_as_before(sample_panel):
    panel = sample_panel
    randomization = attribution.randomization_inference(panel, RAMP, WINDOW)
    now = {
        "twfe": attribution.twfe(panel),
        "twfe_ramp": attribution.twfe(panel, RAMP),
        "twfe_rep": attribution.twfe(panel, cluster="rep_id"),
        "stacked": attribution.stacked_did(panel, RAMP),
        "stacked_trimmed": attribution.stacked_did(panel, RAMP, WINDOW),
        "stacked_trimmed_rep": attribution.stacked_did(panel, RAMP, WINDOW, cluster="rep_id"),
        "did2s": attribution.did2s(panel, RAMP),
        "randomization": randomization.estimate,
        "placebo": attribution.randomization_inference(panel, RAMP, WINDOW, outcome="leads_per_rep",
                                                       pretrend=False).estimate,
    }
    for name, (method, inference, numbers) in BEFORE.items():
        estimate = now[name]
        assert (estimate.method, estimate.inference) == (method, inference), name
        assert (estimate.estimate, estimate.ci_low, estimate.ci_high, estimate.p_value) == pytest.approx(
            numbers, **SAME), name
    assert randomization.assignments == 360
    assert (randomization.pretrend_statistic, randomization.pretrend_p_value) == pytest.approx(BEFORE_PRETREND,
                                                                                               **SAME)
    event = attribution.event_study(panel)
    assert list(event.columns) == ["weeks_since_rollout", "estimate", "std_error", "ci_low", "ci_high"]
    np.testing.assert_allclose(event.to_numpy(), np.array(BEFORE_EVENT), rtol=SAME["rel"], atol=SAME["abs"])


def _glued(notebook: Path) -> dict[str, float]:
    """The numbers a notebook's stored outputs glue, by key."""
    glued = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get("application/papermill.record/text/plain")
            if "scrapbook" in output.get("metadata", {}) and record is not None:
                glued[output["metadata"]["scrapbook"]["name"]] = record
    return glued


def test_the_attribution_page_glues_what_the_estimators_give():
    """The attribution notebook's stored glue (six significant digits; did2s three), recomputed on its panel of
    mature leads: nbval compares the same outputs with a fresh run."""
    tables = load_tables(DATA_DIR, ["leads", "sales_reps", "sales_teams"])
    leads = attribution.mature_leads(tables["leads"], 42)  # the notebook's MATURITY_DAYS
    panel = MetricLayer.from_frames(tables | {"leads": leads}).rep_week_panel()
    randomization = attribution.randomization_inference(panel, RAMP, WINDOW)
    placebo = attribution.randomization_inference(panel, RAMP, WINDOW, outcome="leads_per_rep", pretrend=False)
    stacked = attribution.stacked_did(panel, RAMP, WINDOW)
    stacked_rep = attribution.stacked_did(panel, RAMP, WINDOW, cluster="rep_id")
    now = {
        "twfe_single": attribution.twfe(panel).estimate, "twfe_crm": attribution.twfe(panel, RAMP).estimate,
        "did_crm": stacked.estimate, "did_team_low": stacked.ci_low, "did_team_high": stacked.ci_high,
        "did_rep_low": stacked_rep.ci_low, "did_rep_high": stacked_rep.ci_high,
        "ri_low": randomization.estimate.ci_low, "ri_high": randomization.estimate.ci_high,
        "ri_p": randomization.estimate.p_value, "assignments": randomization.assignments,
        "pretrend_p": randomization.pretrend_p_value, "pretrend_rms": randomization.pretrend_statistic,
        "placebo_crm": placebo.estimate.estimate, "placebo_low": placebo.estimate.ci_low,
        "placebo_high": placebo.estimate.ci_high, "placebo_p": placebo.estimate.p_value,
    }
    glued = _glued(DATA_DIR.parent / "book" / "part3" / "attribution.ipynb")
    for name, value in now.items():
        assert float(glued[name]) == pytest.approx(value, rel=1e-5), name
    assert float(glued["did2s_crm"]) == pytest.approx(attribution.did2s(panel, RAMP).estimate, rel=1e-3)
