"""Shared fixtures: an empty archive root, the repo's sample captures, the shared seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_ca8e793619a57354.txt"
SAMPLES = REPO / "raw"


@pytest.fixture
def seed_path() -> Path:
    """The seed capture from ../shared (skips where the shared folder is absent)."""
    if not SEED.is_file():
        pytest.skip(f"shared seed capture not found at {SEED}")
    return SEED


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty archive root."""
    return tmp_path / "archive-root"


@pytest.fixture
def sample_root(root: Path) -> Path:
    """An archive root whose raw/ holds copies of the repo's sample captures."""
    shutil.copytree(SAMPLES, root / "raw")
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
