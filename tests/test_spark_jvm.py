"""The validation Spark's JVM is shut down before dbt's Spark starts (a build held two JVMs
during dbt): after stop_validation_jvm the JVM process is gone, and a later session starts a
new one that works."""

from __future__ import annotations

import pytest

from orchestration.core.spark_engine import stop_validation_jvm
from orchestration.core.spark_validation import spark_session

pytestmark = pytest.mark.spark


def jvm_process():
    from pyspark import SparkContext

    return SparkContext._gateway.proc


def test_the_validation_jvm_ends_and_a_new_session_starts_another(tmp_path):
    first = spark_session(tmp_path / "first")
    assert first.sql("select 1 as one").collect()[0].one == 1
    process = jvm_process()
    first.stop()
    assert process.poll() is None  # spark.stop() alone leaves the JVM running

    assert stop_validation_jvm()
    assert process.poll() is not None  # the JVM process has exited
    assert not stop_validation_jvm()  # nothing left to stop

    second = spark_session(tmp_path / "second")
    try:
        assert jvm_process().pid != process.pid
        assert second.sql("select 2 as two").collect()[0].two == 2
    finally:
        second.stop()
        stop_validation_jvm()
