"""Sphinx extension for the Chinese edition: a query is cut into the same words as the pages it should find.

Sphinx segments Chinese pages with jieba when it builds the search index, but its search page does not
segment the reader's query: 线索评分 is looked up as one word, while the index holds the pages' 线索 and 评分,
so the book's commonest terms found nothing. Two things close the gap:

- jieba learns every Chinese word of the glossary's terms (``appendix/glossary.md``) as a user word before
  the index is built (Sphinx's ``html_search_options["dict"]``), so the index holds those terms whole as
  well as cut (权限复核, and 等保 from 等保2.0). jieba still cuts a term across a longer word it prefers
  (数据结构 + 化 in 数据结构化, 日 + 活跃 in 日活跃), so a text also gets each glossary term it holds as a word
  of its own: a reader searching 结构化 finds the page that says 数据结构化;
- the search page cuts each run of Chinese characters in the query into words the index holds
  (:data:`QUERY_SPLITTER`, Sphinx's per-language ``splitQuery``): a run the index knows stays whole, any other
  is cut into the fewest indexed words that cover the most of it. A page then matches when it holds every
  word, as it does for an English query of several words. A character the index cannot place (jieba's
  single characters, which Sphinx leaves out of the index) drops out of the query rather than emptying it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.search.zh import SearchChinese

GLOSSARY = Path("appendix") / "glossary.md"
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")

# Sphinx's default splitQuery (searchtools.js), then each Han run segmented against the loaded index's words
# (terms and title terms) by a shortest path: fewest characters left out first, then fewest words.
QUERY_SPLITTER = r"""
var splitQuery = (query) => {
  const words = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((w) => w);
  const index = typeof Search !== "undefined" ? Search._index : null;
  if (!index) return words;
  const known = (w) => Object.prototype.hasOwnProperty.call(index.terms, w)
    || Object.prototype.hasOwnProperty.call(index.titleterms, w);
  const longest = 12;
  const segment = (run) => {
    if (known(run)) return [run];
    const best = [[0, 0, []]];  // best[i]: [characters left out, words, words] for run.slice(0, i)
    for (let i = 1; i <= run.length; i++) {
      const skip = best[i - 1];
      best[i] = [skip[0] + 1, skip[1], skip[2]];
      for (let j = Math.max(0, i - longest); j <= i - 2; j++) {
        const piece = run.slice(j, i);
        const from = best[j];
        const candidate = [from[0], from[1] + 1, from[2].concat([piece])];
        if (known(piece) && (candidate[0] < best[i][0]
            || (candidate[0] === best[i][0] && candidate[1] < best[i][1]))) best[i] = candidate;
      }
    }
    const found = best[run.length][2];
    return found.length ? found : [run];
  };
  return words.flatMap((word) => word.split(/([\u4e00-\u9fff]+)/u).filter((p) => p)
    .flatMap((piece) => (/^[\u4e00-\u9fff]+$/u.test(piece) ? segment(piece) : [piece])));
};
"""


class SearchChineseQueries(SearchChinese):
    """Sphinx's Chinese search, with a search page that segments the query (see the module's docstring)."""

    js_splitter_code = QUERY_SPLITTER
    glossary_words: tuple[str, ...] = ()

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        words = Path(options.get("dict") or "")
        if words.is_file():
            self.glossary_words = tuple(words.read_text(encoding="utf-8").split())

    def split(self, input: str) -> list[str]:
        return super().split(input) + [word for word in self.glossary_words if word in input]


def glossary_terms(glossary: Path) -> list[str]:
    """The Chinese words of a MyST glossary's term lines: each run of two or more Chinese characters.

    Term lines sit at the start of a line (definitions are indented); an English term line has no Chinese
    run, and a mixed one (等保2.0) gives its Chinese part (等保).
    """
    text = glossary.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    term_lines = (line for line in body.splitlines() if line and not line[0].isspace() and not line.startswith(":"))
    return sorted({run for line in term_lines for run in _HAN_RUN.findall(line)})


def _user_dictionary(app: Sphinx, config) -> None:
    glossary = Path(app.srcdir) / GLOSSARY
    if not glossary.is_file():
        return
    words = Path(app.doctreedir) / "jieba-user-words.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text("".join(f"{term}\n" for term in glossary_terms(glossary)), encoding="utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(words)}


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchChineseQueries)
    app.connect("config-inited", _user_dictionary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
