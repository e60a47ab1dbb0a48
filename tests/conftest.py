"""Shared fixtures. Importing `crosscheck` first puts triton before TensorFlow (see tf_impl)."""
import os

import crosscheck  # noqa: F401
import pytest
from hypothesis import settings

from crosscheck import environment

environment.large_allocations_returned()  # as the CLI does, before any test imports TensorFlow

# CI replays the same property examples every run (a red build must be reproducible);
# HYPOTHESIS_PROFILE=explore draws new ones, which is how the torch conv bug in SEMANTICS.md was found.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _conformance_mode():
    environment.conformance_mode()
