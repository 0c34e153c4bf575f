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
