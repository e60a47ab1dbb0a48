"""Shared fixtures. Importing `crosscheck` first puts triton before TensorFlow (see tf_impl)."""

import crosscheck  # noqa: F401
import pytest

from crosscheck import environment

environment.large_allocations_returned()  # as the CLI does, before any test imports TensorFlow


@pytest.fixture(scope="session", autouse=True)
def _conformance_mode():
    environment.conformance_mode()
