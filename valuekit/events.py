"""Read a process's event log and derive the service-desk and approval measures, and the contract's tables, from it.

A real ticket or approval system rarely exports tables shaped like the contract's; process-mining tools and
workflow engines export an *event log* instead: one row per event, with the case it belongs to, the activity,
when it happened and (optionally) who did it. This module reads such a log and derives what the book reports.

**Where the logs go.** Inside a data folder, ``events/tickets.<ext>`` (a service desk) and
``events/approvals.<ext>`` (an approval workflow), where ``<ext>`` is ``csv``, ``csv.gz``, ``xes`` or
``xes.gz`` (one file per log), and ``events/process.toml``, which says which activities mean what (see below).

**Formats.**

- CSV (UTF-8, with or without a byte-order mark; separated by commas, semicolons or tabs), with pm4py's
  XES-style column names (``case:concept:name``, ``concept:name``, ``time:timestamp``, ``org:resource``,
  optional ``lifecycle:transition``) or plain ones (``case_id``, ``activity``, ``timestamp``, ``resource``,
  ``lifecycle``); :data:`CSV_COLUMNS` lists every accepted name. Another export's names are mapped in the
  ``[columns]`` table of process.toml. Rows are counted as a spreadsheet counts them (the header is row 1).
- XES (IEEE 1849), plain or gzipped. It is read with lxml's streaming ``iterparse``, clearing each event and
  trace once read, so the XML tree never builds up in memory; what is kept is a compact column per attribute
  (activity and resource as codes, timestamps as 64-bit integers). We chose this over pm4py's importer:
  pm4py is not on the package mirror this book installs from, it pulls in a large tree of dependencies (for
  its discovery and conformance algorithms, which the book does not use), and the four attributes the book
  needs are a few dozen lines of streaming XML. Errors name the trace and the event (counted from 1).

**Timestamps.** ISO 8601, with a ``T`` or a space, fractions of seconds, and a UTC offset (``+02:00``, ``Z``)
or none; ``YYYY/MM/DD`` dates too. A log whose offsets differ (summer time: ``+01:00`` in winter, ``+02:00``
in summer) is converted to one zone: the first offset in the log, or ``timezone`` in process.toml (an
offset such as ``+08:00`` or a zone name such as ``Europe/Amsterdam``), and a note says so. Durations are
computed on the instants, so a change of the clocks never adds or removes an hour. Timestamps without an
offset are local clock times; mixed with ones that have an offset, they need ``timezone`` to say their zone.

**process.toml** (every key optional; the defaults are in :data:`DEFAULTS`, matched without regard to case)::

    timezone = "+01:00"          # default: the first UTC offset in each log

    [columns]                    # the export's own names, when they are not in CSV_COLUMNS
    case_id = "Case ID"          # also: activity, timestamp, resource, lifecycle (XES: attribute keys)

    [tickets]
    close_activities = ["Closed"]            # what ends a ticket (a ticket without one is still open)
    resolve_activities = ["Resolve ticket"]  # what marks it resolved; the last one ends its resolution time
    reopen_activities = ["Reopen"]           # an event that reopens it
    reopen_when_resolved_twice = true        # a ticket resolved more than once was reopened
    sla_hours = 24                           # the service-level target: hours from opening to resolution

    [approvals]
    sign_off_activities = ["Approve"]        # an approver's sign-off; the last one completes the request
    close_activities = []                    # what ends a request; empty: its last sign-off

Nothing is guessed silently: a log with no activity that can close (or sign off) a case stops with one line
naming the key to set; a stated default that stands in for another (a ticket log with a close but no
resolve activity measures resolution to the close) says so in a note; and there is no SLA target unless
``sla_hours`` states one.

**Entry points.**

- :func:`read_log` (a file) -> :class:`EventLog`: the events and notes.
- :func:`measures` (a log and its settings) -> ``(dict of DataFrames, notes)``: cases, weekly volume,
  throughput and work in progress, time per activity, rework, waiting and working, Little's law, and for
  tickets the service measures (resolution time, reopen rate, SLA attainment).
- :func:`tickets_table` and :func:`approval_tables`: the contract's ``tickets``, ``approvals`` and
  ``approval_steps``, with the columns the log can give (the others absent, never invented).
- :func:`tables_from_folder` and :func:`measures_from_folder` (a data folder) -> ``(dict, notes)``.

Bad input raises :class:`valuekit.loader.DataError` with one line naming the file, the row (CSV) or the
trace and event (XES), the column or attribute, and the fix.
"""

from __future__ import annotations

import gzip
import re
import tomllib
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree
from pandas.api.types import union_categoricals

from .loader import DataError

EVENTS_FOLDER = "events"
PROCESS_FILE = "process.toml"
LOGS = ("tickets", "approvals")
SUFFIXES = (".csv", ".csv.gz", ".xes", ".xes.gz")
ROLES = ("case_id", "activity", "timestamp", "resource", "lifecycle")
REQUIRED_ROLES = ("case_id", "activity", "timestamp")

#: Column names accepted in a CSV log for each role, in the order they are looked for (case does not matter).
CSV_COLUMNS = {
    "case_id": ("case:concept:name", "case_id", "case id", "case"),
    "activity": ("concept:name", "activity", "activity name"),
    "timestamp": ("time:timestamp", "timestamp", "complete timestamp", "time"),
    "resource": ("org:resource", "resource"),
    "lifecycle": ("lifecycle:transition", "lifecycle"),
}
#: XES attribute keys of each role: the case id is the trace's, the others the event's.
XES_KEYS = {"case_id": "concept:name", "activity": "concept:name", "timestamp": "time:timestamp",
            "resource": "org:resource", "lifecycle": "lifecycle:transition"}

#: The defaults of process.toml, per log. Activity names are matched without regard to case or spaces around.
DEFAULTS = {
    "tickets": {
        "close_activities": ("Closed", "Close", "Close ticket", "Ticket closed"),
        "resolve_activities": ("Resolve ticket", "Resolved", "Resolve", "Ticket resolved"),
        "reopen_activities": ("Reopen", "Reopened", "Reopen ticket", "Ticket reopened"),
        "reopen_when_resolved_twice": True,
        "sla_hours": None,
    },
    "approvals": {
        "sign_off_activities": ("Approve", "Approved", "Sign off", "Sign-off", "Approval"),
        "close_activities": (),
    },
}
TOP_LEVEL_KEYS = ("timezone", "columns", *LOGS)

OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
SLASHED_DATE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}")
ACCEPTED_STAMPS = "ISO 8601, such as 2024-03-31T14:05:00+02:00"
CHUNK = 50_000  # events whose texts are encoded at a time: bounds the strings held in memory (~15 MB)
HOUR_NS = 3_600 * 10**9
WEEK_HOURS = 7 * 24


@dataclass(frozen=True)
class Settings:
    """What process.toml says for one log (its defaults filled in)."""

    log: str
    timezone: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    close_activities: tuple[str, ...] = ()
    resolve_activities: tuple[str, ...] = ()
    reopen_activities: tuple[str, ...] = ()
    reopen_when_resolved_twice: bool = True
    sla_hours: float | None = None
    sign_off_activities: tuple[str, ...] = ()


@dataclass
class EventLog:
    """The events of one log, sorted by case (in order of first appearance) and time, and what was noted.

    ``events`` has ``case_id`` and ``activity`` (categorical: each text stored once), ``timestamp`` (in one
    zone; tz-aware unless the log had no offsets and no ``timezone`` was given), ``resource`` and
    ``lifecycle`` (categorical, lifecycle in lower case; missing where the log has none).
    """

    events: pd.DataFrame
    source: Path
    notes: list[str]

    @property
    def has_lifecycle(self) -> bool:
        """Whether the log records when activities start as well as when they complete."""
        return bool((self.events["lifecycle"] == "start").any())


# --- Settings ----------------------------------------------------------------------------------------------

def _activity_list(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataError(f"{where}: write a list of activity names, such as [\"Closed\"]")
    return tuple(value)


def read_settings(data_dir: str | Path, log: str) -> Settings:
    """The settings of `log` ("tickets" or "approvals") from ``events/process.toml``, defaults filled in."""
    path = Path(data_dir) / EVENTS_FOLDER / PROCESS_FILE
    document: dict = {}
    if path.exists():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text; save it as UTF-8") from None
        except tomllib.TOMLDecodeError as error:
            raise DataError(f"{path}: not valid TOML ({error}); see the data dictionary's Event logs section") from None
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise DataError(f"{path}: unknown key '{key}'; the keys are {', '.join(TOP_LEVEL_KEYS)}")
    timezone = document.get("timezone") or None
    if timezone is not None and not isinstance(timezone, str):
        raise DataError(f"{path}, key 'timezone': write a UTC offset such as \"+08:00\" or a zone name such as "
                        "\"Asia/Shanghai\"")
    columns = document.get("columns", {})
    if not isinstance(columns, dict) or any(key not in ROLES or not isinstance(name, str)
                                            for key, name in columns.items()):
        raise DataError(f"{path}, [columns]: map each of {', '.join(ROLES)} to the export's column name, "
                        "such as case_id = \"Case ID\"")
    section = document.get(log, {})
    if not isinstance(section, dict):
        raise DataError(f"{path}: '{log}' must be a table ([{log}] on a line of its own)")
    values = dict(DEFAULTS[log])
    for key, value in section.items():
        where = f"{path}, [{log}] key '{key}'"
        if key not in values:
            raise DataError(f"{path}, [{log}]: unknown key '{key}'; the keys are {', '.join(DEFAULTS[log])}")
        if key.endswith("_activities"):
            values[key] = _activity_list(value, where)
        elif key == "sla_hours":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise DataError(f"{where}: write the service-level target in hours, a number above 0, such as 24")
            values[key] = float(value)
        elif not isinstance(value, bool):
            raise DataError(f"{where}: write true or false")
        else:
            values[key] = value
    return Settings(log=log, timezone=timezone, columns=dict(columns), **values)


# --- Reading -----------------------------------------------------------------------------------------------

class _Stamps:
    """Timestamps converted a chunk at a time to instants (UTC ns) and their offsets, so few strings are held."""

    def __init__(self, locate) -> None:
        self.locate = locate  # index of an event -> where it is, for the message
        self.pending: list[str | None] = []
        self.start = 0
        self.instants: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = []  # minutes east of UTC; a sentinel where the stamp has none

    NO_OFFSET = np.int16(-32768)

    def flush(self) -> None:
        if not self.pending:
            return
        texts = pd.Series(self.pending, dtype="string").str.strip()
        missing = texts.isna() | (texts == "")
        if missing.any():
            raise DataError(f"{self.locate(self.start + int(np.argmax(missing.to_numpy())))}: no timestamp; "
                            f"every event needs one ({ACCEPTED_STAMPS})")
        if SLASHED_DATE.match(texts.iloc[0]):
            texts = texts.str.replace(r"^(\d{4})/(\d{1,2})/(\d{1,2})", _dashed_date, regex=True)
        offset = texts.str.extract(OFFSET.pattern, expand=False)
        parsed = pd.to_datetime(texts, format="ISO8601", utc=True, errors="coerce")
        bad = parsed.isna().to_numpy()
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(f"{self.locate(self.start + first)}: '{texts.iloc[first]}' is not a timestamp; "
                            f"write it as {ACCEPTED_STAMPS}")
        self.instants.append(parsed.to_numpy(dtype="datetime64[ns]").view(np.int64))
        self.offsets.append(_offset_minutes(offset))
        self.start += len(self.pending)
        self.pending.clear()  # in place: readers append to this list through a bound method

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        self.flush()
        if not self.instants:
            return np.zeros(0, np.int64), np.zeros(0, np.int16)
        return np.concatenate(self.instants), np.concatenate(self.offsets)


def _dashed_date(match: re.Match) -> str:
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"


def _offset_minutes(offset: pd.Series) -> np.ndarray:
    minutes = np.full(len(offset), _Stamps.NO_OFFSET, dtype=np.int16)
    for text in offset.dropna().unique():  # a handful of distinct offsets, however long the log
        minutes[(offset == text).fillna(False).to_numpy(dtype=bool)] = _parse_offset(text)
    return minutes


def _parse_offset(text: str) -> int:
    if text == "Z":
        return 0
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return minutes if text[0] == "+" else -minutes


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone(text: str, where: str):
    """A tz for `text`: a fixed offset (+08:00) or an IANA zone name."""
    match = OFFSET.fullmatch(text.strip())
    if match:
        return _fixed_zone(_parse_offset(match.group(1)))
    try:
        return pd.Timestamp("2000-01-01", tz=text).tz
    except Exception:  # pandas raises several types for an unknown zone name
        raise DataError(f"{where}: '{text}' is not a time zone; write an offset such as \"+08:00\" or a zone "
                        "name such as \"Asia/Shanghai\"") from None


def _fixed_zone(minutes: int):
    from datetime import timedelta, timezone
    return timezone(timedelta(minutes=minutes))


def _open(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _categorical(values: list[str | None], lower: bool = False) -> pd.Categorical:
    """A chunk of text values as a categorical (each distinct text stored once); blanks missing."""
    texts = pd.Series(values, dtype="string").str.strip()
    if lower:  # tools differ in case: complete, COMPLETE
        texts = texts.str.lower()
    return pd.Categorical(texts.where(texts != ""))


def _read_xes(path: Path, columns: dict[str, str]):
    keys = {role: columns.get(role, XES_KEYS[role]) for role in ROLES}
    case_key = keys["case_id"].removeprefix("case:")
    event_roles = ("activity", "timestamp", "resource", "lifecycle")
    position_of = {keys[role]: position for position, role in enumerate(event_roles)}
    trace_of_event = array("i")
    case_ids: list[str | None] = []

    def locate(index: int) -> str:
        trace = trace_of_event[index]
        first = int(np.searchsorted(np.frombuffer(trace_of_event, dtype=np.int32), trace))
        return f"{path}, trace {trace + 1}, event {index - first + 1}"

    stamps = _Stamps(locate)
    pending: list[list[str | None]] = [[], [], []]  # activity, resource, lifecycle of the events not yet encoded
    parts: list[list[pd.Categorical]] = [[], [], []]

    def encode() -> None:
        activities = _categorical(pending[0])
        if activities.isna().any():
            index = len(trace_of_event) - len(pending[0]) + int(np.argmax(activities.isna()))
            raise DataError(f"{locate(index)}: no '{keys['activity']}' attribute; every event needs its activity "
                            "(or set activity under [columns] in events/process.toml to the key that has it)")
        parts[0].append(activities)
        parts[1].append(_categorical(pending[1]))
        parts[2].append(_categorical(pending[2], lower=True))
        for values in pending:
            values.clear()
        stamps.flush()

    add_activity, add_resource, add_lifecycle = (values.append for values in pending)
    add_stamp, add_trace = stamps.pending.append, trace_of_event.append
    trace_number = 0
    try:
        with _open(path) as handle:
            for _, element in etree.iterparse(handle, events=("end",), tag=("{*}event", "{*}trace"),
                                              huge_tree=True, remove_comments=True):
                if element.tag.endswith("event"):
                    found = [None, None, None, None]
                    for child in element:  # the event's attributes; nested ones are not needed
                        position = position_of.get(child.get("key"))
                        if position is not None:
                            found[position] = child.get("value")
                    add_activity(found[0])
                    add_stamp(found[1])
                    add_resource(found[2])
                    add_lifecycle(found[3])
                    add_trace(trace_number)
                    element.clear()
                    if len(stamps.pending) >= CHUNK:
                        encode()
                else:
                    case = next((child.get("value") for child in element
                                 if child.get("key") == case_key and not child.tag.endswith("event")), None)
                    case_ids.append(case)
                    trace_number += 1
                    # Drop the finished trace and everything before it: memory stays at one trace's worth.
                    element.clear()
                    parent = element.getparent()
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as error:
        line = f", line {error.lineno}" if getattr(error, "lineno", None) else ""
        raise DataError(f"{path}{line}: not well-formed XES ({error.msg}); export the log again") from None
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path}: cannot be read as {'gzip' if path.name.endswith('.gz') else 'XES'} "
                        f"({error}); export the log again") from None
    if not trace_of_event:
        raise DataError(f"{path}: no <event> in any <trace>; is this an XES event log?")
    encode()
    instants, offsets = stamps.arrays()
    traces = np.frombuffer(trace_of_event, dtype=np.int32)
    for number, case in enumerate(case_ids):
        if case is None:
            raise DataError(f"{path}, trace {number + 1}: no '{case_key}' attribute on the trace; every trace "
                            "needs its case id (or set case_id under [columns] in events/process.toml)")
    case_index = pd.Index(case_ids)
    case_codes = pd.Categorical.from_codes(traces, categories=case_index) if case_index.is_unique \
        else pd.Categorical(np.asarray(case_ids, dtype=object)[traces])  # a case split over several traces
    frame = {"case_id": case_codes, "activity": union_categoricals(parts[0]),
             "resource": union_categoricals(parts[1]), "lifecycle": union_categoricals(parts[2])}
    return frame, instants, offsets, locate


def _sniff_separator(header: str) -> str:
    counts = {separator: header.count(separator) for separator in (",", ";", "\t")}
    return max(counts, key=counts.get)


def _csv_columns(path: Path, header: list[str], columns: dict[str, str]) -> dict[str, str]:
    lowered = {name.strip().lower(): name for name in header}
    chosen = {}
    for role in ROLES:
        if role in columns:
            wanted = columns[role]
            if wanted.strip().lower() not in lowered:
                raise DataError(f"{path}: no column '{wanted}' (set as {role} under [columns] in "
                                f"events/process.toml); the file's columns are {', '.join(header)}")
            chosen[role] = lowered[wanted.strip().lower()]
            continue
        name = next((lowered[alias] for alias in CSV_COLUMNS[role] if alias in lowered), None)
        if name is not None:
            chosen[role] = name
        elif role in REQUIRED_ROLES:
            raise DataError(f"{path}, row 1: no {role} column; name it {' or '.join(CSV_COLUMNS[role][:2])}, or set "
                            f"{role} = \"<your column>\" under [columns] in events/process.toml")
    return chosen


def _read_csv(path: Path, columns: dict[str, str]):
    try:
        with _open(path) as handle:
            first_line = handle.readline().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}, row 1: not UTF-8 text; save the file as CSV UTF-8") from None
    separator = _sniff_separator(first_line)
    header = [name.strip().strip('"') for name in first_line.rstrip("\r\n").split(separator)]
    chosen = _csv_columns(path, header, columns)
    role_of = {name: role for role, name in chosen.items()}

    def locate(index: int, column: str | None = None) -> str:
        where = f"{path}, row {index + 2}"
        return where + (f", column '{column}'" if column else "")

    parts: dict[str, list[pd.Categorical]] = {role: [] for role in ("case_id", "activity", "resource", "lifecycle")}
    stamps = _Stamps(lambda index: locate(index, chosen["timestamp"]))
    start = 0
    try:
        wanted = set(chosen.values())
        with pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         usecols=lambda name: name.strip() in wanted, chunksize=CHUNK) as reader:
            for chunk in reader:
                chunk = chunk.rename(columns=lambda name: role_of[name.strip()])
                for role, collected in parts.items():
                    if role not in chunk:
                        collected.append(pd.Categorical([None] * len(chunk)))
                        continue
                    values = chunk[role].fillna("").str.strip()
                    blank = (values == "").to_numpy()
                    if role in REQUIRED_ROLES and blank.any():
                        raise DataError(f"{locate(start + int(np.argmax(blank)), chosen[role])}: empty; every event "
                                        f"needs its {role.replace('_', ' ')}")
                    if role == "lifecycle":  # tools differ in case: complete, COMPLETE
                        values = values.str.lower()
                    collected.append(pd.Categorical(values.where(~blank)))
                stamps.pending.extend(chunk["timestamp"].fillna("").tolist())
                stamps.flush()
                start += len(chunk)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the file as CSV UTF-8") from None
    except pd.errors.ParserError as error:
        row = re.search(r"line (\d+)", str(error))
        where = f"{path}, row {row.group(1)}" if row else str(path)
        raise DataError(f"{where}: a row has more values than the header (a separator inside an unquoted "
                        "value?); quote that value or export the log again") from None
    if start == 0:
        raise DataError(f"{path}: a header but no events")
    instants, offsets = stamps.arrays()
    frame = {role: union_categoricals(collected) for role, collected in parts.items()}
    return frame, instants, offsets, lambda index: locate(index, chosen["timestamp"])


def read_log(path: str | Path, timezone: str | None = None, columns: dict[str, str] | None = None) -> EventLog:
    """Read one event log (CSV, XES or XES gzipped), its timestamps in one zone.

    `timezone` is an offset ("+01:00") or a zone name; by default the log's first UTC offset. `columns` maps
    roles (case_id, activity, timestamp, resource, lifecycle) to the export's column names or XES keys.
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        frame, instants, offsets, locate = _read_xes(path, columns or {})
    elif name.endswith((".csv", ".csv.gz")):
        frame, instants, offsets, locate = _read_csv(path, columns or {})
    else:
        raise DataError(f"{path}: not an event log; name it .csv, .xes or .xes.gz")
    notes: list[str] = []
    timestamps = _one_zone(path, instants, offsets, timezone, locate, notes)
    events = pd.DataFrame({**frame, "timestamp": timestamps})
    # Cases in order of first appearance, events within a case in time order (ties keep the file's order).
    events["case_id"] = events["case_id"].cat.remove_unused_categories()
    order = np.lexsort((instants, pd.factorize(events["case_id"])[0]))
    if (np.diff(order) < 0).any():  # most exports are already in this order: then no copy is needed
        events = events.iloc[order].reset_index(drop=True)
    span = events["timestamp"]
    notes.insert(0, f"{path}: {len(events):,} events in {events['case_id'].nunique():,} cases, "
                    f"{span.min():%Y-%m-%d} to {span.max():%Y-%m-%d}.")
    return EventLog(events=events, source=path, notes=notes)


def _one_zone(path: Path, instants: np.ndarray, offsets: np.ndarray, timezone: str | None, locate,
              notes: list[str]) -> pd.Series:
    naive = offsets == _Stamps.NO_OFFSET
    where = f"{path.parent / PROCESS_FILE}, key 'timezone'"
    zone = _zone(timezone, where) if timezone else None
    if naive.all():
        clock = pd.Series(instants.view("datetime64[ns]"))
        if zone is None:
            notes.append(f"{path}: timestamps have no UTC offset; read as local clock times (set timezone in "
                         "events/process.toml to say their zone).")
            return clock
        localised = clock.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        if localised.isna().any():
            first = int(np.argmax(localised.isna().to_numpy()))
            raise DataError(f"{locate(first)}: {clock.iloc[first]} falls in the hour the clocks change in "
                            f"{timezone}; give it a UTC offset")
        notes.append(f"{path}: timestamps without a UTC offset read as {timezone} (timezone in events/process.toml).")
        return localised
    if naive.any():
        first = int(np.argmax(naive))
        if zone is None:
            raise DataError(f"{locate(first)}: a timestamp without a UTC offset among ones with an offset; give it "
                            "one, or set timezone in events/process.toml to the zone such timestamps are in")
        clock = pd.Series(instants[naive].view("datetime64[ns]")).dt.tz_localize(zone, ambiguous="NaT",
                                                                                 nonexistent="NaT")
        instants = instants.copy()
        instants[naive] = clock.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]").view(np.int64)
    distinct = [int(value) for value in pd.unique(offsets[~naive])]
    if zone is None:
        zone = _fixed_zone(distinct[0])
        if len(distinct) > 1:
            notes.append(f"{path}: timestamps have UTC offsets {', '.join(map(_offset_text, distinct))} (summer "
                         f"time?): all converted to {_offset_text(distinct[0])}, the first offset in the log; set "
                         "timezone in events/process.toml to choose another zone. Durations are unaffected.")
    else:
        notes.append(f"{path}: timestamps converted to {timezone} (timezone in events/process.toml).")
    # A view of the instants as UTC, then the zone: neither step copies two million timestamps through objects.
    return pd.Series(instants.view("datetime64[ns]")).dt.tz_localize("UTC").dt.tz_convert(zone)


# --- Measures ----------------------------------------------------------------------------------------------

def _matching(activities: pd.Series, names: Iterable[str]) -> pd.Series:
    wanted = {name.strip().lower() for name in names}
    categories = pd.Index(activities.cat.categories)
    hit = categories.str.strip().str.lower().isin(wanted)
    return activities.isin(categories[hit])


def _present(activities: pd.Series, names: Iterable[str]) -> list[str]:
    return sorted(set(activities[_matching(activities, names)].astype(str)))


def _activity_list_text(activities: pd.Series, limit: int = 6) -> str:
    counts = activities.value_counts()
    shown = ", ".join(f"'{name}'" for name in counts.index[:limit].astype(str))
    return shown + (", ..." if len(counts) > limit else "")


def _hours(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds() / 3600


def _completions(events: pd.DataFrame) -> pd.Series:
    """Events that record an activity done: all of them, or with lifecycle data the completions only."""
    lifecycle = events["lifecycle"]
    return lifecycle.isna() | ~lifecycle.isin(["start", "schedule", "assign", "suspend", "resume", "withdraw"])


def _closing(log: EventLog, settings: Settings, notes: list[str]) -> tuple[pd.Series, pd.Series | None]:
    """Which events close a case and which resolve a ticket (None for an approval log)."""
    activities, path = log.events["activity"], log.source
    toml = f"{EVENTS_FOLDER}/{PROCESS_FILE}"
    if settings.log == "approvals":
        sign_off = _matching(activities, settings.sign_off_activities)
        if not sign_off.any():
            raise DataError(f"{path}: no activity is an approver's sign-off (looked for "
                            f"{', '.join(map(repr, settings.sign_off_activities))}); set sign_off_activities under "
                            f"[approvals] in {toml} (the log's activities: {_activity_list_text(activities)})")
        if settings.close_activities:
            close = _matching(activities, settings.close_activities)
            if not close.any():
                raise DataError(f"{path}: no activity in close_activities ({', '.join(settings.close_activities)}) "
                                f"is in the log; correct it under [approvals] in {toml}")
        else:
            close = sign_off
            notes.append(f"{path}: a request counts as complete at its last sign-off "
                         f"({', '.join(_present(activities, settings.sign_off_activities))}); set close_activities "
                         "under [approvals] to name the activity that ends one.")
        return close & _completions(log.events), None
    close = _matching(activities, settings.close_activities)
    resolve = _matching(activities, settings.resolve_activities)
    if not close.any() and not resolve.any():
        raise DataError(f"{path}: no activity closes a ticket (looked for "
                        f"{', '.join(map(repr, settings.close_activities))}); set close_activities under [tickets] "
                        f"in {toml} (the log's activities: {_activity_list_text(activities)})")
    if not resolve.any():
        resolve = close
        notes.append(f"{path}: no resolve activity ({', '.join(settings.resolve_activities)}); resolution time is "
                     f"measured to the close ({', '.join(_present(activities, settings.close_activities))}); set "
                     "resolve_activities under [tickets] to change this.")
    if not close.any():
        close = resolve
        notes.append(f"{path}: no close activity ({', '.join(settings.close_activities)}); a ticket counts as "
                     f"closed once resolved ({', '.join(_present(activities, settings.resolve_activities))}).")
    done = _completions(log.events)
    return close & done, resolve & done


def cases(log: EventLog, settings: Settings, notes: list[str] | None = None) -> pd.DataFrame:
    """One row per case: first and last event, cycle hours, events, rework, whether and when it closed.

    A ticket log adds the last resolution (``resolved_at``, ``resolution_hours`` from the first event),
    ``reopened`` and, with ``sla_hours``, ``sla_met``; an approval log adds ``sign_offs``, ``completed_at``.
    Rework is an activity done more than once in the case (``repeated_events`` = the extra times).
    """
    notes = notes if notes is not None else []
    events = log.events
    close, resolve = _closing(log, settings, notes)
    done = _completions(events)
    by_case = events.groupby("case_id", sort=False)
    frame = pd.DataFrame({"first_event": by_case["timestamp"].min(), "last_event": by_case["timestamp"].max(),
                          "events": by_case.size()})
    frame["cycle_hours"] = _hours(frame["last_event"] - frame["first_event"])
    repeated = events[done].duplicated(["case_id", "activity"])
    frame["repeated_events"] = repeated.groupby(events.loc[done, "case_id"]).sum().reindex(frame.index, fill_value=0)
    frame["rework"] = frame["repeated_events"] > 0
    closed_at = events.loc[close].groupby("case_id")["timestamp"].max()
    frame["closed"] = frame.index.isin(closed_at.index)
    frame["closed_at"] = closed_at.reindex(frame.index)
    if resolve is not None:
        resolutions = events.loc[resolve].groupby("case_id")["timestamp"]
        frame["resolved_at"] = resolutions.max().reindex(frame.index)
        frame["resolution_hours"] = _hours(frame["resolved_at"] - frame["first_event"])
        reopen = _matching(events["activity"], settings.reopen_activities)
        reopened = pd.Series(False, index=frame.index)
        if reopen.any():
            reopened |= frame.index.isin(events.loc[reopen, "case_id"].unique())
        if settings.reopen_when_resolved_twice:
            reopened |= (resolutions.size() > 1).reindex(frame.index, fill_value=False)
        frame["reopened"] = reopened
        if settings.sla_hours is not None:
            frame["sla_met"] = (frame["resolution_hours"] <= settings.sla_hours).where(frame["resolved_at"].notna())
    else:
        sign_off = _matching(events["activity"], settings.sign_off_activities) & done
        frame["sign_offs"] = events.loc[sign_off].groupby("case_id").size().reindex(frame.index, fill_value=0)
        frame["completed_at"] = events.loc[sign_off].groupby("case_id")["timestamp"].max().reindex(frame.index)
    frame.index = pd.Index(frame.index.astype(str), name="case_id")  # plain text for readers' .loc and joins
    return frame


def _week_start(stamps: pd.Series) -> pd.Series:
    """Monday 00:00 of each timestamp's week, on the log's clock."""
    clock = stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps
    day = clock.dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def weekly(case_frame: pd.DataFrame) -> pd.DataFrame:
    """Per week (from Monday): cases opened (volume), cases closed (throughput), mean work in progress.

    Work in progress is the time average of the cases open (first event reached, not yet closed) over the
    week's hours, the quantity Little's law speaks of; a case still open at the log's end counts as open up
    to the log's last event. ``median_cycle_hours`` is over the cases closed that week.
    """
    first = case_frame["first_event"]
    end = case_frame["last_event"].where(case_frame["closed"], case_frame["last_event"].max())
    weeks_opened = _week_start(first)
    closed = case_frame[case_frame["closed"]]
    weeks_closed = _week_start(closed["last_event"])
    start_week, last_week = weeks_opened.min(), _week_start(end).max()
    index = pd.date_range(start_week, last_week, freq="7D", name="week")
    frame = pd.DataFrame({"opened": weeks_opened.value_counts().reindex(index, fill_value=0),
                          "closed": weeks_closed.value_counts().reindex(index, fill_value=0)}, index=index)
    frame["median_cycle_hours"] = closed["cycle_hours"].groupby(weeks_closed.to_numpy()).median().reindex(index)
    frame["work_in_progress"] = _weekly_wip(first, end, index)
    return frame


def _weekly_wip(first: pd.Series, end: pd.Series, weeks: pd.DatetimeIndex) -> np.ndarray:
    zone = first.dt.tz
    origin = pd.Timestamp(weeks[0], tz=zone) if zone is not None else weeks[0]
    hours = np.arange(len(weeks) * WEEK_HOURS, dtype=np.int64)
    # Snapshots in the middle of each hour, 168 to a week from the first Monday. In a zone with summer time
    # the weeks' edges then drift by the hour the clocks moved, which shifts a week's average by a hair.
    snapshots = origin.value + hours * HOUR_NS + HOUR_NS // 2
    opened = np.sort(_nanoseconds(first))
    ended = np.sort(_nanoseconds(end))
    open_now = np.searchsorted(opened, snapshots, side="right") - np.searchsorted(ended, snapshots, side="right")
    return open_now.reshape(len(weeks), WEEK_HOURS).mean(axis=1)


def _nanoseconds(stamps: pd.Series) -> np.ndarray:
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


def littles_law(case_frame: pd.DataFrame, weeks: pd.DataFrame, trim_weeks: int = 2) -> pd.Series:
    """Little's law on the log: mean work in progress L against arrivals λ (cases a week) × cycle time W (weeks).

    The first and last `trim_weeks` weeks are left out of every term: the log starts with nothing open and
    ends with cases still open, so its edges break the steady state the law describes. W is the mean cycle
    time of the closed cases opened inside; the law holds when nearly all of them have closed.
    """
    inside = weeks.iloc[trim_weeks:len(weeks) - trim_weeks] if len(weeks) > 2 * trim_weeks + 1 else weeks
    opened = _week_start(case_frame["first_event"])
    chosen = case_frame[opened.between(inside.index.min(), inside.index.max()).to_numpy()]
    arrivals = len(chosen) / len(inside)
    cycle_weeks = float(chosen.loc[chosen["closed"], "cycle_hours"].mean()) / WEEK_HOURS
    return pd.Series({"weeks": float(len(inside)), "arrivals_per_week": arrivals, "cycle_weeks": cycle_weeks,
                      "predicted_work_in_progress": arrivals * cycle_weeks,
                      "observed_work_in_progress": float(inside["work_in_progress"].mean())})


def activity_times(log: EventLog) -> pd.DataFrame:
    """Per activity: events, cases, and the hours each took.

    With only completion times (most logs), an activity's time is the hours since the case's previous event
    (waiting and working together, which such a log cannot tell apart); with lifecycle start and complete
    events, ``working_hours`` is from an activity's start to its completion and ``waiting_hours`` from the
    case's previous completion to that start.
    """
    events = log.events
    if log.has_lifecycle:
        pairs = _lifecycle_pairs(events)
        grouped = pairs.groupby("activity", observed=True)
        return pd.DataFrame({"events": grouped.size(), "cases": grouped["case_id"].nunique(),
                             "median_working_hours": grouped["working_hours"].median(),
                             "mean_working_hours": grouped["working_hours"].mean(),
                             "median_waiting_hours": grouped["waiting_hours"].median(),
                             "mean_waiting_hours": grouped["waiting_hours"].mean()}).pipe(_plain_index)
    previous = events["timestamp"].shift(1).where(events["case_id"].eq(events["case_id"].shift(1)))
    since = _hours(events["timestamp"] - previous)
    grouped = since.groupby(events["activity"], observed=True)
    return pd.DataFrame({"events": events.groupby("activity", observed=True).size(),
                         "cases": events.groupby("activity", observed=True)["case_id"].nunique(),
                         "median_hours_since_previous": grouped.median(),
                         "mean_hours_since_previous": grouped.mean()}).pipe(_plain_index)


def _plain_index(frame: pd.DataFrame) -> pd.DataFrame:
    """Activity names as plain text, so a reader's .loc and comparisons need no categorical."""
    frame.index = pd.Index(frame.index.astype(str), name="activity")
    return frame


def _lifecycle_pairs(events: pd.DataFrame) -> pd.DataFrame:
    """Each start matched with the next completion of the same activity in its case (in order), as hours."""
    starts = events[events["lifecycle"] == "start"].copy()
    completes = events[events["lifecycle"] == "complete"].copy()
    starts["n"] = starts.groupby(["case_id", "activity"], observed=True).cumcount()
    completes["n"] = completes.groupby(["case_id", "activity"], observed=True).cumcount()
    # The case's previous completion before each start: what the activity waited for.
    done = events["lifecycle"].isna() | (events["lifecycle"] == "complete")
    last_done = events["timestamp"].where(done).groupby(events["case_id"]).transform(lambda s: s.ffill().shift(1))
    starts["previous_done"] = last_done.loc[starts.index]
    pairs = starts.merge(completes[["case_id", "activity", "n", "timestamp", "resource"]],
                         on=["case_id", "activity", "n"], suffixes=("_start", ""), how="inner")
    pairs["working_hours"] = _hours(pairs["timestamp"] - pairs["timestamp_start"])
    pairs["waiting_hours"] = _hours(pairs["timestamp_start"] - pairs["previous_done"])
    return pairs


def waiting_and_working(log: EventLog, case_frame: pd.DataFrame) -> pd.DataFrame | None:
    """Per case: hours worked (start to completion of its activities) and waiting (the rest of its cycle time).

    None when the log has no lifecycle start events: then only the cycle time as a whole is known.
    Overlapping activities can make the hours worked exceed the cycle; waiting is then 0.
    """
    if not log.has_lifecycle:
        return None
    pairs = _lifecycle_pairs(log.events)
    working = pairs.groupby("case_id")["working_hours"].sum().reindex(case_frame.index, fill_value=0.0)
    return pd.DataFrame({"working_hours": working,
                         "waiting_hours": (case_frame["cycle_hours"] - working).clip(lower=0)})


def rework(log: EventLog) -> pd.DataFrame:
    """Per activity: cases in which it was done more than once, and the extra times (its rework)."""
    events = log.events[_completions(log.events)]
    counts = events.groupby(["activity", "case_id"], observed=True).size()
    repeated = counts[counts > 1]
    by_activity = repeated.groupby(level="activity", observed=True)
    frame = pd.DataFrame({"cases_repeated": by_activity.size(), "extra_events": (repeated - 1).groupby(
        level="activity", observed=True).sum()})
    return _plain_index(frame.sort_values("extra_events", ascending=False))


def service_measures(case_frame: pd.DataFrame, settings: Settings) -> pd.Series:
    """A ticket log's service measures over its resolved tickets: resolution hours, reopen rate, SLA attainment."""
    resolved = case_frame[case_frame["resolved_at"].notna()]
    measures = pd.Series({
        "tickets": float(len(case_frame)), "resolved": float(len(resolved)),
        "median_resolution_hours": float(resolved["resolution_hours"].median()),
        "mean_resolution_hours": float(resolved["resolution_hours"].mean()),
        "reopen_rate": float(resolved["reopened"].mean()),
        "rework_share": float(case_frame["rework"].mean()),
        "median_cycle_hours": float(case_frame.loc[case_frame["closed"], "cycle_hours"].median()),
    })
    if settings.sla_hours is not None:
        measures["sla_hours"] = settings.sla_hours
        measures["sla_attainment"] = float(resolved["sla_met"].astype(float).mean())
    return measures


def measures(log: EventLog, settings: Settings) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Everything the log gives: ``cases``, ``weekly``, ``activity_times``, ``rework``, ``littles_law`` and, where
    the log allows, ``waiting_and_working`` (lifecycle data) and ``service`` (a ticket log); and notes."""
    notes = list(log.notes)
    case_frame = cases(log, settings, notes)
    weeks = weekly(case_frame)
    result = {"cases": case_frame, "weekly": weeks, "activity_times": activity_times(log), "rework": rework(log),
              "littles_law": littles_law(case_frame, weeks).to_frame("value")}
    law = result["littles_law"]["value"]
    ratio = law["observed_work_in_progress"] / law["predicted_work_in_progress"]
    if not 0.8 <= ratio <= 1.25:
        never_closed = int((~case_frame["closed"]).sum())
        observed, predicted = law["observed_work_in_progress"], law["predicted_work_in_progress"]
        notes.append(f"{log.source}: Little's law does not hold (work in progress {observed:,.1f} observed, "
                     f"{predicted:,.1f} from arrivals × cycle time): "
                     f"{never_closed:,} cases never close in the log and count as in progress up to its end; if they "
                     f"did finish, set close_activities under [{settings.log}] to the activity that ends them.")
    split = waiting_and_working(log, case_frame)
    if split is None:
        notes.append(f"{log.source}: no lifecycle start events, so waiting and working cannot be told apart; "
                     "time per activity is the time since the case's previous event.")
    else:
        result["waiting_and_working"] = split
    if settings.log == "tickets":
        result["service"] = service_measures(case_frame, settings).to_frame("value")
        if settings.sla_hours is None:
            notes.append(f"{log.source}: no SLA target, so no SLA attainment; set sla_hours under [tickets] in "
                         f"{EVENTS_FOLDER}/{PROCESS_FILE}.")
    return result, notes


# --- The contract's tables ---------------------------------------------------------------------------------

def _clock(stamps: pd.Series) -> pd.Series:
    """The contract's timestamps are local clock times without a zone."""
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def tickets_table(log: EventLog, settings: Settings) -> tuple[pd.DataFrame, list[str]]:
    """The contract's ``tickets`` table, with the columns a ticket log gives, one row per resolved ticket.

    ``ticket_id`` (the case), ``opened_on`` (the first event's day), ``resolution_hours`` (to the last
    resolution), ``reopened``, ``sla_due_hours`` (with ``sla_hours``), ``handle_minutes`` (with lifecycle start
    and complete: the minutes from each start to its completion). Left out, because an event log does not
    record them: ``category`` and ``channel`` (case attributes, not read), ``first_contact_resolved`` (the
    contacts with the customer are not events) and ``csat_score``.
    """
    notes: list[str] = []
    case_frame = cases(log, settings, notes)
    resolved = case_frame[case_frame["resolved_at"].notna()]
    table = pd.DataFrame({"ticket_id": resolved.index.astype(str),
                          "opened_on": _clock(resolved["first_event"]).dt.normalize().to_numpy(),
                          "resolution_hours": resolved["resolution_hours"].to_numpy(),
                          "reopened": resolved["reopened"].to_numpy(dtype=bool)})
    absent = ["category", "channel", "first_contact_resolved", "csat_score"]
    if settings.sla_hours is not None:
        table["sla_due_hours"] = settings.sla_hours
    else:
        absent.append("sla_due_hours (set sla_hours)")
    if log.has_lifecycle:
        worked = _lifecycle_pairs(log.events).groupby("case_id")["working_hours"].sum()
        table["handle_minutes"] = worked.reindex(resolved.index, fill_value=0.0).to_numpy() * 60
    else:
        absent.append("handle_minutes (needs lifecycle start and complete events)")
    notes.append(f"{log.source}: tickets has {len(table):,} resolved tickets; not in the log, so absent: "
                 f"{', '.join(absent)}.")
    if len(resolved) < len(case_frame):
        notes.append(f"{log.source}: {len(case_frame) - len(resolved):,} tickets not resolved by the log's end are "
                     "left out of tickets (the contract holds resolved tickets).")
    return table, notes


def approval_tables(log: EventLog, settings: Settings) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The contract's ``approvals`` and ``approval_steps``, with the columns an approval log gives.

    ``approvals``: ``request_id`` (the case), ``submitted_at`` (its first event), ``completed_at`` (its last
    sign-off), ``approvers_required`` (its sign-offs), one row per request with at least one sign-off.
    ``approval_steps``: ``request_id``, ``step`` (the sign-offs in time order, from 1) and, with lifecycle start
    and complete events, ``touch_minutes`` (start to completion of the sign-off). Left out, because a log
    does not record them: ``request_type`` and ``amount_cny`` (case attributes, not read), ``approver_role``
    (the log names people, not the contract's roles) and, without lifecycle data, ``touch_minutes``.
    """
    notes: list[str] = []
    case_frame = cases(log, settings, notes)
    signed = case_frame[case_frame["sign_offs"] > 0]
    approvals = pd.DataFrame({"request_id": signed.index.astype(str),
                              "submitted_at": _clock(signed["first_event"]).to_numpy(),
                              "completed_at": _clock(signed["completed_at"]).to_numpy(),
                              "approvers_required": signed["sign_offs"].to_numpy(dtype="int64")})
    events = log.events
    sign_off = _matching(events["activity"], settings.sign_off_activities) & _completions(events)
    steps_events = events[sign_off]
    steps = pd.DataFrame({"request_id": steps_events["case_id"].astype(str).to_numpy(),
                          "step": steps_events.groupby("case_id").cumcount().to_numpy(dtype="int64") + 1})
    absent = ["approvals.request_type", "approvals.amount_cny", "approval_steps.approver_role"]
    if log.has_lifecycle:
        pairs = _lifecycle_pairs(events)
        pairs = pairs[_matching(pairs["activity"].astype("category"), settings.sign_off_activities)]
        touch = pairs.groupby(["case_id", "timestamp"])["working_hours"].sum()
        keys = pd.MultiIndex.from_arrays([steps_events["case_id"], steps_events["timestamp"]])
        steps["touch_minutes"] = touch.reindex(keys).to_numpy() * 60
    else:
        absent.append("approval_steps.touch_minutes (needs lifecycle start and complete events)")
    notes.append(f"{log.source}: approvals has {len(approvals):,} requests with a sign-off, approval_steps "
                 f"{len(steps):,} sign-offs; not in the log, so absent: {', '.join(absent)}.")
    if len(signed) < len(case_frame):
        notes.append(f"{log.source}: {len(case_frame) - len(signed):,} requests without a sign-off are left out.")
    return {"approvals": approvals, "approval_steps": steps}, notes


# --- A data folder -----------------------------------------------------------------------------------------

def log_files(data_dir: str | Path) -> dict[str, Path]:
    """The event logs in a data folder's ``events/``, by log name; two files for one log are refused."""
    folder = Path(data_dir) / EVENTS_FOLDER
    found: dict[str, Path] = {}
    for log in LOGS:
        paths = [folder / f"{log}{suffix}" for suffix in SUFFIXES if (folder / f"{log}{suffix}").exists()]
        if len(paths) > 1:
            raise DataError(f"{folder}: {' and '.join(path.name for path in paths)} are the same log twice; keep one")
        if paths:
            found[log] = paths[0]
    return found


def _logs(data_dir: str | Path) -> Iterator[tuple[EventLog, Settings]]:
    for log, path in log_files(data_dir).items():
        settings = read_settings(data_dir, log)
        yield read_log(path, settings.timezone, settings.columns), settings


def measures_from_folder(data_dir: str | Path) -> tuple[dict[str, dict[str, pd.DataFrame]], list[str]]:
    """:func:`measures` of each log in the folder's ``events/``, by log name ("tickets", "approvals"), and notes."""
    result, notes = {}, []
    for log, settings in _logs(data_dir):
        result[settings.log], log_notes = measures(log, settings)
        notes += log_notes
    return result, notes


def tables_from_folder(data_dir: str | Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The contract's tables derived from the folder's event logs (``tickets``; ``approvals`` and
    ``approval_steps``), with only the columns the logs give, and notes saying what was derived and what not."""
    tables, notes = {}, []
    for log, settings in _logs(data_dir):
        notes += log.notes
        if settings.log == "tickets":
            tables["tickets"], log_notes = tickets_table(log, settings)
        else:
            derived, log_notes = approval_tables(log, settings)
            tables.update(derived)
        notes += log_notes
    return tables, notes
