"""Fixtures of the conformance suite: each real framework, loaded or skipped (or failed)."""

import os

import pytest

from conformance.framework_support import load


@pytest.fixture(scope="session")
def torch():
    module = load("torch")
    module.set_num_threads(1)  # tiny problems: threads only contend on a 2-core machine
    return module


@pytest.fixture(scope="session")
def jax():
    module = load("jax")
    load("jax.lax")
    return module


@pytest.fixture(scope="session")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return load("tensorflow")
