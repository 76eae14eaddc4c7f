"""The Chinese edition uses one term list (issue 26): zh/terms.csv.

Each row names a preferred term and a variant to avoid; `allow` lists phrases (separated by |) in which the
avoided string is the right word after all (证据强度 holds 强度 but is not the attribution strength). A page
that uses an avoided variant fails, naming the page, the line and the word to use instead. Chinese sentences
also take the full-width semicolon: a half-width ";" between Chinese characters fails too.

Checked: every page and notebook prose file of the Chinese edition (zh/**/*.md, zh/**/*.prose.md), outside
code blocks, inline code and HTML comments.
"""

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "zh"
TERMS = ZH / "terms.csv"

CODE_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\{?[\w-]*\}?)")
# Fenced blocks whose body is prose (MyST directives); every other fenced block is code.
CODE_BLOCKS = {"", "{code-cell}", "{code-block}", "{code}", "{literalinclude}", "{math}", "python", "py",
               "bash", "sh", "shell", "text", "console", "sql", "yaml", "yml", "json", "csv", "toml", "ini",
               "xml", "html", "r"}
INLINE_CODE = re.compile(r"(?<![}\w])`[^`\n]*`")
COMMENT = re.compile(r"<!--.*?-->")
HAN = r"[\u4e00-\u9fff]"
HALF_WIDTH_SEMICOLON = re.compile(rf"{HAN}[”’）」』》]?\s*;\s*[“‘（「『《]?{HAN}")


def terms() -> list[dict[str, str]]:
    with TERMS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def pages() -> list[Path]:
    return sorted(path for path in ZH.rglob("*.md") if "_build" not in path.parts)


def prose_lines(path: Path):
    """(line number, text) of the lines a reader reads as prose."""
    fence, in_code = None, False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        opened = CODE_FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
            in_code = opened.group(2).lower() in CODE_BLOCKS
            continue
        if fence is not None and line.strip().startswith(fence[0] * len(fence)) and \
                line.strip().strip(fence[0]) == "":
            fence, in_code = None, False
            continue
        if in_code:
            continue
        yield number, COMMENT.sub(" ", INLINE_CODE.sub(" ", line))


def uses(text: str, avoid: str, allow: list[str]) -> bool:
    for phrase in allow:
        text = text.replace(phrase, "　")
    return avoid in text


def test_the_term_list_is_well_formed():
    rows = terms()
    assert rows, "zh/terms.csv is empty"
    for row in rows:
        assert row["preferred"].strip() and row["avoid"].strip(), row
        assert row["avoid"] not in row["preferred"] or row["allow"], row
        for phrase in filter(None, row["allow"].split("|")):
            assert row["avoid"] in phrase, f"allowed phrase {phrase!r} does not contain {row['avoid']!r}"


def test_the_checks_catch_what_they_should():
    assert HALF_WIDTH_SEMICOLON.search("先对齐口径;再上线")
    assert HALF_WIDTH_SEMICOLON.search("先对齐口径; 再上线")
    assert not HALF_WIDTH_SEMICOLON.search("先对齐口径；再上线")
    assert not HALF_WIDTH_SEMICOLON.search("&nbsp;再上线")
    assert uses("只能认领明确正相关", "认领", [])
    assert not uses("证据强度只取决于最弱的一环", "强度", ["证据强度"])
    assert uses("证据强度和强度", "强度", ["证据强度"])


@pytest.mark.parametrize("page", pages(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_page_uses_the_term_list(page):
    rows = [(row["avoid"], row["preferred"], list(filter(None, row["allow"].split("|")))) for row in terms()]
    found = []
    for number, text in prose_lines(page):
        for avoid, preferred, allow in rows:
            if uses(text, avoid, allow):
                found.append(f"{page.relative_to(ROOT)}:{number}: {avoid!r}, use {preferred!r}")
        for match in HALF_WIDTH_SEMICOLON.finditer(text):
            found.append(f"{page.relative_to(ROOT)}:{number}: half-width ';' in {match.group()!r}, use '；'")
    assert not found, "\n".join(found)
