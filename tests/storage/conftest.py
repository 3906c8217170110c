"""The example directory, as data and loaded into a migrated database."""
from __future__ import annotations

import pytest

from storage.directory_file import load_directory
from tests.support.directory_data import example_data


@pytest.fixture(scope="module")
def example() -> dict:
    return example_data()


@pytest.fixture
def loaded(db, example):
    with db.transaction() as session:
        load_directory(session, example)
    return db
