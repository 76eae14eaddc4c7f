"""The metric layer runs unchanged on Apache Spark (PySpark, local mode) and returns what DuckDB returns.

On the sample company and on a x10 company (ten relabelled copies of every table): counts exactly, means to
1e-9 relative. Both backends read the same typed Parquet files. Needs Java: without it these tests skip,
unless REQUIRE_SPARK=1 (make test-spark), where a missing Java fails them.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from valuekit import load_tables
from valuekit import warehouse as wh

from .conftest import DATA_DIR
from .test_warehouse import assert_same

COPIES = 10
# Columns holding identifiers, relabelled per copy so the ten copies are ten companies, not duplicate rows.
ID_COLUMNS = {"sales_teams": ["team_id"], "sales_reps": ["rep_id", "team_id"], "leads": ["lead_id", "rep_id"],
              "usage_events": ["user_id"], "approvals": ["request_id"], "approval_steps": ["request_id"],
              "tickets": ["ticket_id"]}

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None and os.environ.get("REQUIRE_SPARK") != "1",
                       reason="no Java found (make test-spark installs it and runs these)"),
    # Ibis's pandas conversion (ibis/formats/pandas.py, used to collect Spark results) reads pandas 3's
    # deprecated option future.infer_string; fixed upstream in Ibis, harmless here.
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated:pandas.errors.Pandas4Warning"),
    # PySpark 4.0's toPandas passes astype(copy=False), deprecated under pandas 3's copy-on-write.
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:pandas.errors.Pandas4Warning"),
    # py4j leaves its gateway sockets to the garbage collector.
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]


def times_ten(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Ten copies of the company, identifiers suffixed -0 .. -9: ten times the rows, same dates."""
    bigger = {}
    for name, frame in frames.items():
        copies = [frame.assign(**{column: frame[column] + f"-{copy}" for column in ID_COLUMNS[name]})
                  for copy in range(COPIES)]
        bigger[name] = pd.concat(copies, ignore_index=True)
    return bigger


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = wh.spark_session(log_dir=tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def companies(tmp_path_factory) -> dict[str, object]:
    sample = load_tables(DATA_DIR, list(wh.LAYER_TABLES))
    return {"sample": wh.write_parquet(sample, tmp_path_factory.mktemp("sample")),
            "x10": wh.write_parquet(times_ten(sample), tmp_path_factory.mktemp("x10"))}


def layers(spark, folder) -> tuple[wh.MetricLayer, wh.MetricLayer]:
    on_spark = wh.connect_spark(spark)
    wh.register_parquet(on_spark, folder)
    return wh.MetricLayer(wh.connect_duckdb(folder)), wh.MetricLayer(on_spark)


METRICS = {
    "active_users": lambda layer: layer.active_users(),
    "active_users_lead_scoring": lambda layer: layer.active_users("lead_scoring"),
    "monthly_active_users": lambda layer: layer.monthly_active_users(),
    "weekly_adoption": lambda layer: layer.weekly_adoption("lead_scoring"),
    "module_use": lambda layer: layer.module_use(),
    "monthly_module_events": lambda layer: layer.monthly_module_events(),
    "rep_week_panel": lambda layer: layer.rep_week_panel(),
    "weekly_tickets": lambda layer: layer.weekly_tickets(),
    "weekly_tickets_by_category": lambda layer: layer.weekly_tickets_by_category(),
    "touch_hours_by_month": lambda layer: layer.touch_hours_by_month(),
}


@pytest.mark.parametrize("company", ["sample", "x10"])
def test_spark_returns_what_duckdb_returns(spark, companies, company):
    duckdb_layer, spark_layer = layers(spark, companies[company])
    for name, metric in METRICS.items():
        on_duckdb, on_spark = metric(duckdb_layer), metric(spark_layer)
        assert len(on_duckdb) > 0, name
        try:
            assert_same(on_spark, on_duckdb)
        except AssertionError as error:
            raise AssertionError(f"{name} on the {company} company: {error}") from error


def test_ten_copies_count_ten_times(spark, companies):
    """The x10 company really is ten companies: ten times the users every day, the same stickiness."""
    # One Spark session holds one view per table name: read the sample before registering the x10 company.
    small = layers(spark, companies["sample"])[1].active_users()
    large = layers(spark, companies["x10"])[1].active_users()
    assert (large["dau"] == COPIES * small["dau"]).all() and (large["wau"] == COPIES * small["wau"]).all()
    pd.testing.assert_series_equal(large["stickiness"], small["stickiness"], rtol=1e-12)
