"""Time and memory of reading large XES event logs with valuekit.events (issue 27, item 1).

Synthesises seeded service-desk logs of 250 k and 2 M events as XES (to /tmp unless --dir says otherwise),
then reads each in a child process of its own, which times `events.read_log` and `events.measures` (wall
and CPU time: on a shared machine the CPU time is the figure that does not depend on others' load) and
reports its peak resident memory (`resource.getrusage`, which counts lxml's C allocations too, unlike
tracemalloc) against the memory of the same process before reading. Targets from the issue: 250 k events
read in seconds, 2 M in under a minute, memory bounded (the XML tree is never held: what grows is the
compact columns kept per event).

The log looks like a real help desk's: cases of 2 to 9 events (open, assign, work, wait, resolve, close,
with repetitions as rework), 40 resources, two extra string attributes per event as exports carry, and UTC
offsets that change with summer time (+01:00 in winter, +02:00 in summer), over about two years.

Usage: python benchmarks/event_logs.py [--events 250000,2000000] [--dir /tmp] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240101
ACTIVITIES = ("Assign seriousness", "Take in charge ticket", "Wait", "Resolve ticket")
WINTER, SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
HEADER = ('<?xml version="1.0" encoding="UTF-8" ?>\n'
          '<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">\n'
          '\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
          '\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
          '\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n')
EVENT = ('\t\t<event>\n\t\t\t<string key="concept:name" value="{activity}"/>\n'
         '\t\t\t<string key="org:resource" value="Agent {resource}"/>\n'
         '\t\t\t<date key="time:timestamp" value="{stamp}"/>\n'
         '\t\t\t<string key="product" value="Product {product}"/>\n'
         '\t\t\t<string key="service_level" value="Level {level}"/>\n\t\t</event>\n')


def _stamp(moment: datetime) -> str:
    # Central European summer time, roughly (last Sunday of March to last Sunday of October): enough for a
    # log that mixes the two offsets as a real export does.
    summer = (4 <= moment.month <= 9) or (moment.month == 3 and moment.day >= 28) or (
        moment.month == 10 and moment.day < 28)
    return moment.astimezone(SUMMER if summer else WINTER).isoformat(timespec="milliseconds")


def synthesise(path: Path, n_events: int) -> int:
    """Write a seeded log of about `n_events` events; returns the events written."""
    rng = np.random.default_rng(SEED)
    start = datetime(2022, 1, 3, tzinfo=timezone.utc)
    span_hours = 2 * 365 * 24
    written, case, next_report = 0, 0, n_events // 4
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        while written < n_events:
            case += 1
            opened = start + timedelta(hours=float(rng.uniform(0, span_hours)))
            middle = [ACTIVITIES[i] for i in rng.integers(0, len(ACTIVITIES), int(rng.integers(0, 8)))]
            names = ["Insert ticket", *middle, "Closed"]
            gaps = np.cumsum(rng.exponential(20.0, len(names)))
            parts = [f'\t<trace>\n\t\t<string key="concept:name" value="Case {case}"/>\n']
            for name, gap in zip(names, gaps, strict=True):
                parts.append(EVENT.format(activity=name, resource=int(rng.integers(1, 41)),
                                          stamp=_stamp(opened + timedelta(hours=float(gap))),
                                          product=int(rng.integers(1, 20)), level=int(rng.integers(1, 4))))
            parts.append("\t</trace>\n")
            handle.write("".join(parts))
            written += len(names)
            if written >= next_report:
                print(f"  wrote {written:,} of {n_events:,} events", flush=True)
                next_report += n_events // 4
        handle.write("</log>\n")
    return written


def read_child(path: str) -> None:
    """In a fresh process: read the log and derive its measures; print the figures as JSON."""
    import resource

    from valuekit import events

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began, began_cpu = time.perf_counter(), time.process_time()
    log = events.read_log(path)
    read_seconds, read_cpu_seconds = time.perf_counter() - began, time.process_time() - began_cpu
    after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  read {len(log.events):,} events in {read_seconds:.1f} s", file=sys.stderr, flush=True)
    began = time.perf_counter()
    settings = events.Settings(log="tickets", **{**events.DEFAULTS["tickets"], "sla_hours": 48.0})
    measured, _ = events.measures(log, settings)
    measure_seconds = time.perf_counter() - began
    law = measured["littles_law"]["value"]
    print(json.dumps({"events": len(log.events), "cases": int(log.events["case_id"].nunique()),
                      "read_seconds": read_seconds, "read_cpu_seconds": read_cpu_seconds,
                      "measure_seconds": measure_seconds, "load_average": os.getloadavg()[0],
                      "baseline_mb": before / 1024, "peak_after_read_mb": after_read / 1024,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "frame_mb": log.events.memory_usage(deep=True).sum() / 2**20,
                      "wip_observed": law["observed_work_in_progress"],
                      "wip_predicted": law["predicted_work_in_progress"]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="250000,2000000")
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--keep", action="store_true", help="keep the synthesised logs, and reuse kept ones")
    parser.add_argument("--read", help=argparse.SUPPRESS)  # the child process
    arguments = parser.parse_args()
    if arguments.read:
        read_child(arguments.read)
        return
    for n_events in (int(value) for value in arguments.events.split(",")):
        path = Path(arguments.dir) / f"valuekit-bench-{n_events}.xes"
        if arguments.keep and path.exists():
            print(f"{n_events:,} events: reusing {path} (kept by an earlier --keep run)", flush=True)
        else:
            print(f"{n_events:,} events: synthesising {path} (seed {SEED})", flush=True)
            began = time.perf_counter()
            synthesise(path, n_events)
            print(f"  {path.stat().st_size / 2**20:,.0f} MB in {time.perf_counter() - began:.0f} s", flush=True)
        print("  reading in a child process", flush=True)
        child = subprocess.run([sys.executable, __file__, "--read", str(path)], capture_output=True, text=True,
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
        sys.stderr.write(child.stderr)
        if child.returncode:
            raise SystemExit(f"reading {path} failed")
        figures = json.loads(child.stdout)
        print(f"  {figures['events']:,} events, {figures['cases']:,} cases: read in {figures['read_seconds']:.1f} s "
              f"({figures['read_cpu_seconds']:.1f} s of CPU; load average {figures['load_average']:.1f}), "
              f"measures in {figures['measure_seconds']:.1f} s; peak memory {figures['peak_mb']:,.0f} MB "
              f"({figures['peak_after_read_mb'] - figures['baseline_mb']:,.0f} MB over the "
              f"{figures['baseline_mb']:,.0f} MB of the process before reading; the events frame itself "
              f"{figures['frame_mb']:,.0f} MB); "
              f"Little's law: WIP {figures['wip_observed']:,.1f} observed, {figures['wip_predicted']:,.1f} predicted",
              flush=True)
        if not arguments.keep:
            path.unlink()


if __name__ == "__main__":
    main()
