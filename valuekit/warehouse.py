"""The metric layer: the queries that turn raw event-level tables into small aggregates, written once in Ibis.

The same expressions run in-process on DuckDB (the default: no server, the validated CSV or Parquet folder)
and, unchanged, on any Ibis backend that holds the contract's tables under the contract's names: Spark
(``ibis.pyspark.connect(session)``), Trino, ClickHouse, BigQuery. Only the small results leave the backend;
the regressions and plots that consume them stay local, in pandas.

Each expression function takes Ibis tables with the contract's column names (see :mod:`valuekit.schema`) and
returns an Ibis table; :class:`MetricLayer` runs them on a connection and returns pandas frames shaped like the
pandas functions they mirror (:func:`valuekit.metrics.active_users`, :func:`valuekit.metrics.weekly_adoption`,
:func:`valuekit.metrics.touch_hours_by_month`, :func:`valuekit.attribution.rep_week_panel`, the first columns
of :func:`valuekit.attribution.weekly_tickets`).

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
# The tables the metric layer reads.
LAYER_TABLES = ("sales_teams", "sales_reps", "leads", "usage_events", "approvals", "approval_steps", "tickets")
WEEK_DAYS = 7
EPOCH_WEEKDAY = 3  # 1970-01-01, day 0, was a Thursday (Monday = 0)


# Contract and connections ----------------------------------------------------------------------------------


def contract_table(table: ir.Table, name: str) -> ir.Table:
    """The contract's columns of `table`, in contract order and cast to the contract's types.

    Extra columns are dropped; a missing column raises DataError naming the table and the columns.
    """
    fields = TABLES[name]["fields"]
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


def arrow_table(frame: pd.DataFrame, name: str) -> pa.Table:
    """A validated frame as an Arrow table with the contract's types (dates as dates, not timestamps)."""
    schema = pa.schema([(field["name"], ARROW_TYPES[field["type"]]) for field in TABLES[name]["fields"]])
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
    """Create the contract's tables on `con` from validated frames (as :func:`load_tables` returns them)."""
    for name, frame in frames.items():
        con.create_table(name, arrow_table(frame, name), overwrite=True)
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


def _calendar(day_numbers: ir.Table) -> ir.Table:
    """Every day number from the first to the last of `day_numbers.day`, one row each."""
    bounds = day_numbers.aggregate(first=day_numbers.day.min(), last=day_numbers.day.max())
    return bounds.select(day=ibis.range(bounds.first, bounds.last + 1).unnest())


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


def _week_days(events: ir.Table) -> ir.Table:
    """Per user and block of seven days (day number // 7): the days of the block the user was active on
    (``this``: bit k for the block's k-th day) and the days of the block before (``previous``).

    A bitwise OR over the events does the distinct counting in one aggregation: no distinct user-days, no
    distinct count over a moving window (which Spark and others lack), no sort per user.
    """
    day = _day(events.event_date)
    offset = day % WEEK_DAYS
    bits = events.select(user_id=events.user_id, block=(day - offset) // WEEK_DAYS,
                         bit=ibis.literal(1, "int64") << offset)
    masks = bits.group_by(["user_id", "block"]).aggregate(mask=_bit_or(bits.bit))
    zero = ibis.literal(0, "int64")
    both = masks.select("user_id", "block", this=masks.mask, previous=zero).union(
        masks.select("user_id", block=masks.block + 1, this=zero, previous=masks.mask))
    # Each user and block is at most once on each side of the union: the maximum picks the mask.
    return both.group_by(["user_id", "block"]).aggregate(this=both.this.max(), previous=both.previous.max())


def active_users(usage: ir.Table, module: str | None = None) -> ir.Table:
    """Per workday: DAU, trailing-7-day WAU and stickiness (DAU / WAU), as :func:`valuekit.metrics.active_users`.

    Days with no event between the first and the last count, with DAU 0. A user counts towards the WAU of the
    block's k-th day if active on days 0..k of the block or on days k+1..6 of the block before.
    """
    events = _module(usage, module)
    weeks = _week_days(events)
    counts = {}
    for k in range(WEEK_DAYS):
        through = (1 << (k + 1)) - 1  # days 0..k of a block
        earlier = (1 << WEEK_DAYS) - 1 - through  # days k+1..6 of the block before
        counts[f"dau{k}"] = ((weeks.this >> k) & 1).sum()
        counts[f"wau{k}"] = (((weeks.this & through) != 0) | ((weeks.previous & earlier) != 0)).cast("int64").sum()
    blocks = weeks.group_by("block").aggregate(**counts)
    daily = ibis.union(*(blocks.select(day=blocks.block * WEEK_DAYS + k, dau=blocks[f"dau{k}"], wau=blocks[f"wau{k}"])
                         for k in range(WEEK_DAYS)))
    calendar = _calendar(events.select(day=_day(events.event_date)))
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
    # Users per month and user first, then a count: a parallel aggregation, where a distinct count per month
    # would hash every user of a month in one place.
    monthly = events.select(month=events.event_date.truncate("M"), user_id=events.user_id).distinct()
    return monthly.group_by("month").aggregate(mau=monthly.count()).order_by("month")


def weekly_adoption(usage: ir.Table, reps: ir.Table, teams: ir.Table, module: str) -> ir.Table:
    """Share of each treated team's reps using `module` per week since the team's rollout (rollout cohort),
    as :func:`valuekit.metrics.weekly_adoption`."""
    team_size = reps.group_by("team_id").aggregate(team_reps=reps.rep_id.nunique())
    events = _module(usage, module)
    used = (events.join(reps, events.user_id == reps.rep_id)
            .join(teams, "team_id")
            .select("team_id", "user_id", days=_day(events.event_date) - _day(teams.crm_rollout_date)))
    used = used.filter(used.days >= 0)
    reps_weeks = used.select(team_id=used.team_id, week=used.days // WEEK_DAYS, user_id=used.user_id).distinct()
    weekly = reps_weeks.group_by(["team_id", "week"]).aggregate(active_reps=reps_weeks.count())
    shares = weekly.join(team_size, "team_id")
    return shares.select(
        "team_id", "week", "active_reps",
        share=shares.active_reps.cast("float64") / shares.team_reps.cast("float64"),
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
    """Conversion per rep and week: leads, won, rate (%), and the team's rollout week (null if never), as
    :func:`valuekit.attribution.rep_week_panel`. Weeks count from `start`, by default the Monday of the first
    lead's week."""
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
    """Per week (starting on Monday): mean resolution hours, billing share and ticket count, the first columns
    of :func:`valuekit.attribution.weekly_tickets` (its trend and season terms are added locally)."""
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
    """Per month of submission: requests, sign-offs and approver hours (touch time), as
    :func:`valuekit.metrics.touch_hours_by_month`."""
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
            frame[name] = frame[name].astype("datetime64[ns]")
    return frame


class MetricLayer:
    """The metric layer on one connection: each method returns what its pandas counterpart returns.

    >>> layer = MetricLayer(connect_duckdb("data"))            # doctest: +SKIP
    >>> layer.active_users("lead_scoring").tail()              # doctest: +SKIP
    """

    def __init__(self, con: ibis.BaseBackend, names: Iterable[str] = LAYER_TABLES):
        self.con = con
        self.tables = contract_tables(con, names)

    def active_users(self, module: str | None = None) -> pd.DataFrame:
        """Per workday: dau, wau, stickiness, indexed by event_date (as metrics.active_users)."""
        frame = to_frame(active_users(self.tables["usage_events"], module)).set_index("event_date")
        return frame.astype({"dau": "int64", "wau": "int64", "stickiness": "float64"})

    def monthly_active_users(self, module: str | None = None) -> pd.DataFrame:
        """Per month: mau, indexed by month."""
        return to_frame(monthly_active_users(self.tables["usage_events"], module)).set_index("month")

    def weekly_adoption(self, module: str) -> pd.DataFrame:
        """team_id, week, active_reps, share (as metrics.weekly_adoption)."""
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
        """rep_id, team_id, week, leads, won, rate, rollout_week (as attribution.rep_week_panel)."""
        frame = to_frame(rep_week_panel(self.tables["leads"], self.tables["sales_reps"],
                                        self.tables["sales_teams"], start))
        return frame.astype({"rollout_week": "float64"})

    def weekly_tickets(self) -> pd.DataFrame:
        """week_start, hours, billing_share, tickets (the first columns of attribution.weekly_tickets)."""
        return to_frame(weekly_tickets(self.tables["tickets"]))

    def weekly_tickets_by_category(self) -> pd.DataFrame:
        """week_start, category, tickets, hours."""
        return to_frame(weekly_tickets_by_category(self.tables["tickets"]))

    def touch_hours_by_month(self) -> pd.DataFrame:
        """requests, sign_offs, touch_hours, indexed by month (as metrics.touch_hours_by_month)."""
        frame = to_frame(touch_hours_by_month(self.tables["approvals"], self.tables["approval_steps"]))
        return frame.set_index("month")[["requests", "sign_offs", "touch_hours"]]
