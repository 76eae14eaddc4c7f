"""NPV, IRR and payback against textbook values and edge cases."""

import math

import numpy as np
import pandas as pd
import pytest

from valuekit import DataError, finance


def test_monthly_rate_compounds_to_the_annual_rate():
    assert (1 + finance.monthly_rate(0.12)) ** 12 == pytest.approx(1.12)
    assert finance.monthly_rate(0.0) == 0.0
    with pytest.raises(ValueError):
        finance.monthly_rate(-1.0)


def test_npv_textbook_values():
    # 1,000 a year for three years at 10%, first payment in a year: 2,486.85 (annuity tables).
    flows = [0] * 37
    for month in (12, 24, 36):
        flows[month] = 1000
    assert finance.npv(0.10, flows) == pytest.approx(2486.85, abs=0.01)
    # With a zero rate NPV is the plain sum; month 0 is never discounted.
    assert finance.npv(0.0, [-100, 30, 30, 30, 30]) == pytest.approx(20.0)
    assert finance.npv(0.5, [-100]) == -100.0
    assert finance.npv(0.1, []) == 0.0


def test_irr_textbook_values():
    # numpy-financial's documented example has a per-period IRR of 28.095%; as monthly flows that is
    # (1.28095)^12 - 1 a year.
    assert finance.irr_annual([-100, 39, 59, 55, 20]) == pytest.approx(1.28094842 ** 12 - 1, rel=1e-6)
    # Pay 100, receive 112 a year later: 12% a year.
    assert finance.irr_annual([-100] + [0] * 11 + [112]) == pytest.approx(0.12, rel=1e-9)
    # NPV at the IRR is zero.
    flows = [-5000] + [300] * 24
    assert finance.npv(finance.irr_annual(flows), flows) == pytest.approx(0.0, abs=1e-6)


def test_irr_is_nan_without_a_sign_change():
    assert math.isnan(finance.irr_annual([-100, -10, -10]))
    assert math.isnan(finance.irr_annual([0, 0, 0]))
    assert math.isnan(finance.irr_annual([10, 10]))
    assert math.isnan(finance.irr_annual([-100]))


def test_payback():
    assert finance.payback_month([-100, 30, 30, 30, 30]) == 4
    assert finance.payback_month([-100, 50, 50]) == 2  # exactly zero counts as paid back
    assert finance.payback_month([-100, 10, 10]) is None  # never breaks even
    assert finance.payback_month([0, 0, 0]) == 0
    assert finance.payback_month([50, -10]) == 0
    assert finance.payback_month([]) is None
    # Costs that keep coming after a first recovery: the first crossing counts.
    assert finance.payback_month([-100, 120, -50, 100]) == 1


def test_savings_cash_flows_break_even():
    flows = finance.savings_cash_flows([60_000, 60_000], 17_000, 24)
    assert flows[:2].tolist() == [-60_000, -60_000]
    assert len(flows) == 24 and (flows[2:] == 17_000).all()
    assert finance.payback_month(flows) == 9  # 120,000 / 17,000 = 7.06 -> eighth saving month, month 9
    never = finance.savings_cash_flows([60_000], -500, 36)  # run cost above the saving: never pays back
    assert finance.payback_month(never) is None
    assert math.isnan(finance.irr_annual(never))
    with pytest.raises(ValueError):
        finance.savings_cash_flows([1, 2, 3], 10, 2)


# --- TEI mechanics ---------------------------------------------------------------------------------------------

def test_adoption_ramp_by_hand():
    assert finance.adoption_ramp(6, 1, 4).tolist() == [0, 0.25, 0.5, 0.75, 1, 1]
    assert finance.adoption_ramp(4, 2, 1).tolist() == [0, 0, 1, 1]  # no ramp: full from go-live
    assert finance.adoption_ramp(3, -2, 4).tolist() == [0.75, 1, 1]  # went live before the table starts
    assert finance.adoption_ramp(3, 5, 2).tolist() == [0, 0, 0]  # not live within the horizon


def test_recapture_counts_only_the_reused_share():
    assert finance.recaptured_value(100, 150) == 7_500  # default 50%: 100 h x 150 CNY x 0.5
    assert finance.recaptured_value(100, 150, recapture=1.0) == 15_000
    assert finance.DEFAULT_RECAPTURE == 0.5
    with pytest.raises(ValueError):
        finance.recaptured_value(100, 150, recapture=1.5)


def test_sunk_costs_stay_apart_from_future_flows():
    flows = pd.Series([-100.0, -10.0, 50.0, 50.0], index=pd.period_range("2024-11", periods=4, freq="M"))
    sunk, future = finance.split_sunk(flows, "2024-12")
    assert sunk.sum() == -110 and future.tolist() == [50, 50]
    assert str(future.index[0]) == "2025-01"
    # The forward NPV at 0% is the future flows only: the sunk 110 does not turn a +100 decision into -10.
    assert finance.npv(0.0, future) == 100


def test_mirr_by_hand():
    # No flows in between: the MIRR is the plain growth rate, 112 for 100 after 12 months is 12% a year.
    assert finance.mirr_annual([-100] + [0] * 11 + [112], 0.05, 0.05) == pytest.approx(0.12, rel=1e-9)
    # At zero rates: (50 + 60) / 100 over two months, so 1.1 ** (12 / 2) - 1 a year.
    assert finance.mirr_annual([-100, 50, 60], 0.0, 0.0) == pytest.approx(1.1 ** 6 - 1, rel=1e-9)
    # Reinvesting at 10% a year instead of the IRR brings a 390%-IRR-type case down to earth.
    flows = [-60_000, -60_000] + [18_000] * 34
    assert finance.mirr_annual(flows, 0.10, 0.10) < finance.irr_annual(flows) / 2
    assert math.isnan(finance.mirr_annual([-1, -1], 0.1, 0.1))


def test_range_percentiles_and_shapes():
    rng = np.random.default_rng(0)
    normal = finance.Range(10, 30).draw(rng, 200_000)
    assert np.percentile(normal, [10, 50, 90]) == pytest.approx([10, 20, 30], rel=0.01)
    skewed = finance.Range(10, 40, shape="lognormal")
    assert skewed.median == 20  # geometric mean of 10 and 40
    assert np.percentile(skewed.draw(rng, 200_000), [10, 50, 90]) == pytest.approx([10, 20, 40], rel=0.01)
    clipped = finance.Range(0.1, 0.9, low=0, high=1).draw(rng, 10_000)
    assert clipped.min() >= 0 and clipped.max() <= 1
    # A 95% interval of (4, 8): sd = 2 / 1.96, so P10 = 6 - 1.2816 x 1.0204 = 4.692.
    assert finance.Range.from_interval(4, 8).p10 == pytest.approx(4.6923, abs=1e-4)
    with pytest.raises(ValueError):
        finance.Range(5, 1)
    with pytest.raises(ValueError):
        finance.Range(-1, 1, shape="lognormal")


def test_monte_carlo_is_seeded_and_summarised():
    ranges = {"a": finance.Range(-1, 3), "b": finance.Range(1, 2)}
    first = finance.monte_carlo(lambda a, b: a * b, ranges, draws=500, seed=7)
    again = finance.monte_carlo(lambda a, b: a * b, ranges, draws=500, seed=7)
    assert first.equals(again) and list(first.columns) == ["a", "b", "npv"]
    assert (first["npv"] == first["a"] * first["b"]).all()
    summary = finance.npv_distribution([-1, 1, 2, 3])
    assert summary["P(NPV < 0)"] == 0.25 and summary["mean"] == 1.25 and summary["P50"] == 1.5


def test_pilot_option_value_by_hand():
    # Pilot, then launch only where NPV > 0: (0 + 100 + 300) / 3 - 50 = 83.33 (launching blind: E[NPV] = 100,
    # so here the pilot costs more than the downside it removes, 33.33).
    assert finance.pilot_option_value([-100, 100, 300], 50) == pytest.approx(400 / 3 - 50)
    # A six-month pilot at 21% a year delays the decision: discount by 1.21 ** 0.5 = 1.1.
    assert finance.pilot_option_value([-100, 100, 300], 50, 0.21, 6) == pytest.approx(400 / 3 / 1.1 - 50)
    # All worlds bad: the option is worth minus the pilot, never less.
    assert finance.pilot_option_value([-5, -1], 10) == -10


def saas_case(**changes):
    base = dict(price_per_seat=106, seats_per_customer=10, new_customers_per_month=(2,), monthly_churn=0.5,
                cac_per_customer=100, rnd=1_000, build_months=2, compliance_one_off=300, compliance_per_year=50,
                maintenance_base=10, maintenance_per_customer=1, support_per_customer=2,
                infrastructure_per_seat=0.5, vat_rate=0.06, payment_fee_rate=0.01)
    base.update(changes)
    return finance.SaasCase(**base)


def test_saas_pnl_by_hand():
    table = finance.saas_pnl(saas_case(), 15)
    assert (table.loc[:1, "revenue"] == 0).all()  # no revenue before launch
    assert table.loc[0, "cash_flow"] == -500  # half the R&D
    assert table.loc[1, "cash_flow"] == -800  # the other half and the 等保2.0 assessment
    # Launch month: 2 customers x 10 seats x 106 = 2,120 billed; 120 of it is VAT, revenue 2,000;
    # fees 21.2, CAC 2 x 100, maintenance 10 + 2, support 4, infrastructure 10.
    launch = table.loc[2]
    assert launch["vat"] == pytest.approx(120) and launch["revenue"] == pytest.approx(2_000)
    assert launch["cash_flow"] == pytest.approx(2_000 - 21.2 - 200 - 12 - 4 - 10)
    # Churn: half the customers leave each month, two join: 2 x 0.5 + 2 = 3; maintenance grows with them.
    assert table.loc[3, "customers"] == 3 and table.loc[3, "maintenance"] == 13
    assert table.loc[3, "cash_flow"] == pytest.approx(3_000 - 31.8 - 200 - 13 - 6 - 15)
    # The yearly re-assessment falls on the launch anniversary, month 14.
    assert table["compliance"].tolist().count(50) == 1 and table.loc[14, "compliance"] == 50
    assert finance.payback_month(table["cash_flow"]) == 2


def test_saas_cac_and_churn_cost_money():
    base = finance.npv(0.1, finance.saas_pnl(saas_case(), 36)["cash_flow"])
    dearer = finance.npv(0.1, finance.saas_pnl(saas_case(cac_per_customer=200), 36)["cash_flow"])
    leakier = finance.npv(0.1, finance.saas_pnl(saas_case(monthly_churn=0.6), 36)["cash_flow"])
    assert dearer < base and leakier < base
    # 100 more CAC on 2 new customers in each of the 34 live months (2 to 35), discounted month by month.
    r = finance.monthly_rate(0.1)
    assert base - dearer == pytest.approx(sum(200 / (1 + r) ** m for m in range(2, 36)))
    # No churn: customers grow by two a month from launch.
    steady = finance.saas_pnl(saas_case(monthly_churn=0.0), 6)
    assert steady["customers"].tolist() == [0, 0, 2, 4, 6, 8]
    nobody = finance.saas_pnl(saas_case(new_customers_per_month=(0,)), 36)
    assert finance.payback_month(nobody["cash_flow"]) is None
    with pytest.raises(ValueError):
        finance.saas_pnl(saas_case(build_months=0), 12)


def test_saas_sales_pace_by_year():
    table = finance.saas_pnl(saas_case(new_customers_per_month=(1, 3), monthly_churn=0.0), 30)
    assert table.loc[2:13, "new_customers"].eq(1).all() and table.loc[14:, "new_customers"].eq(3).all()


def test_savings_ramp_up_after_go_live():
    # Two build months, then a 1,000 saving ramping over 4 months, less a 100 running cost paid in full:
    # 250 - 100, 500 - 100, 750 - 100, then 1,000 - 100.
    flows = finance.savings_cash_flows([300, 300], 1_000, 8, ramp_months=4, run_cost_per_month=100)
    assert flows.tolist() == [-300, -300, 150, 400, 650, 900, 900, 900]
    assert finance.payback_month(flows) == 4  # cumulative -600, -450, -50, 600
    # Without a ramp the old behaviour: the net saving from the first live month.
    assert finance.savings_cash_flows([300], 200, 3).tolist() == [-300, 200, 200]
    # The ramp delays payback: booking 100% from month one would have said month 2.
    assert finance.payback_month(finance.savings_cash_flows([300, 300], 900, 8)) == 2


# --- One automation's savings case ---------------------------------------------------------------------------

def test_loaded_wage_of_a_role_and_a_missing_role():
    wages = pd.DataFrame({"role": ["approver", "sales_rep"], "loaded_hourly_cost_cny": [260.0, 180.0]})
    assert finance.loaded_wage(wages, "sales_rep") == 180.0
    with pytest.raises(DataError, match="no row for role 'engineer'"):
        finance.loaded_wage(wages, "engineer")


def test_build_and_run_splits_one_project_in_month_order():
    months = pd.to_datetime(["2024-03-01", "2024-01-01", "2024-02-01", "2024-04-01", "2024-01-01"])
    costs = pd.DataFrame({"project": ["push", "push", "push", "push", "other"], "month": months,
                          "cost_type": ["run", "build", "build", "run", "build"],
                          "amount_cny": [3_000.0, 60_000.0, 50_000.0, 3_500.0, 1.0]})
    push = finance.build_and_run(costs, "push")
    assert push.build.tolist() == [60_000.0, 50_000.0]
    assert push.build.index.tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert push.run_per_month == 3_500.0  # the latest month's rate, not the mean of 3,250
    assert finance.build_and_run(costs, "other").run_per_month == 0.0
    with pytest.raises(DataError, match="no rows for project 'crm'"):
        finance.build_and_run(costs, "crm")


def test_savings_case_by_hand():
    case = finance.SavingsCase(hours_freed_per_month=40, hourly_cost=100, recapture=0.5, ramp_months=2)
    assert case.saving_per_month == 2_000  # 40 h x 100 CNY x 50%
    assert case.saving_by_month(5, go_live_month=1).tolist() == [0, 1_000, 2_000, 2_000, 2_000]
    costs = finance.BuildAndRun(build=pd.Series([3_000.0, 1_000.0]), run_per_month=500.0)
    # Build for two months, then half the saving in the first live month, all of it after; the run cost in full.
    assert case.cash_flows(costs, 5).tolist() == [-3_000, -1_000, 500, 1_500, 1_500]
