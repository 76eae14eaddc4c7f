"""The Chinese edition (``zh/``): where each page's translation lives, and the checks that keep it in step.

The English book under ``book/`` is the source. Its Chinese counterpart mirrors it under ``zh/``:

- a MyST page ``book/X.md`` is translated as ``zh/X.md``;
- a notebook ``book/X.ipynb`` is *generated* as ``zh/X.ipynb`` from the English notebook's cells and the
  Chinese prose in ``zh/X.prose.md``. Code cells are copied from English, so the two editions run the same
  code; only markdown cells and the figures' alt text and captions (cell metadata) come from the prose file.

``zh/translations.json`` records, for every translated file, a fingerprint of the English prose it was
translated from. When an English page or a notebook's prose changes, its fingerprint no longer matches and
the sync test fails, naming the page to re-translate.

Commands (``python -m valuekit.book.translations ...``):

- ``skeleton book/X.ipynb``: write ``zh/X.prose.md`` with the English prose, ready to be translated;
- ``generate [zh/X.ipynb ...]``: rebuild the Chinese notebooks' cells from English code and Chinese prose
  (outputs are kept only where the cell is unchanged; re-execute with ``make notebooks``);
- ``stamp zh/X.md|zh/X.prose.md ...``: record that a translation is up to date with its English source;
- ``check``: the structural checks the tests run, printed one line per problem.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

from .notebooks import TWIN_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
ENGLISH, CHINESE = "book", "zh"
MANIFEST = Path(CHINESE) / "translations.json"
PROSE_SUFFIX = ".prose.md"
CELL_MARKER = re.compile(r"^<!-- cell (\d+)(?: (alt|caption))? -->$", re.MULTILINE)

# MyST constructs a translation keeps exactly as the English has them: targets, cross-references, glue keys,
# citations, glossary terms, downloads and directive names.
_ROLE = re.compile(r"\{(ref|doc|numref|term|download|cite(?::\w+)?|glue(?::\w+)?)\}`([^`]*)`")
_LABEL = re.compile(r"^\(([^)\s]+)\)=\s*$", re.MULTILINE)
_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{([\w:-]+)\}", re.MULTILINE)
_NAME_OPTION = re.compile(r"^\s*:(name|label):\s*(\S+)", re.MULTILINE)


def zh_path(english: Path) -> Path:
    """``book/part3/x.md`` -> ``zh/part3/x.md`` (paths relative to the repository root)."""
    return Path(CHINESE, *Path(english).parts[1:])


def english_path(chinese: Path) -> Path:
    chinese = Path(chinese)
    if chinese.name.endswith(PROSE_SUFFIX):
        chinese = chinese.with_name(chinese.name[: -len(PROSE_SUFFIX)] + ".ipynb")
    return Path(ENGLISH, *chinese.parts[1:])


def prose_path(notebook: Path) -> Path:
    """The Chinese prose file of a notebook, English or Chinese path."""
    chinese = zh_path(notebook) if Path(notebook).parts[0] == ENGLISH else Path(notebook)
    return chinese.with_name(chinese.stem + PROSE_SUFFIX)


def _role_target(role: str, body: str) -> str:
    """The part of a role a translation must keep: the target, not the link text."""
    if role.startswith("glue"):
        return body.split(":", 1)[0].strip()
    match = re.search(r"<([^<>]+)>\s*$", body)
    if role.startswith("cite"):
        return ",".join(sorted(k.strip() for k in body.split(",")))
    return (match.group(1) if match else body).strip()


def structure(text: str) -> list[str]:
    """The MyST constructs of `text` a translation must keep, in a comparable, order-free form."""
    items = [f"label:{m}" for m in _LABEL.findall(text)]
    items += [f"{role.split(':')[0]}:{_role_target(role, body)}" for role, body in _ROLE.findall(text)]
    items += [f"directive:{name}" for name in _DIRECTIVE.findall(text)]
    items += [f"{kind}:{name}" for kind, name in _NAME_OPTION.findall(text)]
    return sorted(items)


def code_blocks(text: str) -> list[str]:
    """Fenced code blocks (not directives): translations keep them byte for byte."""
    return re.findall(r"^(`{3,})(?!\{)[^\n]*\n(.*?)^\1\s*$", text, re.MULTILINE | re.DOTALL)


def _cells(notebook_path: Path) -> list[dict]:
    return json.loads(Path(notebook_path).read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def notebook_prose(notebook_path: Path) -> dict[tuple[int, str], str]:
    """Every piece of reader-facing prose in a notebook: markdown cells, figure alt text and captions."""
    prose = {}
    for index, cell in enumerate(_cells(notebook_path)):
        if cell["cell_type"] == "markdown":
            prose[(index, "text")] = _source(cell)
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        if "alt" in mystnb.get("image", {}):
            prose[(index, "alt")] = mystnb["image"]["alt"]
        if "caption" in mystnb.get("figure", {}):
            prose[(index, "caption")] = mystnb["figure"]["caption"]
    return prose


def fingerprint(english: Path, root: Path = ROOT) -> str:
    """What a translation of `english` answers to: the whole page, or a notebook's prose (not its code)."""
    path = root / english
    if path.suffix == ".ipynb":
        text = json.dumps(sorted((f"{i}:{kind}", t) for (i, kind), t in notebook_prose(path).items()))
    else:
        text = path.read_text(encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def render_prose(prose: dict[tuple[int, str], str]) -> str:
    parts = []
    for (index, kind), text in sorted(prose.items()):
        marker = f"<!-- cell {index} -->" if kind == "text" else f"<!-- cell {index} {kind} -->"
        parts.append(f"{marker}\n{text.rstrip()}\n")
    return "\n".join(parts)


def parse_prose(text: str) -> dict[tuple[int, str], str]:
    markers = list(CELL_MARKER.finditer(text))
    prose = {}
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        end = following.start() if following else len(text)
        prose[(int(marker.group(1)), marker.group(2) or "text")] = text[marker.end():end].strip("\n")
    return prose


def generated_cells(english_notebook: Path, prose: dict[tuple[int, str], str]) -> list[dict]:
    """The Chinese notebook's cells: the English cells with every piece of prose replaced, outputs dropped."""
    cells = []
    for index, cell in enumerate(_cells(english_notebook)):
        cell = copy.deepcopy(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = prose[(index, "text")]
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        if (index, "alt") in prose:
            mystnb["image"]["alt"] = prose[(index, "alt")]
        if (index, "caption") in prose:
            mystnb["figure"]["caption"] = prose[(index, "caption")]
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return cells


def _without_prose(cell: dict) -> dict:
    comparable = copy.deepcopy(_comparable(cell))
    mystnb = comparable["metadata"].get("mystnb", {})
    mystnb.get("image", {}).pop("alt", None)
    mystnb.get("figure", {}).pop("caption", None)
    return comparable


def _comparable(cell: dict) -> dict:
    return {"cell_type": cell["cell_type"], "source": _source(cell), "metadata": cell.get("metadata", {})}


def generate(chinese_notebook: Path, root: Path = ROOT) -> tuple[bool, bool]:
    """Rebuild `chinese_notebook` from English code and Chinese prose; returns (any cell changed, code changed).

    A code cell whose source and metadata are unchanged keeps its stored outputs, so only a change to the
    code needs ``make notebooks``.
    """
    english = root / english_path(chinese_notebook)
    prose = parse_prose((root / prose_path(chinese_notebook)).read_text(encoding="utf-8"))
    target = root / chinese_notebook
    old = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else None
    notebook = json.loads(english.read_text(encoding="utf-8"))
    new_cells = generated_cells(english, prose)
    old_cells = old["cells"] if old else []
    changed = code_changed = len(old_cells) != len(new_cells)
    for position, cell in enumerate(new_cells):
        previous = old_cells[position] if position < len(old_cells) else None
        if previous is not None and _comparable(previous) == _comparable(cell):
            new_cells[position] = previous
            continue
        changed = True
        if previous is not None and cell["cell_type"] == "code" and \
                _without_prose(previous) == _without_prose(cell):
            # Only its alt text or caption changed: myst-nb reads those at build time, the outputs stand.
            cell["outputs"], cell["execution_count"] = previous["outputs"], previous["execution_count"]
        else:
            code_changed = code_changed or cell["cell_type"] == "code"
    notebook["cells"] = new_cells
    notebook["metadata"] = (old or notebook)["metadata"]
    if changed:
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed, code_changed


def manifest(root: Path = ROOT) -> dict[str, str]:
    path = root / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def stamp(chinese_files: list[Path], root: Path = ROOT) -> None:
    known = manifest(root)
    for chinese in chinese_files:
        known[Path(chinese).as_posix()] = fingerprint(english_path(chinese), root)
    (root / MANIFEST).write_text(json.dumps(dict(sorted(known.items())), indent=1) + "\n", encoding="utf-8")


def english_sources(root: Path = ROOT) -> list[Path]:
    """Every page and notebook of the English edition that has a Chinese counterpart (all under book/)."""
    return sorted(p.relative_to(root) for p in (root / ENGLISH).rglob("*")
                  if p.suffix in {".md", ".ipynb"} and ".ipynb_checkpoints" not in p.parts
                  and not p.name.endswith(TWIN_SUFFIX))  # a notebook's text twin is not a page


def translation_of(english: Path) -> Path:
    """The file holding the Chinese prose of `english`: the page itself, or the notebook's prose file."""
    return prose_path(english) if english.suffix == ".ipynb" else zh_path(english)


def problems(root: Path = ROOT) -> list[str]:
    """Everything that keeps the Chinese edition out of step with the English one, one line each."""
    found, stamps = [], manifest(root)
    for english in english_sources(root):
        chinese = translation_of(english)
        if not (root / chinese).is_file():
            found.append(f"{chinese}: missing: translate {english} (see CONTRIBUTING.md, 'The Chinese edition')")
            continue
        if stamps.get(chinese.as_posix()) != fingerprint(english, root):
            found.append(f"{chinese}: {english} changed since it was translated: update the translation, "
                         f"then run python -m valuekit.book.translations stamp {chinese}")
        found += structure_problems(english, chinese, root)
        if english.suffix == ".ipynb":
            zh_notebook = zh_path(english)
            expected = [_comparable(c) for c in generated_cells(root / english, _prose(root / chinese))] \
                if not found or not found[-1].startswith(f"{chinese}: cells do not match") else None
            stored = [_comparable(c) for c in _cells(root / zh_notebook)] if (root / zh_notebook).is_file() else None
            if expected is not None and stored != expected:
                found.append(f"{zh_notebook}: not generated from {english} and {chinese}: run python -m "
                             f"valuekit.book.translations generate {zh_notebook}, then make notebooks")
    return found


def _prose(path: Path) -> dict[tuple[int, str], str]:
    return parse_prose(path.read_text(encoding="utf-8"))


def structure_problems(english: Path, chinese: Path, root: Path = ROOT) -> list[str]:
    """Differences in what a translation must keep: targets, references, glue keys, code blocks."""
    if english.suffix == ".ipynb":
        source, translated = notebook_prose(root / english), _prose(root / chinese)
        if set(source) != set(translated):
            missing = sorted(set(source) - set(translated))
            extra = sorted(set(translated) - set(source))
            return [f"{chinese}: cells do not match {english}: missing {missing}, unexpected {extra}"]
        pairs = [(f"cell {i} {kind}", source[(i, kind)], translated[(i, kind)]) for i, kind in sorted(source)]
    else:
        pairs = [("page", (root / english).read_text(encoding="utf-8"),
                  (root / chinese).read_text(encoding="utf-8"))]
    found = []
    for where, original, translation in pairs:
        lost = _multiset_difference(structure(original), structure(translation))
        added = _multiset_difference(structure(translation), structure(original))
        if lost or added:
            found.append(f"{chinese}: {where}: MyST constructs differ from {english}: "
                         f"missing {lost or 'none'}, unexpected {added or 'none'}")
        if code_blocks(original) != code_blocks(translation):
            found.append(f"{chinese}: {where}: code blocks differ from {english}: keep them as in English")
    return found


def _multiset_difference(a: list[str], b: list[str]) -> list[str]:
    remaining = list(b)
    left = []
    for item in a:
        if item in remaining:
            remaining.remove(item)
        else:
            left.append(item)
    return left


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("skeleton").add_argument("notebooks", nargs="+", type=Path)
    commands.add_parser("generate").add_argument("notebooks", nargs="*", type=Path)
    commands.add_parser("stamp").add_argument("files", nargs="+", type=Path)
    commands.add_parser("check").add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "skeleton":
        for notebook in args.notebooks:
            target = ROOT / prose_path(notebook)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_prose(notebook_prose(ROOT / notebook)), encoding="utf-8")
            print(target.relative_to(ROOT))
    elif args.command == "generate":
        notebooks = args.notebooks or [zh_path(e) for e in english_sources() if e.suffix == ".ipynb"]
        for notebook in notebooks:
            changed, code_changed = generate(Path(notebook))
            if code_changed:
                print(f"{notebook}: code changed: re-execute it (make notebooks)")
            elif changed:
                print(f"{notebook}: prose updated")
    elif args.command == "stamp":
        stamp(args.files)
    else:
        wanted = {p.as_posix() for p in args.files}
        found = [line for line in problems() if not wanted or line.split(":", 1)[0] in wanted]
        print("\n".join(found) or "the Chinese edition is in step with the English one")
        sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
