import io

from symconv.progress import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_draws_on_a_terminal_and_passes_items_through():
    stream = Terminal()
    assert list(progress(range(4), "sweep", stream=stream, every=0)) == [0, 1, 2, 3]
    text = stream.getvalue()
    assert "sweep [" in text and "4/4" in text and text.endswith("\n")
    assert "\r" in text  # redrawn in place


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    assert list(progress(iter("ab"), "x", stream=stream)) == ["a", "b"]
    assert stream.getvalue() == ""


def test_status_draws_phases_and_elapsed_time_on_a_terminal():
    import time

    from symconv.progress import Status

    stream = Terminal()
    with Status("proving x", stream=stream, every=0.01) as status:
        status.phase("grid")
        time.sleep(0.05)  # the thread redraws meanwhile
    text = stream.getvalue()
    assert "proving x: grid … " in text and text.count("\r") >= 3
    assert text.rstrip("\n").endswith("proving x … done in " + text.split("done in ")[1].strip())
    assert text.endswith("\n")


def test_status_says_stopped_on_an_exception_and_is_silent_off_a_terminal():
    import pytest

    from symconv.progress import Status

    stream = Terminal()
    with pytest.raises(ValueError), Status("work", stream=stream, every=0.01):
        raise ValueError
    assert "work … stopped after" in stream.getvalue()
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        with Status("work", stream=stream, quiet=quiet) as status:
            status.phase("a")
        assert stream.getvalue() == ""
