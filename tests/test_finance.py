"""NPV, IRR and payback against textbook values and edge cases."""

import math

import pytest

from valuekit import finance


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


def test_customer_ramp():
    ramp = finance.customers_by_month([12, 24], 24)
    assert ramp[0] == 1 and ramp[11] == 12 and ramp[12] == 13 and ramp[23] == 24
    assert finance.customers_by_month([12], 15)[-1] == 12  # flat after the last year given


def saas(customers):
    return finance.saas_cash_flows(price_per_seat=50, seats_per_customer=10, customers=customers, one_off_rnd=1_000,
                                   maintenance_per_month=100, support_per_customer_month=20,
                                   infrastructure_per_seat_month=5)


def test_saas_cash_flows_by_hand():
    table = saas([0, 2, 2])
    # month 1: revenue 2 x 10 x 50 = 1,000; costs 100 + 2 x 20 + 20 x 5 = 240
    assert table.loc[1, "revenue"] == 1_000
    assert table.loc[1, "cash_flow"] == 760
    assert table.loc[0, "cash_flow"] == -1_100
    assert finance.payback_month(table["cash_flow"]) == 2


def test_saas_with_zero_customers_never_pays_back():
    table = saas([0] * 36)
    assert (table["revenue"] == 0).all()
    assert finance.payback_month(table["cash_flow"]) is None
    assert math.isnan(finance.irr_annual(table["cash_flow"]))
    assert finance.npv(0.0, table["cash_flow"]) == -(1_000 + 36 * 100)
