"""The Chinese edition's interface speaks Chinese: no tooltip, label or placeholder of the theme is left in
English (valuekit/book/theme_text.py and zh/labels/theme.csv), and every entry of that table is still needed."""

import csv
import re
from functools import cache

import pytest
from bs4 import BeautifulSoup

from .site import ROOT, SITE, site_pages

ATTRIBUTES = ("title", "aria-label", "data-bs-title", "placeholder", "alt")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Left in English on purpose: the link to the English edition says where it goes in the language it goes to.
ENGLISH_ON_PURPOSE = {"Read this page in English"}
CHINESE_PAGES = [page for page in site_pages() if page.startswith("zh/")]
THEME_TEXT = ROOT / "zh" / "labels" / "theme.csv"


@cache
def interface_words(page: str) -> list[str]:
    """The English attribute values of one Chinese page, leaving out citations (a reference's own title)."""
    soup = BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "html.parser")
    english = []
    for element in soup.find_all(lambda tag: any(tag.has_attr(name) for name in ATTRIBUTES)):
        if element.name == "a" and "references.html#" in element.get("href", ""):
            continue
        for name in ATTRIBUTES:
            value = element.get(name, "")
            if LATIN_WORD.search(value) and not HAN.search(value) and value not in ENGLISH_ON_PURPOSE:
                english.append(f'{name}="{value}"')
    return english


@pytest.mark.parametrize("page", CHINESE_PAGES)
def test_chinese_pages_have_no_english_interface_words(page):
    assert interface_words(page) == [], "add the words to zh/labels/theme.csv (english,chinese)"


def test_every_theme_text_entry_is_used():
    with THEME_TEXT.open(encoding="utf-8", newline="") as table:
        entries = {row["chinese"] for row in csv.DictReader(table)}
    shown = "".join((SITE / page).read_text(encoding="utf-8") for page in CHINESE_PAGES)
    unused = sorted(chinese for chinese in entries if chinese not in shown)
    assert unused == [], f"no Chinese page shows these any more: remove them from {THEME_TEXT.name}"
