"""The documentation site: a clean nitpicky build, and the built pages in a real browser.

One Sphinx build per test session (``-W -n``: warnings are errors). The site is
served from 127.0.0.1 by ``http.server`` in a thread and every content page is
opened in headless Chromium, driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: no network port, no extra dependency). For each
page the test waits for MathJax and the images, then asserts that all math
rendered (an ``mjx-container`` in every math element, no MathJax error node,
no TeX source such as ``\\uparrow`` left in the text outside code), and that
every image decoded. Every internal link of every page, fragment included,
must resolve in the build.

Chromium is Debian's ``chromium`` (``scripts/test.sh`` installs it). Without
it these tests skip, unless ``SYMCONV_REQUIRE_TOOLS=1`` (set by
``scripts/test.sh``), when they fail. ``SYMCONV_SCREENSHOTS=<dir>`` keeps
screenshots of the home page, a gallery page and the conventions page.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REQUIRED = os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
#: Pages that are machinery rather than content: index pages and viewcode's source listings.
NOT_CONTENT = ("genindex.html", "search.html", "py-modindex.html", "_modules/")


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} is required (SYMCONV_REQUIRE_TOOLS=1) but missing")
    pytest.skip(f"{what} is not installed")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    _missing("Chromium (Debian package chromium)")
    raise AssertionError  # unreachable: _missing raises


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once, ``-W -n``, into a temporary directory."""
    for module in ("sphinx", "numpydoc", "furo", "matplotlib", "mathjax"):
        if importlib.util.find_spec(module) is None:
            _missing(f"the docs extra ({module}; pip install '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-n",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, f"sphinx-build -W -n failed:\n{result.stderr[-6000:]}"
    return out


def test_site_builds_clean_and_offline(site: Path) -> None:
    # The MathJax the pages load is the copy in the site, and no page loads anything remote.
    assert (site / "_static" / "mathjax" / "tex-chtml-full.js").stat().st_size > 500_000
    assert any((site / "_static/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in ('<script src="http', '<script defer="defer" src="http', '<link href="http'):
            assert tag not in text, f"{page.relative_to(site)} loads a remote resource"
    assert 'src="_static/mathjax/tex-chtml-full.js"' in (site / "conventions.html").read_text()


def test_every_derivation_has_a_gallery_page(site: Path) -> None:
    scripts = sorted(p.stem for p in (ROOT / "derivations").glob("*.py") if p.stem[0] != "_")
    pages = sorted(p.stem for p in (site / "gallery").glob("*.html") if p.stem != "index")
    assert pages == scripts
    index = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{stem}.html"' in index for stem in scripts)


def test_every_gallery_page_has_a_figure_and_plain_words(site: Path) -> None:
    # A figure drawn from the operators, a summary of each tier in words, and "what was
    # checked" free of SymPy's raw printing (which stays only inside the folded record).
    for page in sorted((site / "gallery").glob("*.html")):
        if page.stem == "index":
            continue
        text = page.read_text(encoding="utf-8")
        assert f'src="../_images/{page.stem}.png"' in text, page.name
        assert (site / "_images" / f"{page.stem}.png").is_file(), page.name
        assert "What each tier established" in text, page.name
        visible = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
        for dump in ("floor(", "Min(", "Mod(", "Sum(", "[(q["):
            assert dump not in visible, f"{page.name} shows SymPy's {dump!r}"
    proven = (site / "gallery" / "up_down_transpose.html").read_text(encoding="utf-8")
    assert "proven for all <span" in proven and "both sides reduce to one expression" in proven


#: Words that name files outside the repository or the project's internal jargon.
JARGON = re.compile(r"seeds/|DESIGN\.md|\bthe seeds?\b|seed's|seed Q&amp;A|[Ss]eed examples?")


def test_no_page_cites_files_outside_the_repository(site: Path) -> None:
    found = [
        f"{page.relative_to(site)}: {match.group(0)!r}"
        for page in sorted(site.rglob("*.html"))
        for match in JARGON.finditer(page.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found[:20])


def test_code_blocks_are_not_cut_off(site: Path) -> None:
    # Furo's fixed column hid the end of long lines behind a scrollbar: they must wrap.
    css = (site / "_static" / "symconv.css").read_text(encoding="utf-8")
    rule = css[css.index(".highlight pre {") :]
    assert "white-space: pre-wrap" in rule[: rule.index("}")]


# --- links ------------------------------------------------------------------------------------
class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])
        for key in ("href", "src"):
            if attributes.get(key):
                self.links.append(attributes[key])


@functools.cache
def _parse(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_broken_internal_links(site: Path) -> None:
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target_path, fragment = parts.path, urldefrag(link)[1]
            target = (page.parent / unquote(target_path)).resolve() if target_path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif (
                fragment
                and target.suffix == ".html"
                and unquote(fragment) not in _parse(target).ids
            ):
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:40])


# --- the browser ------------------------------------------------------------------------------
class DevTools:
    """A minimal Chrome DevTools protocol client over ``--remote-debugging-pipe``.

    Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and
    events on fd 4.
    """

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _read_message(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: object) -> dict:
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str, session: str) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            message = self._read_message()
            if message.get("method") == method and message.get("sessionId") == session:
                return message
            self.events.append(message)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


#: Runs in each page once it has loaded: waits for MathJax and the images, then reports.
PAGE_REPORT = r"""
(async () => {
  const commands = 'uparrow|downarrow|mathsf|mathbb|begin|frac|operatorname|up|down';
  const TEX = String.raw`\\(` + commands + String.raw`)(?![A-Za-z])|\\\(|\\\[`;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
    new Promise(done => {
      img.addEventListener('load', done);
      img.addEventListener('error', done);
    })));
  const skip = 'pre, code, script, style, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.parentElement.closest(skip)
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let text = '';
  while (walker.nextNode()) text += walker.currentNode.nodeValue + ' ';
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    mathjax: !!(window.MathJax && MathJax.version),
    math: math.length,
    unrendered: math.filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.slice(0, 80)),
    containers: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]'))
      .map(e => e.getAttribute('data-mjx-error') || e.textContent),
    tex: text.match(new RegExp(TEX, 'g')) || [],
    images: Array.from(document.images)
      .map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0})),
  };
})()
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[DevTools]:
    executable = _chromium()
    with tempfile.TemporaryDirectory(prefix="symconv-chromium-") as profile:
        tools = DevTools(executable, Path(profile))
        try:
            yield tools
        finally:
            tools.close()


def _content_pages(site: Path) -> list[str]:
    pages = [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html"))]
    return [p for p in pages if not p.startswith(NOT_CONTENT)]


def _open_tab(browser: DevTools) -> str:
    """A new tab's DevTools session, with its page events on."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.send("Page.enable", session)
    return session


def _page_report(browser: DevTools, session: str, url: str) -> dict:
    """Load ``url`` in the tab of ``session``; what ``PAGE_REPORT`` finds on the page."""
    browser.send("Page.navigate", session, url=url)
    browser.wait_event("Page.loadEventFired", session)
    return browser.send(
        "Runtime.evaluate", session, expression=PAGE_REPORT, awaitPromise=True, returnByValue=True
    )["result"]["value"]


def test_pages_render_in_chromium(site: Path, browser: DevTools) -> None:
    shots = os.environ.get("SYMCONV_SCREENSHOTS")
    gallery = sorted(
        p for p in _content_pages(site) if p.startswith("gallery/") and "index" not in p
    )
    wanted = {"index.html": "home", "conventions.html": "conventions"}
    if gallery:
        wanted[gallery[0]] = "gallery"
    problems, math_pages, images = [], 0, 0
    with _serve(site) as base:
        session = _open_tab(browser)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=1280,
            height=1400,
            deviceScaleFactor=1,
            mobile=False,
        )
        for page in _content_pages(site):
            report = _page_report(browser, session, base + page)
            if report["math"]:
                math_pages += 1
                if not report["mathjax"] or not report["containers"]:
                    problems.append(f"{page}: math present but MathJax did not run")
            if report["unrendered"]:
                problems.append(f"{page}: unrendered math {report['unrendered'][:3]}")
            if report["errors"]:
                problems.append(f"{page}: MathJax errors {report['errors'][:3]}")
            if report["tex"]:
                problems.append(f"{page}: raw TeX left in the text {sorted(set(report['tex']))}")
            for image in report["images"]:
                images += 1
                if not image["ok"]:
                    problems.append(f"{page}: image did not load: {image['src']}")
            if shots and page in wanted:
                png = browser.send("Page.captureScreenshot", session, format="png")["data"]
                Path(shots).mkdir(parents=True, exist_ok=True)
                Path(shots, f"{wanted[page]}.png").write_bytes(base64.b64decode(png))
    assert not problems, "\n".join(problems)
    # The test must have seen what it is about: math on several pages, the figures.
    assert math_pages >= 4
    assert images >= 7


def test_browser_test_detects_broken_math_and_images(
    tmp_path: Path, browser: DevTools, site: Path
) -> None:
    """The checks above can fail: a page with bad TeX and a missing image is reported."""
    bad = site / "_broken.html"
    good = (site / "conventions.html").read_text(encoding="utf-8")
    bad.write_text(
        good.replace(
            "<h1>",
            '<p><span class="math notranslate nohighlight">\\(\\frac{1}\\)</span>'
            '<img src="_images/missing.png" alt="missing"> raw \\uparrow_k</p><h1>',
            1,
        ),
        encoding="utf-8",
    )
    try:
        with _serve(site) as base:
            report = _page_report(browser, _open_tab(browser), base + "_broken.html")
    finally:
        bad.unlink()
    assert report["errors"], report
    assert any(not i["ok"] and i["src"].endswith("missing.png") for i in report["images"])
    assert report["tex"] == ["\\uparrow"], report["tex"]
