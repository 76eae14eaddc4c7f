"""The committed data is exactly what the generator writes, and stays within its size budget."""

import json

import pytest
from frictionless import Package

from valuekit.generate import write_company
from valuekit.schema import TABLES, datapackage

from .conftest import DATA_DIR, OTHER_SEED

MAX_COMMITTED_CSV_BYTES = 15 * 1024 * 1024


@pytest.mark.slow
def test_regeneration_is_byte_identical(tmp_path):
    written = write_company(tmp_path)
    assert {path.name for path in written} == {path.name for path in DATA_DIR.iterdir()}
    for path in written:
        assert path.read_bytes() == (DATA_DIR / path.name).read_bytes(), f"{path.name} differs from data/"


@pytest.mark.slow
def test_another_seed_gives_different_data(tmp_path):
    write_company(tmp_path, seed=OTHER_SEED)
    assert (tmp_path / "leads.csv").read_bytes() != (DATA_DIR / "leads.csv").read_bytes()


def test_committed_csvs_fit_the_size_budget():
    total = sum(path.stat().st_size for path in DATA_DIR.glob("*.csv"))
    assert 0 < total <= MAX_COMMITTED_CSV_BYTES


def test_datapackage_describes_every_table():
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor == datapackage()
    assert [resource["name"] for resource in descriptor["resources"]] == list(TABLES)
    for resource in descriptor["resources"]:
        assert resource["schema"]["primaryKey"], resource["name"]


@pytest.mark.slow
def test_committed_package_is_valid_frictionless_data():
    report = Package(str(DATA_DIR / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])[:5]


@pytest.mark.slow
def test_generated_files_have_the_schemas_columns_in_order(tmp_path):
    """The loader accepts any column order, so check the files the generator writes, not the loaded frames."""
    write_company(tmp_path, seed=OTHER_SEED)
    for folder in (DATA_DIR, tmp_path):
        for name, spec in TABLES.items():
            with (folder / f"{name}.csv").open(encoding="utf-8") as file:
                header, first_row = file.readline(), file.readline()
            assert header.rstrip("\n").split(",") == [field["name"] for field in spec["fields"]], name
            assert first_row.strip(), f"{name} has no rows"
