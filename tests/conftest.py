import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from valuekit import load_tables
from valuekit.company import DEFAULT_SEED, PLANTED_TRUTHS, realised_truths
from valuekit.generate import write_company

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
OTHER_SEED = 7


def pytest_collection_modifyitems(items):
    """Checks on the second seed's company cost a generated company each: make unit leaves them out."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("company") == OTHER_SEED:
            item.add_marker(pytest.mark.second_company)


@pytest.fixture(scope="session", params=[DEFAULT_SEED, OTHER_SEED], ids=["committed-seed", "other-seed"])
def company(request, tmp_path_factory):
    """Every table, loaded through the validating loader, for the committed seed and another one."""
    if request.param == DEFAULT_SEED:
        return load_tables(DATA_DIR)
    folder = tmp_path_factory.mktemp(f"seed{request.param}")
    write_company(folder, seed=request.param)
    return load_tables(folder)


@lru_cache
def _realised(seed: int) -> dict:
    return realised_truths(seed)


@pytest.fixture
def truths(request, company):
    """The planted truths of the `company` a test runs on, with the counts its seed's tables realised."""
    return {**PLANTED_TRUTHS, **_realised(request.node.callspec.params["company"])}


@pytest.fixture()
def data_copy(tmp_path):
    """A copy of the sample data folder, to break one file of it."""
    folder = tmp_path / "my export"
    shutil.copytree(DATA_DIR, folder)
    return folder
