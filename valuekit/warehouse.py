"""The metric layer: the queries that turn raw event-level tables into small aggregates, written once in Ibis.

The same expressions run in-process on DuckDB (the default: no server, the validated CSV or Parquet folder)
and, unchanged, on any Ibis backend that holds the contract's tables under the contract's names: Spark
(``ibis.pyspark.connect(session)``), Trino, ClickHouse, BigQuery. Only the small results leave the backend;
the regressions and plots that consume them stay local, in pandas.

Each expression function takes Ibis tables with the contract's column names (see :mod:`valuekit.schema`) and
returns an Ibis table; :class:`MetricLayer` runs them on a connection and returns small pandas frames. The
notebooks take their usage, conversion-panel, ticket and approval aggregates from it too
(:meth:`MetricLayer.from_frames` puts the frames they loaded on an in-process DuckDB), so each aggregation is
written once, here, whether the events are in a CSV export or a warehouse.

Day arithmetic is done on day numbers (days since 1970-01-01, :meth:`epoch_days`), because every SQL dialect
agrees on integers and not on date differences.

A CSV folder is read through :func:`valuekit.loader.load_tables`, so a spreadsheet export gets the same
validation and the same one-line errors as in the notebooks (encodings, date styles, keys, bounds), and the
validated frames are handed to DuckDB as Arrow tables. A folder of Parquet files named after the tables (a
warehouse extract, too large for pandas, and already typed) is read by DuckDB directly; its columns are
checked against the contract and cast to the contract's types, as on any other backend.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .loader import DataError, load_tables
from .schema import TABLES

# The contract's field types as Ibis and Arrow types.
IBIS_TYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "boolean", "date": "date",
              "datetime": "timestamp"}
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
               "date": pa.date32(), "datetime": pa.timestamp("us")}
# The tables the metric layer reads and, of each, the columns its queries use: a table needs these (under the
# contract's names) and may have any others, which are not read.
LAYER_COLUMNS = {
    "sales_teams": ("team_id", "crm_rollout_date"),
    "sales_reps": ("rep_id", "team_id"),
    "leads": ("rep_id", "created_on", "converted"),
    "usage_events": ("event_date", "user_id", "module", "events"),
    "approvals": ("request_id", "submitted_at"),
    "approval_steps": ("request_id", "touch_minutes"),
    "tickets": ("opened_on", "category", "resolution_hours"),
}
LAYER_TABLES = tuple(LAYER_COLUMNS)
WEEK_DAYS = 7
# Periods per bitmask in the distinct counts (:func:`_period_masks`): 56 days, so that a block of days and
# the six days before it fit the 63 value bits of a signed 64-bit integer (:func:`active_users`).
MASK_BITS = 56
EPOCH_WEEKDAY = 3  # 1970-01-01, day 0, was a Thursday (Monday = 0)


# Contract and connections ----------------------------------------------------------------------------------


def _layer_fields(name: str) -> list[dict]:
    """The contract's fields of table `name` that the layer reads, in contract order."""
    if name not in LAYER_COLUMNS:
        raise DataError(f"table '{name}' is not one the metric layer reads; it reads {', '.join(LAYER_COLUMNS)}")
    return [field for field in TABLES[name]["fields"] if field["name"] in LAYER_COLUMNS[name]]


def contract_table(table: ir.Table, name: str) -> ir.Table:
    """The columns of `table` that the layer reads (:data:`LAYER_COLUMNS`), in contract order and cast to the
    contract's types.

    Other columns are dropped; a missing column raises DataError naming the table and the columns.
    """
    fields = _layer_fields(name)
    missing = [field["name"] for field in fields if field["name"] not in table.columns]
    if missing:
        raise DataError(f"table '{name}' has no column {', '.join(repr(column) for column in missing)}; the "
                        f"metric layer expects the contract's names (see data/README.md)")
    columns = {}
    for field in fields:
        column = table[field["name"]]
        wanted = ibis.dtype(IBIS_TYPES[field["type"]])
        columns[field["name"]] = column if column.type().copy(nullable=True) == wanted else column.cast(wanted)
    return table.select(**columns)


def contract_tables(con: ibis.BaseBackend, names: Iterable[str] = LAYER_TABLES) -> dict[str, ir.Table]:
    """The contract's tables on a backend, by name, checked and typed by :func:`contract_table`."""
    available = set(con.list_tables())
    absent = [name for name in names if name not in available]
    if absent:
        raise DataError(f"the backend has no table {', '.join(repr(name) for name in absent)}; the metric layer "
                        "expects the contract's table names (see data/README.md)")
    return {name: contract_table(con.table(name), name) for name in names}


def arrow_table(frame: pd.DataFrame, name: str, fields: Iterable[dict] | None = None) -> pa.Table:
    """A validated frame as an Arrow table with the contract's types (dates as dates, not timestamps): all the
    contract's columns of table `name`, or only those of `fields`."""
    fields = TABLES[name]["fields"] if fields is None else fields
    schema = pa.schema([(field["name"], ARROW_TYPES[field["type"]]) for field in fields])
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def write_parquet(frames: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write validated frames as typed Parquet files, ``<table>.parquet``: what a warehouse load reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        pq.write_table(arrow_table(frame, name), folder / f"{name}.parquet")
    return folder


def register_parquet(con: ibis.BaseBackend, folder: str | Path, names: Iterable[str] = LAYER_TABLES) -> None:
    """Register ``<table>.parquet`` files from `folder` on `con` under the contract's table names."""
    for name in names:
        con.read_parquet(str(Path(folder) / f"{name}.parquet"), table_name=name)


def connect_duckdb(data_dir: str | Path | None = None, names: Iterable[str] = LAYER_TABLES,
                   threads: int | None = None, **config) -> ibis.BaseBackend:
    """An in-process DuckDB connection holding the contract's tables from `data_dir`.

    A folder with ``<table>.parquet`` for every table is read by DuckDB directly; otherwise the CSV files
    are validated and loaded by the loader, as the notebooks read them. Without `data_dir`, an empty
    connection (for tables you create yourself). `config` goes to DuckDB (e.g. ``memory_limit="8GB"``).
    """
    con = ibis.duckdb.connect(**({"threads": threads} if threads else {}), **config)
    if data_dir is None:
        return con
    names = list(names)
    folder = Path(data_dir)
    if all((folder / f"{name}.parquet").is_file() for name in names):
        register_parquet(con, folder, names)
        return con
    return add_frames(con, load_tables(folder, names))


def add_frames(con: ibis.BaseBackend, frames: dict[str, pd.DataFrame]) -> ibis.BaseBackend:
    """Create the layer's tables on `con` from validated frames (as :func:`load_tables` returns them), with the
    columns the layer reads."""
    for name, frame in frames.items():
        con.create_table(name, arrow_table(frame, name, _layer_fields(name)), overwrite=True)
    return con


LOG4J2 = """\
status = error
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def spark_session(app_name: str = "valuekit", shuffle_partitions: int = 2, log_dir: str | Path | None = None):
    """A quiet local Spark session on two cores: no UI, UTC, few shuffle partitions, nothing downloaded.

    Spark's log4j output is cut to errors and the JVM's own stderr (log lines and the JDK's notices) goes to
    ``spark-jvm.log`` in `log_dir` (a new temporary folder by default), so it does not clutter a notebook or
    a test run; read that file when Spark fails.
    """
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="valuekit-spark-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / "log4j2.properties").write_text(LOG4J2, encoding="utf-8")
    conf = (SparkConf().setMaster("local[2]").setAppName(app_name)
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false")
            .set("spark.sql.session.timeZone", "UTC")
            .set("spark.sql.shuffle.partitions", str(shuffle_partitions))
            .set("spark.default.parallelism", str(shuffle_partitions))
            .set("spark.sql.execution.arrow.pyspark.enabled", "true")
            .set("spark.sql.warehouse.dir", str(log_dir / "warehouse"))
            .set("spark.local.dir", str(log_dir / "local"))
            .set("spark.driver.extraJavaOptions",
                 f"-Dlog4j2.configurationFile=file:{log_dir / 'log4j2.properties'} -Dderby.system.home={log_dir}"))
    # SPARK_LOCAL_IP keeps Spark on the loopback interface (and stops it warning about the host name).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with open(log_dir / "spark-jvm.log", "ab") as jvm_log:
        gateway = launch_gateway(conf, popen_kwargs={"stderr": jvm_log})
    context = SparkContext(conf=conf, gateway=gateway)
    return SparkSession(context)


def connect_spark(session=None) -> ibis.BaseBackend:
    """Ibis on Spark: an existing SparkSession (a cluster's), or a local one from :func:`spark_session`."""
    return ibis.pyspark.connect(session if session is not None else spark_session())


# Day numbers -----------------------------------------------------------------------------------------------


def _day(value: ir.Value) -> ir.IntegerValue:
    """Days since 1970-01-01 of a date or timestamp column."""
    return value.cast("date").epoch_days() if value.type().is_timestamp() else value.epoch_days()


def _date(day: ir.IntegerValue) -> ir.DateValue:
    """The date of a day number."""
    return ibis.date(1970, 1, 1) + day.as_interval("D")


def _monday(day: ir.IntegerValue) -> ir.IntegerValue:
    """The day number of the Monday that starts the week of `day`."""
    return day - (day + EPOCH_WEEKDAY) % WEEK_DAYS


def _day_number(value: date | pd.Timestamp) -> int:
    return (pd.Timestamp(value).normalize() - pd.Timestamp("1970-01-01")).days


# Usage -----------------------------------------------------------------------------------------------------


def _module(usage: ir.Table, module: str | None) -> ir.Table:
    return usage if module is None else usage.filter(usage.module == module)


def _calendar(events: ir.Table) -> ir.Table:
    """Every day number from the first to the last `event_date` of `events`, one row each."""
    # The bounds of the dates first, then their day numbers: two conversions, not one per event.
    bounds = events.aggregate(first=events.event_date.min(), last=events.event_date.max())
    return bounds.select(day=ibis.range(_day(bounds.first), _day(bounds.last) + 1).unnest())


@ibis.udf.agg.builtin(name="bit_or")
def _builtin_bit_or(value: int) -> int:
    """Spark's own bit_or aggregate: Ibis 12 compiles its bit_or() for DuckDB, Trino, ClickHouse and BigQuery,
    not for PySpark."""


def _bit_or(column: ir.IntegerColumn) -> ir.IntegerScalar:
    try:
        backend = ibis.get_backend(column).name
    except Exception:  # an unbound expression: compile it for any backend
        backend = None
    return _builtin_bit_or(column) if backend == "pyspark" else column.bit_or()


def _period_masks(table: ir.Table, period: ir.IntegerValue) -> ir.Table:
    """Per user and block of MASK_BITS consecutive periods (day, week or month numbers): ``mask``, whose bit k
    says the user has a row in the block's k-th period.

    A bitwise OR over the rows does the distinct counting in one aggregation, with up to MASK_BITS times fewer
    groups than distinct user-periods would need: the hash table stays small, no sort, no distinct count
    over a moving window (which Spark and others lack).
    """
    offset = period % MASK_BITS
    # Bit `offset` as the top bit shifted right: a literal that large is a 64-bit integer in every dialect,
    # where Spark reads a literal 1 as a 32-bit one, whose left shift wraps beyond bit 31.
    top = 1 << (MASK_BITS - 1)
    bits = table.select("user_id", block=(period - offset) // MASK_BITS,
                        bit=ibis.literal(top, "int64") >> (MASK_BITS - 1 - offset))
    return bits.group_by(["user_id", "block"]).aggregate(mask=_bit_or(bits.bit))


def _per_period(table: ir.Table, keys: list[str], per_offset) -> ir.Table:
    """One row per key and period from the rows of each key and block: ``per_offset(k)`` names the aggregates
    of the block's k-th period, computed together in one aggregation and unnested with their offset."""
    aggregates = [per_offset(k) for k in range(MASK_BITS)]
    per_block = table.group_by([*keys, "block"]).aggregate(
        periods=ibis.array([ibis.struct(named) for named in aggregates]))
    spread = per_block.unnest("periods", offset="offset")
    return spread.select(*keys, period=spread.block * MASK_BITS + spread.offset,
                         **{name: spread.periods[name] for name in aggregates[0]})


def _users_per_period(masks: ir.Table, keys: list[str]) -> ir.Table:
    """Per key and period: the users whose bit is set in :func:`_period_masks`; periods without users left out."""
    periods = _per_period(masks, keys, lambda k: {"users": ((masks.mask >> k) & 1).sum()})
    return periods.filter(periods.users > 0)


def active_users(usage: ir.Table, module: str | None = None) -> ir.Table:
    """Per workday: DAU, trailing-7-day WAU and stickiness (DAU / WAU).

    Days with no event between the first and the last count, with DAU 0. Per user and block of MASK_BITS days,
    one bitmask holds the six days before the block (bits 0..5) and the block's days (bit 6 + k for its k-th
    day): the DAU of the k-th day counts the users with bit 6 + k, its WAU those with any of bits k..k+6.
    """
    events = _module(usage, module)
    masks = _period_masks(events, _day(events.event_date))
    zero = ibis.literal(0, "int64")
    both = masks.select("user_id", "block", this=masks.mask, previous=zero).union(
        masks.select("user_id", block=masks.block + 1, this=zero, previous=masks.mask))
    # Each user and block is at most once on each side of the union: the maximum picks the mask.
    blocks = both.group_by(["user_id", "block"]).aggregate(this=both.this.max(), previous=both.previous.max())
    lookback = WEEK_DAYS - 1
    weeks = blocks.select("block", days=(blocks.this << lookback) | (blocks.previous >> (MASK_BITS - lookback)))

    def day_counts(k: int) -> dict[str, ir.IntegerScalar]:
        return {"dau": ((weeks.days >> (k + lookback)) & 1).sum(),
                "wau": (((weeks.days >> k) & ((1 << WEEK_DAYS) - 1)) != 0).cast("int64").sum()}

    daily = _per_period(weeks, [], day_counts).rename(day="period")
    calendar = _calendar(events)
    joined = calendar.left_join(daily, "day")
    frame = joined.select(day=calendar.day, dau=daily.dau.fill_null(0), wau=daily.wau.fill_null(0))
    frame = frame.filter((frame.day + EPOCH_WEEKDAY) % WEEK_DAYS < 5)
    return frame.select(
        event_date=_date(frame.day), dau=frame.dau, wau=frame.wau,
        stickiness=frame.dau.cast("float64") / frame.wau.nullif(0).cast("float64"),
    ).order_by("event_date")


def monthly_active_users(usage: ir.Table, module: str | None = None) -> ir.Table:
    """Per calendar month: users with at least one event (MAU)."""
    events = _module(usage, module)
    month_number = events.event_date.year() * 12 + events.event_date.month() - 1
    monthly = _users_per_period(_period_masks(events, month_number), [])
    return monthly.select(month=ibis.date(monthly.period // 12, monthly.period % 12 + 1, 1),
                          mau=monthly.users).order_by("month")


def weekly_adoption(usage: ir.Table, reps: ir.Table, teams: ir.Table, module: str) -> ir.Table:
    """Share of each treated team's reps using `module` per week since the team's rollout (rollout cohort)."""
    team_size = reps.group_by("team_id").aggregate(team_reps=reps.rep_id.nunique())
    events = _module(usage, module)
    # The events meet each rep's rollout day in one join; the team comes back after the distinct count, so the
    # large aggregation groups by rep alone.
    rollouts = reps.join(teams, "team_id").select("rep_id", rollout=_day(teams.crm_rollout_date))
    used = events.join(rollouts, events.user_id == rollouts.rep_id).select(
        "user_id", days=_day(events.event_date) - rollouts.rollout)
    used = used.filter(used.days >= 0)  # also leaves out the never-treated teams, whose rollout is null
    masks = _period_masks(used, used.days // WEEK_DAYS)
    by_team = masks.join(reps, masks.user_id == reps.rep_id).select("team_id", "user_id", "block", "mask")
    weekly = _users_per_period(by_team, ["team_id"])
    shares = weekly.join(team_size, "team_id")
    return shares.select(
        "team_id", week=shares.period, active_reps=shares.users,
        share=shares.users.cast("float64") / shares.team_reps.cast("float64"),
    ).order_by(["team_id", "week"])


def module_use(usage: ir.Table) -> ir.Table:
    """Per module: active user-days, users, events, events per active day and share of all events."""
    per_user = usage.group_by(["module", "user_id"]).aggregate(days=usage.count(), events=usage.events.sum())
    by_module = per_user.group_by("module").aggregate(
        active_user_days=per_user.days.sum(), users=per_user.count(), events=per_user.events.sum())
    return by_module.mutate(
        events_per_active_day=by_module.events.cast("float64") / by_module.active_user_days.cast("float64"),
        share_of_events=by_module.events.cast("float64") / by_module.events.sum().cast("float64"),
    ).order_by("module")


def monthly_module_events(usage: ir.Table) -> ir.Table:
    """Events per calendar month and module (the module mix over time)."""
    return usage.group_by(month=usage.event_date.truncate("M"), module=usage.module).aggregate(
        events=usage.events.sum()).order_by(["month", "module"])


# The rep-week conversion panel --------------------------------------------------------------------------------


def rep_week_panel(leads: ir.Table, reps: ir.Table, teams: ir.Table, start: date | pd.Timestamp | None = None
                   ) -> ir.Table:
    """Conversion per rep and week: leads, won, rate (%), and the team's rollout week (null if never). Weeks
    count from `start`, by default the Monday of the first lead's week."""
    def with_origin(table: ir.Table) -> ir.Table:
        if start is not None:
            return table.mutate(origin=ibis.literal(_day_number(start), "int64"))
        # A one-row table, joined in: a scalar subquery cannot stand in a GROUP BY on every backend.
        return table.cross_join(leads.aggregate(origin=_monday(_day(leads.created_on).min())))

    merged = with_origin(leads.join(reps.select("rep_id", "team_id"), "rep_id"))
    weekly = merged.group_by(
        rep_id=merged.rep_id, team_id=merged.team_id, week=(_day(merged.created_on) - merged.origin) // WEEK_DAYS,
    ).aggregate(leads=merged.count(), won=merged.converted.cast("int64").sum())
    dated = with_origin(teams)
    rollout = dated.select(team_id=dated.team_id,
                           rollout_week=(_day(dated.crm_rollout_date) - dated.origin) // WEEK_DAYS)
    panel = weekly.left_join(rollout, "team_id")
    return panel.select(
        rep_id=weekly.rep_id, team_id=weekly.team_id, week=weekly.week, leads=weekly.leads, won=weekly.won,
        rate=weekly.won.cast("float64") / weekly.leads.cast("float64") * 100, rollout_week=rollout.rollout_week,
    ).order_by(["rep_id", "team_id", "week"])


# Service desk ------------------------------------------------------------------------------------------------


def weekly_tickets(tickets: ir.Table) -> ir.Table:
    """Per week (starting on Monday): mean resolution hours, billing share and ticket count (the time series'
    trend and season terms are added locally, by :func:`valuekit.attribution.ticket_series`)."""
    week = _date(_monday(_day(tickets.opened_on)))
    return tickets.group_by(week_start=week).aggregate(
        hours=tickets.resolution_hours.mean(),
        billing_share=(tickets.category == "billing").cast("float64").mean(),
        tickets=tickets.count(),
    ).order_by("week_start")


def weekly_tickets_by_category(tickets: ir.Table) -> ir.Table:
    """Per week (starting on Monday) and ticket category: tickets and mean resolution hours."""
    week = _date(_monday(_day(tickets.opened_on)))
    return tickets.group_by(week_start=week, category=tickets.category).aggregate(
        tickets=tickets.count(), hours=tickets.resolution_hours.mean(),
    ).order_by(["week_start", "category"])


# Approvals ---------------------------------------------------------------------------------------------------


def touch_hours_by_month(approvals: ir.Table, steps: ir.Table) -> ir.Table:
    """Per month of submission: requests, sign-offs and approver hours (touch time)."""
    requests = approvals.select(request_id=approvals.request_id, month=approvals.submitted_at.truncate("M"))
    per_month = requests.group_by("month").aggregate(requests=requests.count())
    signed = steps.join(requests, "request_id")
    touched = signed.group_by("month").aggregate(
        sign_offs=signed.count(), touch_minutes=signed.touch_minutes.sum())
    joined = per_month.left_join(touched, "month")
    return joined.select(
        month=per_month.month, requests=per_month.requests, sign_offs=touched.sign_offs.fill_null(0),
        touch_hours=touched.touch_minutes.fill_null(0) / 60,
    ).order_by("month")


# Running the layer -------------------------------------------------------------------------------------------


def to_frame(expr: ir.Table) -> pd.DataFrame:
    """Run an expression on its backend and bring the (small) result back as pandas, through Arrow.

    Dates and timestamps come back as pandas timestamps, as the loader gives them.
    """
    table = expr.to_pyarrow()
    frame = table.to_pandas(date_as_object=False)
    for name, kind in zip(table.schema.names, table.schema.types, strict=True):
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            frame[name] = frame[name].astype("datetime64[us]")
    return frame


class MetricLayer:
    """The metric layer on one connection: each method runs one query there and returns its small result.

    >>> layer = MetricLayer(connect_duckdb("data"))            # doctest: +SKIP
    >>> layer.active_users("lead_scoring").tail()              # doctest: +SKIP
    """

    def __init__(self, con: ibis.BaseBackend, names: Iterable[str] = LAYER_TABLES):
        self.con = con
        self.tables = contract_tables(con, names)

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> MetricLayer:
        """The layer on an in-process DuckDB holding the layer's tables among `frames` (the loader's, or any
        with the columns of :data:`LAYER_COLUMNS`): how a notebook aggregates the tables it loaded."""
        names = [name for name in LAYER_TABLES if name in frames]
        return cls(add_frames(connect_duckdb(), {name: frames[name] for name in names}), names)

    def active_users(self, module: str | None = None) -> pd.DataFrame:
        """Per workday: dau, wau (trailing seven days), stickiness (dau / wau), indexed by event_date."""
        frame = to_frame(active_users(self.tables["usage_events"], module)).set_index("event_date")
        return frame.astype({"dau": "int64", "wau": "int64", "stickiness": "float64"})

    def monthly_active_users(self, module: str | None = None) -> pd.DataFrame:
        """Per month: mau, indexed by month."""
        return to_frame(monthly_active_users(self.tables["usage_events"], module)).set_index("month")

    def weekly_adoption(self, module: str) -> pd.DataFrame:
        """Per treated team and week since its rollout: active_reps and share (of the team's reps)."""
        return to_frame(weekly_adoption(self.tables["usage_events"], self.tables["sales_reps"],
                                        self.tables["sales_teams"], module))

    def module_use(self) -> pd.DataFrame:
        """Per module: active_user_days, users, events, events_per_active_day, share_of_events."""
        return to_frame(module_use(self.tables["usage_events"])).set_index("module")

    def monthly_module_events(self) -> pd.DataFrame:
        """Events per month (rows) and module (columns)."""
        long = to_frame(monthly_module_events(self.tables["usage_events"]))
        return long.pivot(index="month", columns="module", values="events").fillna(0).astype("int64")

    def rep_week_panel(self, start: date | pd.Timestamp | None = None) -> pd.DataFrame:
        """Conversion per rep and week: rep_id, team_id, week, leads, won, rate (%) and rollout_week (the team's,
        NaN if never treated), the panel of :mod:`valuekit.attribution`'s estimators. Weeks count from `start`,
        by default the Monday of the first lead's week."""
        frame = to_frame(rep_week_panel(self.tables["leads"], self.tables["sales_reps"],
                                        self.tables["sales_teams"], start))
        return frame.astype({"rollout_week": "float64"})

    def weekly_tickets(self) -> pd.DataFrame:
        """Per week from Monday: week_start, hours (mean resolution), billing_share and tickets; add the time
        series' trend and season terms with :func:`valuekit.attribution.ticket_series`."""
        return to_frame(weekly_tickets(self.tables["tickets"]))

    def weekly_tickets_by_category(self) -> pd.DataFrame:
        """week_start, category, tickets, hours."""
        return to_frame(weekly_tickets_by_category(self.tables["tickets"]))

    def touch_hours_by_month(self) -> pd.DataFrame:
        """Per month of submission: requests, sign_offs and touch_hours (approver time), indexed by month."""
        frame = to_frame(touch_hours_by_month(self.tables["approvals"], self.tables["approval_steps"]))
        return frame.set_index("month")[["requests", "sign_offs", "touch_hours"]]
