"""Every download on the Templates page of both editions arrives: status 200, the type its name says, and every
workbook opens, on its "How to use" sheet in the edition's language."""

import io
from pathlib import PurePosixPath

import pytest
from openpyxl import load_workbook

from valuekit.book.workbooks import WORKBOOKS

EDITIONS = {"book/appendix/templates.html": "How to use", "zh/appendix/templates.html": "使用说明"}
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".md": "text/markdown",
}


@pytest.mark.parametrize("path", list(EDITIONS))
def test_every_template_downloads(page, base_url, path):
    page.goto(f"{base_url}/{path}")
    links = page.eval_on_selector_all("article a.download[href]", "links => links.map(a => a.href)")
    names = {PurePosixPath(link).name for link in links}
    assert set(WORKBOOKS) <= names, "a workbook is missing from the page"
    for link in sorted(set(links)):
        response = page.request.get(link)
        suffix = PurePosixPath(link).suffix
        assert response.status == 200, link
        assert response.headers["content-type"].split(";")[0] == CONTENT_TYPES[suffix], link
        if suffix == ".xlsx":
            book = load_workbook(io.BytesIO(response.body()))
            assert book.sheetnames[0] == EDITIONS[path], link
