"""The middle office: the planted launch-time saving, reuse, costs and chargeback response are recovered by
valuekit.middle_office on two seeds, and each function behaves on tiny hand-made frames."""


import numpy as np
import pandas as pd
import pytest

from valuekit import company as kestrel
from valuekit import middle_office as mo
from valuekit.loader import change_date

TRUTH = kestrel.PLANTED_TRUTHS


# Planted truths, on the committed seed and another --------------------------------------------------------


def test_launch_saving_at_equal_scope_is_recovered_and_the_naive_one_understates_it(company):
    saving = mo.launch_time_saving(company["front_offices"])
    assert saving["saving_weeks"] == pytest.approx(TRUTH["launch_weeks_saved"], abs=1.0)
    assert saving["saving_low"] <= TRUTH["launch_weeks_saved"] <= saving["saving_high"]
    assert saving["weeks_per_scope_point"] == pytest.approx(TRUTH["weeks_per_scope_point"], abs=0.08)
    assert saving["naive_saving_weeks"] < saving["saving_weeks"] - 1  # later, bigger front offices hide it


def test_reuse_rate_is_the_share_built_on_the_service_after_go_live(company, truths):
    reuse = mo.reuse_rate(company["front_offices"], change_date(company, "customer_record_service"))
    assert reuse["reuse_rate"] == pytest.approx(truths["shared_service_reuse_rate"], abs=1e-6)
    before = company["front_offices"]["kickoff_on"] < change_date(company, "customer_record_service")
    assert (company["front_offices"].loc[before, "customer_records"] == "own").all()


def test_marginal_cost_of_a_call_is_recovered(company):
    cost = mo.marginal_cost(company["service_costs"], company["service_usage"])
    assert cost["cny_per_million_calls"] == pytest.approx(TRUTH["infra_cny_per_million_calls"], abs=150)
    assert cost["fixed_cny_per_month"] == pytest.approx(kestrel.INFRA_BASE_CNY_PER_MONTH, abs=3_000)


def test_consumers_trim_their_calls_once_charged(company):
    response = mo.chargeback_response(company["service_usage"], change_date(company, "service_chargeback"))
    assert len(response) >= 3
    assert response["ratio"].median() == pytest.approx(1 + TRUTH["chargeback_call_change"], abs=0.05)


def test_showback_splits_the_whole_run_cost_both_ways(company):
    month = change_date(company, "service_chargeback") - pd.DateOffset(months=1)
    shown = mo.showback(company["service_costs"], company["service_usage"], month)
    run = mo.monthly_run_cost(company["service_costs"], company["service_usage"]).loc[month, "run_cost_cny"]
    assert shown["even_split_cny"].sum() == pytest.approx(run)
    assert shown["by_usage_cny"].sum() == pytest.approx(run)
    assert shown["usage_minus_even_cny"].iloc[0] > 0 > shown["usage_minus_even_cny"].iloc[-1]


def test_only_shared_front_offices_call_the_service_and_only_after_launch(company):
    usage = company["service_usage"].merge(company["front_offices"], on="front_office_id")
    assert (usage["customer_records"] == "shared").all()
    assert (usage["month"] >= usage["launched_on"].dt.to_period("M").dt.to_timestamp()).all()


# Functions on tiny frames ---------------------------------------------------------------------------------


def tiny_front_offices():
    kickoff = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-04", "2024-03-04", "2024-03-04"])
    scope = np.array([10, 20, 10, 20, 30])
    shared = np.array([False, False, True, True, False])
    weeks = 2 + 0.5 * scope + np.where(shared, 1, 4)  # exactly 3 weeks saved, 0.5 weeks per point
    return pd.DataFrame({
        "front_office_id": ["A", "B", "C", "D", "E"], "name": list("abcde"), "kickoff_on": kickoff,
        "launched_on": kickoff + pd.to_timedelta(weeks * 7, unit="D"), "scope_points": scope,
        "customer_records": np.where(shared, "shared", "own"),
    })


def test_launch_weeks_and_saving_on_an_exact_line():
    front_offices = tiny_front_offices()
    assert mo.launch_weeks(front_offices).tolist() == [11.0, 16.0, 8.0, 13.0, 21.0]
    saving = mo.launch_time_saving(front_offices)
    assert saving["saving_weeks"] == pytest.approx(3.0)
    assert saving["weeks_per_scope_point"] == pytest.approx(0.5)
    assert saving["naive_saving_weeks"] == pytest.approx(16.0 - 10.5)
    assert (saving["on_shared"], saving["own"]) == (2, 3)


def test_reuse_rate_counts_only_front_offices_that_could_choose():
    reuse = mo.reuse_rate(tiny_front_offices(), pd.Timestamp("2024-02-01"))
    assert reuse == {"could_choose": 3, "on_shared": 2, "reuse_rate": pytest.approx(2 / 3)}
    assert np.isnan(mo.reuse_rate(tiny_front_offices(), pd.Timestamp("2025-01-01"))["reuse_rate"])


def tiny_costs_and_usage():
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    calls = {"A": [1_000_000, 2_000_000, 3_000_000], "B": [0, 2_000_000, 1_000_000]}
    usage = pd.DataFrame([(month, consumer, values[i]) for consumer, values in calls.items()
                          for i, month in enumerate(months)], columns=["month", "front_office_id", "api_calls"])
    total = usage.groupby("month")["api_calls"].sum()
    costs = pd.DataFrame(
        [(pd.Timestamp("2023-12-01"), "build", 50_000.0)]
        + [(month, "platform_team", 10_000.0) for month in months]
        + [(month, "infrastructure", 1_000.0 + 500.0 * total[month] / 1e6) for month in months],
        columns=["month", "cost_item", "amount_cny"])
    return costs, usage


def test_monthly_run_cost_leaves_out_build_and_counts_consumers_with_calls():
    costs, usage = tiny_costs_and_usage()
    frame = mo.monthly_run_cost(costs, usage)
    assert frame.index.tolist() == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert frame["consumers"].tolist() == [1, 2, 2]
    assert frame["run_cost_cny"].tolist() == [11_500.0, 13_000.0, 13_000.0]
    assert frame["cost_per_consumer_cny"].tolist() == [11_500.0, 6_500.0, 6_500.0]


def test_marginal_cost_on_an_exact_line():
    costs, usage = tiny_costs_and_usage()
    cost = mo.marginal_cost(costs, usage)
    assert cost["cny_per_million_calls"] == pytest.approx(500.0)
    assert cost["fixed_cny_per_month"] == pytest.approx(1_000.0)
    assert cost["months"] == 3


def test_allocate_even_and_by_usage():
    calls = pd.Series({"A": 3.0, "B": 1.0})
    assert mo.allocate(100.0, calls, "even").tolist() == [50.0, 50.0]
    assert mo.allocate(100.0, calls, "usage").tolist() == [75.0, 25.0]
    with pytest.raises(ValueError, match="unknown allocation method"):
        mo.allocate(100.0, calls, "headcount")


def test_showback_orders_heaviest_first_and_leaves_out_idle_consumers():
    costs, usage = tiny_costs_and_usage()
    shown = mo.showback(costs, usage, pd.Timestamp("2024-03-01"))
    assert shown.index.tolist() == ["A", "B"]
    assert shown["by_usage_cny"].tolist() == pytest.approx([13_000 * 0.75, 13_000 * 0.25])
    assert mo.showback(costs, usage, pd.Timestamp("2024-01-01")).index.tolist() == ["A"]


def test_chargeback_response_skips_the_first_month_and_short_histories():
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    usage = pd.DataFrame({
        "month": list(months) + list(months[8:]),
        "front_office_id": ["A"] * 12 + ["B"] * 4,
        "api_calls": [500] + [1_000] * 5 + [800] * 6 + [1_000] * 4,
    })
    response = mo.chargeback_response(usage, pd.Timestamp("2024-07-01"), months=6, min_months=3)
    assert response.index.tolist() == ["A"]  # B has no month before billing
    assert response.loc["A"].tolist() == [1_000.0, 800.0, 0.8]
