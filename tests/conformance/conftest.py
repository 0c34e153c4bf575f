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


@pytest.fixture(scope="session")
def onnx():
    module = load("onnx")
    for part in ("onnx.helper", "onnx.numpy_helper", "onnx.reference"):
        load(part)
    return module


@pytest.fixture(scope="session")
def onnxruntime():
    module = load("onnxruntime")
    module.set_default_logger_severity(4)  # refused nodes are expected: no error log lines
    return module
