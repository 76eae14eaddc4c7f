"""The Chinese edition's words come from its catalogue (CONTRIBUTING.md, "The Chinese edition"): the language
follows the folder a notebook runs in, patterns carry data, and a missing label is reported, never invented."""

import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from valuekit import glue, i18n, theme


@pytest.fixture()
def chinese_folder(tmp_path, monkeypatch):
    """A folder laid out like zh/: a _config.yml in Chinese and a two-file catalogue; the cwd is a part."""
    (tmp_path / "_config.yml").write_text("sphinx:\n  config:\n    language: zh_CN\n", encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "a.csv").write_text('english,chinese\nWeekly leads,每周线索数\nPartners,渠道组\n'
                                  '"Lift {} pp",提升{}个百分点\nrate,转化率\nteam,团队\nyes,是\nno,否\nmet,达标\n',
                                  encoding="utf-8")
    (labels / "b.csv").write_text("english,chinese\n{} for {},{}的{}\nnot yet,\n", encoding="utf-8")
    part = tmp_path / "part1"
    part.mkdir()
    monkeypatch.chdir(part)
    yield tmp_path
    i18n.catalogue.cache_clear()


def test_the_language_follows_the_nearest_config(tmp_path, monkeypatch, chinese_folder):
    assert i18n.language() == i18n.CHINESE
    english = tmp_path.parent / "english-book"
    (english / "part1").mkdir(parents=True)
    (english / "_config.yml").write_text("title: Back-Office Value\n", encoding="utf-8")
    monkeypatch.chdir(english / "part1")
    assert i18n.language() == i18n.ENGLISH and i18n.tr("Weekly leads") == "Weekly leads"


def test_the_repository_editions(monkeypatch):
    from valuekit.book.translations import ROOT

    assert i18n.language(ROOT / "book" / "part3") == i18n.ENGLISH
    assert i18n.language(ROOT / "zh" / "part3") == i18n.CHINESE


def test_exact_labels_and_patterns(chinese_folder):
    assert i18n.tr("Weekly leads") == "每周线索数"
    assert i18n.tr("Lift 6.4 pp") == "提升6.4个百分点"
    assert i18n.tr("Partners for rate") == "渠道组的转化率", "each {} is itself translated"
    assert i18n.tr("2023-04-03") == "2023-04-03", "no letters, nothing to translate"
    assert i18n.tr(3.5) == 3.5


def test_the_most_specific_pattern_wins_and_placeholders_must_match(chinese_folder):
    (chinese_folder / "labels" / "c.csv").write_text("english,chinese\n{} h,{}小时\nmedian {} h,中位数{}小时\n",
                                                     encoding="utf-8")
    i18n.catalogue.cache_clear()
    assert i18n.tr("median 36 h") == "中位数36小时" and i18n.tr("36 h") == "36小时"
    (chinese_folder / "labels" / "e.csv").write_text("english,chinese\nJan {},{}年1月\nDec {},{}年12月\n"
                                                     "{} to {},{}至{}\nIn {}:,{}：\n", encoding="utf-8")
    i18n.catalogue.cache_clear()
    assert i18n.tr("In Jan 2024 to Dec 2024:") == "2024年1月至2024年12月：", \
        "more pieces first at equal fixed text, and a pattern whose pieces do not translate gives way"
    (chinese_folder / "labels" / "d.csv").write_text("english,chinese\n{} to {},{}\n", encoding="utf-8")
    i18n.catalogue.cache_clear()
    with pytest.raises(ValueError, match=r"d.csv, row 2: '\{\} to \{\}' has 2 \{\} and its Chinese 1"):
        i18n.tr("4 to 5 pp")


def test_a_missing_label_stays_english_with_a_warning(chinese_folder):
    with pytest.warns(UserWarning, match="no Chinese for 'Backlog age'"):
        assert i18n.tr("Backlog age") == "Backlog age"
    with pytest.warns(UserWarning, match="not yet"):
        assert i18n.tr("not yet") == "not yet", "an empty translation is a missing one"


def test_one_label_cannot_have_two_translations(chinese_folder):
    (chinese_folder / "labels" / "c.csv").write_text("english,chinese\nWeekly leads,周线索\n", encoding="utf-8")
    i18n.catalogue.cache_clear()
    with pytest.raises(ValueError, match=r"c.csv, row 2: 'Weekly leads' is translated differently in a.csv, row 2"):
        i18n.tr("Weekly leads")


def test_tables_figures_and_glued_words_are_translated(chinese_folder):
    table = pd.DataFrame({"team": ["Partners", "Partners"], "rate": [0.1, 0.2], "met": [True, False]},
                         index=pd.Index([1, 2]))
    shown = theme.translate_table(table)
    assert list(shown.columns) == ["团队", "转化率", "达标"] and list(shown["团队"]) == ["渠道组", "渠道组"]
    assert list(shown["达标"]) == ["是", "否"] and list(shown["转化率"]) == [0.1, 0.2]
    assert list(table.columns) == ["team", "rate", "met"], "the notebook's own table is left as it was"
    assert theme.translate_table(pd.Series({"team": "Partners"}, name="rate")).to_dict() == {"团队": "渠道组"}
    mixed = theme.translate_table(pd.Series({"team": -184, "rate": 0.069}, dtype=object))
    assert list(mixed) == [-184, 0.069] and isinstance(mixed.iloc[0], int), "whole numbers stay whole"
    assert "-184.000" not in mixed.to_frame("base case")._repr_html_()

    figure, ax = plt.subplots()
    ax.bar(["Partners", "team"], [1, 2])
    ax.set_title("Weekly leads")
    ax.set_ylabel("Lift 5 pp")
    theme.translate_figure(figure)
    assert ax.get_title() == "每周线索数" and ax.get_ylabel() == "提升5个百分点"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["渠道组", "团队"]
    plt.close(figure)
    assert glue.portable("Partners") == "渠道组"


def test_the_repository_catalogue_loads_and_english_needs_none():
    from valuekit.book.translations import ROOT

    exact, patterns = i18n.catalogue(ROOT / "zh" / i18n.CATALOGUE_FOLDER)
    assert exact["directly caused"] == "直接导致" and len(exact) > 500
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert i18n.tr("directly caused") == "directly caused", "the tests run in English"
