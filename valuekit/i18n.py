"""The language a notebook shows its figures, tables and glued words in, and their Chinese.

Both editions run the same code. What differs is where a notebook runs: the Chinese notebooks live under
``zh/``, whose ``_config.yml`` sets ``language: zh_CN`` for Sphinx. :func:`language` reads the nearest
``_config.yml`` above the working directory (a kernel runs in its notebook's folder), so the one setting that
makes the theme's own labels Chinese also makes the notebooks' labels Chinese. Outside the book (a reader's
``make report``, a test) there is no such file and the language is English.

In Chinese, :func:`tr` looks a label up in the edition's catalogue, the CSV files in ``zh/labels/`` (columns
``english`` and ``chinese``). An English label of the form ``Lift {} pp`` matches any text with something in
place of ``{}`` and carries it into the Chinese. A label with Latin letters and no entry is a gap in the
translation: it is shown in English, with a warning on stderr, which fails the strict build.
"""

from __future__ import annotations

import csv
import re
import warnings
from functools import lru_cache
from pathlib import Path

ENGLISH, CHINESE = "en", "zh_CN"
CATALOGUE_FOLDER = "labels"
_LATIN = re.compile(r"[A-Za-z]")
# Identifiers such as team T4, PM PM07 or rubric item I01 read the same in both languages.
_IDENTIFIER = re.compile(r"\b[A-Z]{1,3}\d+\b")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=8)
def _edition_config(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / "_config.yml").is_file():
            return candidate / "_config.yml"
    return None


def language(folder: Path | None = None) -> str:
    """``zh_CN`` in the Chinese edition's folders, ``en`` everywhere else."""
    config = _edition_config((folder or Path.cwd()).resolve())
    return _configured_language(config) if config else ENGLISH


@lru_cache(maxsize=8)
def _configured_language(config: Path) -> str:
    import yaml

    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return ((settings.get("sphinx") or {}).get("config") or {}).get("language") or ENGLISH


def chinese() -> bool:
    return language() == CHINESE


@lru_cache(maxsize=8)
def catalogue(folder: Path) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """Exact labels and ``{}`` patterns (most literal text first) of the catalogue in `folder`.

    A label given two Chinese, or a pattern whose Chinese has another number of ``{}``, is an error.
    """
    exact, patterns, seen = {}, [], {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                if None in row or None in row.values():
                    raise ValueError(f"{path.name}, row {row_number}: expected two columns, english and chinese: "
                                     "quote a label that holds a comma")
                english, translated = row["english"], row["chinese"]
                if not translated:
                    continue  # not translated yet: shown in English, with the warning
                if english in seen and seen[english][0] != translated:
                    raise ValueError(f"{path.name}, row {row_number}: {english!r} is translated differently in "
                                     f"{seen[english][1]}: keep one translation")
                if english.count("{}") != translated.count("{}"):
                    raise ValueError(f"{path.name}, row {row_number}: {english!r} has {english.count('{}')} {{}} "
                                     f"and its Chinese {translated.count('{}')}: give both the same")
                seen[english] = (translated, f"{path.name}, row {row_number}")
                if "{}" in english:
                    regex = "^" + r"(.+?)".join(re.escape(part) for part in english.split("{}")) + "$"
                    patterns.append((re.compile(regex, re.DOTALL), translated, len(english.replace("{}", ""))))
                else:
                    exact[english] = translated
    # The most specific pattern first: "Approval median {} h → {} h" before "{} h → {} h"; of two with as much
    # fixed text, the one that cuts the text in more pieces ("{} to {}" before "Jan {}" for "Jan 2024 to Dec 2024").
    patterns.sort(key=lambda entry: (-entry[2], -entry[1].count("{}")))
    return exact, [(pattern, translated) for pattern, translated, _ in patterns]


def _catalogue_folder() -> Path:
    return _edition_config(Path.cwd().resolve()).parent / CATALOGUE_FOLDER


def tr(text):
    """`text` in the notebook's language: itself in English, its catalogue entry in Chinese."""
    if not isinstance(text, str) or not chinese():
        return text
    translated = _translated(text, catalogue(_catalogue_folder()))
    if translated is None:
        _report_missing(text)
        return text
    return translated


def _translated(text: str, entries) -> str | None:
    """`text` in Chinese, or None if some part of it has no entry.

    Patterns are tried most specific first, and one whose pieces do not all translate gives way to the next:
    "In {}:" fits "In Jan 2024 to Dec 2024:" once its piece, through "{} to {}", does.
    """
    if not _LATIN.search(_IDENTIFIER.sub("", text)):
        return text
    exact, patterns = entries
    if text in exact:
        return exact[text]
    for pattern, translated in patterns:
        match = pattern.match(text)
        if match:
            filled = [_translated(group, entries) for group in match.groups()]
            if None not in filled:
                pieces = translated.split("{}")
                return "".join(piece + value for piece, value in zip(pieces, [*filled, ""], strict=True))
    # Text with Chinese in it that no entry matches was translated already (a tick label drawn twice, or a
    # sentence whose clauses went through tr before it did).
    return text if _CHINESE.search(text) else None


@lru_cache(maxsize=None)
def _report_missing(text: str) -> None:
    warnings.warn(f"no Chinese for {text!r}: add it to zh/{CATALOGUE_FOLDER}/", stacklevel=3)
