"""Cut the small extracts in this folder from the full logs in pm4py's test data (see README.md).

Usage: python tests/data/event_logs/cut.py PM4PY_TESTS_DIR, where the directory holds pm4py-core's
tests/input_data/helpdesk.xes.gz, tests/input_data/receipt.csv and tests/compressed_input_data/08_receipt.xes.gz
(all three copied from the repository as they are). A trace is kept when its first event falls in the window;
it is kept whole, every attribute as in the source. This script reads the XML with lxml directly, not with
valuekit.events, so the extracts do not depend on the code they test. Gzip headers carry no time, so a re-cut
gives the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from datetime import datetime
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
XES = "{http://www.xes-standard.org/}"
# (source file, extract name, first events from, up to but not including)
WINDOWS = {
    "helpdesk": ("input_data/helpdesk.xes.gz", "2012-01-01T00:00:00+00:00", "2012-03-01T00:00:00+00:00"),
    "receipt": ("compressed_input_data/08_receipt.xes.gz", "2011-02-01T00:00:00+01:00", "2011-05-01T00:00:00+02:00"),
}


def _first_stamp(trace) -> datetime:
    stamps = [child.get("value") for event in trace.iter(f"{XES}event") for child in event
              if child.get("key") == "time:timestamp"]
    return min(datetime.fromisoformat(stamp) for stamp in stamps)


def _write_gzip(path: Path, data: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)


def cut(tests_dir: Path, name: str) -> list:
    source, start, end = WINDOWS[name]
    start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
    tree = etree.parse(gzip.open(tests_dir / source))
    log = tree.getroot()
    kept = []
    for trace in log.findall(f"{XES}trace"):
        if start <= _first_stamp(trace) < end:
            kept.append(trace)
        else:
            log.remove(trace)
    _write_gzip(HERE / f"{name}.xes.gz", etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    return kept


def case_id(trace) -> str:
    return next(child.get("value") for child in trace if child.get("key") == "concept:name")


def main(tests_dir: Path) -> None:
    helpdesk = cut(tests_dir, "helpdesk")
    # The help desk as a plain CSV (case_id, activity, timestamp, resource), values copied from the XES.
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["case_id", "activity", "timestamp", "resource"])
    for trace in helpdesk:
        for event in trace.iter(f"{XES}event"):
            values = {child.get("key"): child.get("value") for child in event}
            writer.writerow([case_id(trace), values["concept:name"], values["time:timestamp"], values["org:resource"]])
    _write_gzip(HERE / "helpdesk.csv.gz", text.getvalue().encode("utf-8"))
    receipt = {case_id(trace) for trace in cut(tests_dir, "receipt")}
    # The receipt log as pm4py's own CSV rendition (pm4py-style column names), the same cases.
    with open(tests_dir / "input_data/receipt.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    case_column = rows[0].index("case:concept:name")
    writer.writerows([rows[0], *(row for row in rows[1:] if row[case_column] in receipt)])
    _write_gzip(HERE / "receipt.csv.gz", text.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
