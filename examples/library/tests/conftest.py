"""Shared test data for the lending core.

Only `lending.models` is imported here: a conftest's imports count for every test below it,
so heavier fixtures live in the test module that needs them.
"""

from __future__ import annotations

import pytest
from lending.models import Book, Member


def pytest_configure(config: pytest.Config) -> None:
    # The `spec` marker belongs to the specmesh-tasks pytest plugin. Registering it here as well
    # keeps `pytest` warning-free where the plugin is not installed; registering twice is harmless.
    config.addinivalue_line("markers", "spec(*ids): spec-mesh IDs (UC-…, FR-…, rules) this test covers")


BOOKS = (
    Book("B-0001", "978-4-10-101013-7", "こころ", "夏目漱石"),
    Book("B-0002", "978-4-10-101003-8", "Botchan", "Natsume Soseki"),
    Book("B-0003", "978-0-14-143951-8", "Pride and Prejudice", "Jane Austen", copies=2),
    Book("B-0004", "978-0-14-143968-6", "Persuasion", "Jane Austen"),
    Book("B-0005", "978-0-14-243724-7", "Moby-Dick", "Herman Melville"),
    Book("B-0006", "978-0-14-143947-1", "Emma", "Jane Austen", withdrawn=True),
    Book("B-0007", "978-0-486-28211-4", "Frankenstein", "Mary Shelley"),
)

HANA = Member("LIB-000101", "Hana Sato")
KEN = Member("LIB-000102", "Ken Ito")


@pytest.fixture
def books() -> tuple[Book, ...]:
    return BOOKS


@pytest.fixture
def members() -> tuple[Member, ...]:
    return (HANA, KEN)
