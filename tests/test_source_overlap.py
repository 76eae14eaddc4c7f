"""The Chinese edition is in its own words, not the source articles' (CONTRIBUTING.md, "The Chinese edition").

The book restates the five source articles (../shared/sources) and cites them; it never pastes their sentences.
In Chinese the risk is verbatim reuse, so this check compares every Chinese page (zh/**/*.md and the notebooks'
prose, zh/**/*.prose.md; the references appendix aside, since it lists the sources' titles) with every source:
no page may share a run of MIN_RUN or more consecutive Han characters with a source.

How the comparison is made:

- Only Han characters count. Punctuation, spaces, Latin letters, digits and MyST markup are removed from both
  sides first, so a run cannot hide behind a changed comma or a role around a word.
- Source 002 is stored in traditional characters; it is converted to simplified (OpenCC, ``t2s``) before it is
  compared.
- The sources are not part of the repository, so the comparison runs against their fingerprints,
  ``tests/source_fingerprints.txt``: a 48-bit BLAKE2b digest of every run of MIN_RUN Han characters of each source,
  not the text. Where the sources are at hand (../shared/sources), a test checks that the fingerprints are
  theirs; after a source changes, rewrite the file with ``python tests/test_source_overlap.py``.

A marked quotation is the one exception, and it is recognised strictly: text inside “…” or 「…」, immediately
followed by a footnote reference ``[^label]``, whose footnote definition (``[^label]: ...``) holds the same Han
characters (the original) and cites the source with a ``{cite`` role. The quotation and its footnote are left out
of the comparison; a quotation without such a footnote is checked like any other prose. The book keeps at most
MAX_QUOTATIONS such quotations in the whole Chinese edition.
"""

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
FINGERPRINTS = Path(__file__).with_name("source_fingerprints.txt")
DIGEST_BYTES = 6
MIN_RUN = 12
MAX_QUOTATIONS = 6

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
QUOTATION = re.compile(r"(“[^”\n]*”|「[^」\n]*」)\[\^([^\]\s]+)\]")
FOOTNOTE = re.compile(r"^\[\^([^\]\s]+)\]:(.*(?:\n(?:[ \t]+\S.*)?)*)", re.MULTILINE)


def han(text: str) -> str:
    """The Han characters of a text, in order, everything else removed."""
    return "".join(HAN.findall(text))


def digest(gram: str) -> bytes:
    return hashlib.blake2b(gram.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    """Each source article's Han characters, in simplified characters, by file name (where the sources are)."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    found = {}
    for path in sorted(SOURCES.glob("[0-9][0-9][0-9]_*.txt")):
        text = path.read_text(encoding="utf-8")
        found[path.name] = han(to_simplified.convert(text) if path.name.startswith("002_") else text)
    return found


def fingerprint_file(texts: dict[str, str]) -> str:
    """The fingerprints of the sources' texts: a line per source, its name and its sorted digests in base64."""
    lines = []
    for name, text in sorted(texts.items()):
        digests = sorted({digest(text[i:i + MIN_RUN]) for i in range(len(text) - MIN_RUN + 1)})
        lines.append(f"{name} {base64.b64encode(b''.join(digests)).decode('ascii')}")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def source_grams() -> dict[bytes, str]:
    """The digest of every run of MIN_RUN Han characters in any source, with the source it comes from."""
    grams = {}
    for line in FINGERPRINTS.read_text(encoding="ascii").splitlines():
        name, packed = line.split(" ")
        raw = base64.b64decode(packed)
        for start in range(0, len(raw), DIGEST_BYTES):
            grams.setdefault(raw[start:start + DIGEST_BYTES], name)
    return grams


def marked_quotations(text: str) -> list[tuple[str, str]]:
    """The marked quotations of a page: (quotation with its footnote reference, footnote label)."""
    footnotes = {label: body for label, body in FOOTNOTE.findall(text)}
    marked = []
    for match in QUOTATION.finditer(text):
        quoted, label = han(match.group(1)), match.group(2)
        body = footnotes.get(label, "")
        if quoted and quoted in han(body) and "{cite" in body:
            marked.append((match.group(0), label))
    return marked


def checked_text(text: str) -> str:
    """A page's text without its marked quotations and their footnotes: what must be the book's own words."""
    marked = marked_quotations(text)
    labels = {label for _, label in marked}
    for quotation, _ in marked:
        text = text.replace(quotation, " ")
    return FOOTNOTE.sub(lambda m: " " if m.group(1) in labels else m.group(0), text)


def shared_runs(text: str) -> list[tuple[str, str]]:
    """The maximal runs of at least MIN_RUN Han characters the text shares with a source: (run, source)."""
    chars, grams = han(checked_text(text)), source_grams()
    runs, start = [], None
    hits = [digest(chars[i:i + MIN_RUN]) in grams for i in range(len(chars) - MIN_RUN + 1)] + [False]
    for i, hit in enumerate(hits):
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append((chars[start:i - 1 + MIN_RUN], grams[digest(chars[start:start + MIN_RUN])]))
            start = None
    return runs


def chinese_pages() -> list[Path]:
    pages = set((ROOT / "zh").rglob("*.md"))
    return sorted(page for page in pages if not page.relative_to(ROOT / "zh").as_posix().startswith(
        "appendix/references"))


def test_no_chinese_page_shares_a_run_of_han_characters_with_a_source():
    offending = []
    for page in chinese_pages():
        for run, source in shared_runs(page.read_text(encoding="utf-8")):
            offending.append(f"{page.relative_to(ROOT)}: {len(run)} characters shared with {source}: {run}")
    assert not offending, "Rewrite these passages in the book's own words (or mark a quotation):\n" + "\n".join(
        offending)


def test_the_chinese_edition_keeps_at_most_six_marked_quotations():
    quotations = [(page.relative_to(ROOT).as_posix(), quotation) for page in chinese_pages()
                  for quotation, _ in marked_quotations(page.read_text(encoding="utf-8"))]
    assert len(quotations) <= MAX_QUOTATIONS, quotations


needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason=f"the source articles are not at {SOURCES}")


@needs_sources
def test_the_sources_are_read_in_simplified_characters():
    texts = sources()
    assert len(texts) == 5
    simplified = next(text for name, text in texts.items() if name.startswith("002_"))
    assert "后台产品经理" in simplified and "產" not in simplified


@needs_sources
def test_the_fingerprints_are_the_sources_current_ones():
    assert FINGERPRINTS.read_text(encoding="ascii") == fingerprint_file(sources()), (
        "the sources changed: rewrite the fingerprints with python tests/test_source_overlap.py")


def test_only_a_quotation_with_its_original_in_a_cited_footnote_is_left_out():
    passage = "中后台的价值就在怎么用最快的时间、整合最多的信息"
    marked = f"作者说“{passage}”[^q]。\n\n[^q]: 原文：「{passage}」{{cite:p}}`sl2024value`\n"
    assert shared_runs(marked) == []
    unmarked = f"作者说“{passage}”。\n"
    uncited = f"作者说“{passage}”[^q]。\n\n[^q]: 原文：「{passage}」\n"
    other_original = f"作者说“{passage}”[^q]。\n\n[^q]: 见原文 {{cite:p}}`sl2024value`\n"
    spread = "中后台的价值就在**怎么用**最快的时间，整合 `x` 最多的信息"
    for page in (unmarked, uncited, other_original, spread):
        assert {run for run, _ in shared_runs(page)} == {han(passage)}


if __name__ == "__main__":
    FINGERPRINTS.write_text(fingerprint_file(sources()), encoding="ascii")
    print(f"wrote {FINGERPRINTS}")
