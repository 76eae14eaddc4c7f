"""What a data folder holds for the book, before anything runs: ``python -m valuekit.check --data DIR``.

For every table of the contract (the tables the book's notebooks read), one line: the file and its rows if it
loads; else what it lacks (every missing column, with what to add) or its first problem, as the loader's
one-line message. Then, for each section of the value report, whether it can be shown from the folder, and if
not, which tables to add or fix. The command only reads the folder, prints no traceback and exits 0: the
lines are the answer. ``make check DATA=dir`` runs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loader import DataError, _dependencies, load_tables, missing_columns, table_file
from .schema import TABLES

#: The tables each section of the value report is computed from: the ``NEEDS`` of
#: book/part5/value-report.ipynb (tests/test_exports.py checks that the two agree).
REPORT_NEEDS = {
    "adoption of lead scoring": ["usage_events", "sales_reps", "sales_teams"],
    "conversion lift": ["leads", "sales_reps", "sales_teams"],
    "approval automation": ["approvals", "approval_steps", "wages", "changes"],
    "push automation": ["push_campaigns", "wages"],
    "service desk": ["tickets", "changes"],
    "internal users": ["user_survey", "staff", "changes"],
    "project costs": ["project_costs"],
}


def _columns(name: str, columns: list[str]) -> str:
    described = [f"{field['name']} ({_lower_first(field['description'].split('. ')[0].rstrip('.'))})"
                 for field in TABLES[name]["fields"] if field["name"] in columns]
    return "; ".join(described)


def _lower_first(text: str) -> str:
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def table_states(folder: Path) -> dict[str, tuple[bool, str]]:
    """Each contract table: (whether it loads, the line that says so or says what to do)."""
    states: dict[str, tuple[bool, str]] = {}
    for name in TABLES:
        try:
            path = table_file(folder, name)
        except DataError as error:
            states[name] = (False, str(error))
            continue
        if path is None:
            states[name] = (False, f"{name}: missing; add {name}.csv (or .xlsx, .parquet) with columns "
                                   f"{_columns(name, [field['name'] for field in TABLES[name]['fields']])}")
            continue
        try:
            lacking = missing_columns(folder, name)
        except DataError as error:
            states[name] = (False, str(error))
            continue
        if lacking:
            states[name] = (False, f"{path}: lacks {len(lacking)} column{'s' * (len(lacking) > 1)}; add "
                                   f"{_columns(name, lacking)} (or map the export's names in columns.toml)")
            continue
        states[name] = (True, str(path))
    return _loaded(folder, states)


def _loaded(folder: Path, states: dict[str, tuple[bool, str]]) -> dict[str, tuple[bool, str]]:
    """Load the tables whose files look complete: all at once if that works, else one by one for the messages."""
    readable = [name for name, (ok, _line) in states.items() if ok]
    try:
        frames = load_tables(folder, readable) if readable else {}
    except DataError:
        frames = None
    for name in readable:
        path = states[name][1]
        broken = [other for other in _dependencies([name]) if other != name and not states[other][0]]
        if broken:
            states[name] = (False, f"{path}: refers to {broken[0]}, which is missing or has a problem (see its "
                                   "line); fix that first")
            continue
        try:
            rows = len(frames[name] if frames is not None else load_tables(folder, [name])[name])
        except DataError as error:
            states[name] = (False, str(error))
            continue
        states[name] = (True, f"{path}: {rows:,} row{'s' * (rows != 1)}")
    return states


def report_lines(folder: Path) -> list[str]:
    """Every line the command prints."""
    if not folder.is_dir():
        return [f"{folder}: data folder not found" if not folder.exists() else
                f"{folder}: this is a file, not a folder; pass the folder that holds the table files"]
    try:
        load_tables(folder, [])  # the folder's bounds.csv and columns.toml, which every table goes through
    except DataError as error:
        return [str(error), "Fix this first: the tables are checked once it reads."]
    states = table_states(folder)
    lines = [f"Tables in {folder} (the contract's {len(TABLES)}; the book's notebooks read them):"]
    lines += [f"  {'ok     ' if ok else 'missing' if 'missing; add' in line else 'fix    '}  {line}"
              for _name, (ok, line) in states.items()]
    lines.append("Sections of the value report (make report DATA=...):")
    for section, names in REPORT_NEEDS.items():
        failing = [name for name in names if not states[name][0]]
        if not failing:
            lines.append(f"  shown      {section}")
            continue
        absent = [name for name in failing if "missing; add" in states[name][1]]
        broken = [name for name in failing if name not in absent]
        needs = ([f"add {', '.join(absent)}"] if absent else []) + ([f"fix {', '.join(broken)}"] if broken else [])
        lines.append(f"  not shown  {section}: {'; '.join(needs)} (see the tables above)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m valuekit.check", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the data folder to check")
    args = parser.parse_args(argv)
    print("\n".join(report_lines(Path(args.data))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
