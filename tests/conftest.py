"""Shared fixtures. Importing `crosscheck` first puts triton before TensorFlow (see tf_impl)."""
import crosscheck  # noqa: F401
import pytest

from crosscheck import environment


@pytest.fixture(scope="session", autouse=True)
def _conformance_mode():
    environment.conformance_mode()
