"""Drive the course in JupyterLab with headless Chromium, as a learner uses it.

The harness behind ``tests/browser`` and ``tests/bench/bench_browser.py``:

* :class:`LabServer` starts JupyterLab on a free localhost port with a token, on a
  temporary copy of the course, with its own config, data, runtime and IPython folders
  (nothing is written to the home folder) and the "get Jupyter news?" notification off.
  It stops the server and its kernels on exit, also when a test fails.
* :func:`launch_browser` starts Debian's Chromium through Playwright for Python (a
  browser is never downloaded), and :func:`new_context` gives a browser context in which
  every request that does not go to localhost is refused, so a chart that draws here
  draws offline.
* :class:`LabNotebook` opens a notebook, waits for the kernel, runs all cells from the
  Run menu, waits until the kernel is idle, and reads what the learner sees: charts drawn
  (a Vega canvas or SVG with marks), widgets rendered, error outputs; it moves the main
  widget's slider with the keyboard and times the update; it takes screenshots.

Timings come from the page's own clock (``performance.now()``): a script added to every
page stamps each Vega chart with the moment its canvas (or SVG) first shows marks.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import nbformat

#: Debian's Chromium (``apt-get install -y chromium``); override with CASEKIT_CHROMIUM.
CHROMIUM = os.environ.get("CASEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A second wall behind the request routing: no host name but localhost resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
VIEWPORT = {"width": 1400, "height": 1000}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
VEGA_MIME = "application/vnd.vega.v5+json"
VEGALITE_PREFIX = "application/vnd.vegalite."
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: What JupyterLab shows instead of a widget that did not render.
WIDGET_FAILURES = ("Loading widget...", "Loading widget…", "Error displaying widget")
#: The tallest screenshot taken in one piece (Chromium's limit is about 16k pixels).
MAX_SHOT_HEIGHT = 12_000
_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "*.egg-info",
    ".ipynb_checkpoints",
    "build",
    "dist",
)

# Added to every page: stamps each Vega chart (canvas.marks / svg.marks) with the page
# time at which it first shows marks, in data-casekit-drawn. A canvas counts as drawn
# when at least 50 of its pixels differ from its corner pixel (the background); an SVG
# when a data-mark group has content.
_INIT_SCRIPT = """
(() => {
  const CHARTS = 'canvas.marks, svg.marks';
  function drawn(el) {
    if (el.tagName.toLowerCase() === 'svg') return el.querySelector('g.role-mark > *') !== null;
    if (!el.width || !el.height) return false;
    let px;
    try { px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data; }
    catch (e) { return false; }
    let differing = 0;
    for (let i = 4; i < px.length; i += 4) {
      if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2] || px[i + 3] !== px[3]) {
        if (++differing >= 50) return true;
      }
    }
    return false;
  }
  let scheduled = false;
  function scan() {
    scheduled = false;
    let pending = false;
    for (const el of document.querySelectorAll(CHARTS)) {
      if (el.dataset.casekitDrawn) continue;
      if (drawn(el)) el.dataset.casekitDrawn = String(performance.now());
      else pending = true;
    }
    if (pending) schedule();
  }
  function schedule() {
    if (!scheduled) { scheduled = true; requestAnimationFrame(scan); }
  }
  new MutationObserver(schedule).observe(document, {childList: true, subtree: true});
})();
"""

# What the learner sees in one notebook panel, read in one pass.
_READ_PANEL = """
(panel) => {
  const FAILURES = __FAILURES__;
  const visibleText = el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('style, script').forEach(e => e.remove());
    return copy.textContent.trim().replace(/\\s+/g, ' ');
  };
  const topLevel = Array.from(panel.querySelectorAll('.jp-Cell .jp-OutputArea-output'))
    .filter(o => o.parentElement.closest('.jp-OutputArea-output') === null);
  // Lab's Vega outputs, and any other Vega embedding (Altair's html renderers), which
  // must draw too: an Altair chart that needs a CDN shows 'Error loading script'.
  const vega = Array.from(panel.querySelectorAll(
    '.jp-RenderedVegaCommon5, .jp-OutputArea-output .vega-embed, [id^="altair-viz"]'))
    .map(e => e.closest('.jp-RenderedVegaCommon5') ?? e.closest('.jp-OutputArea-output'));
  const charts = Array.from(new Set(vega)).map(o => {
    const c = o.querySelector('canvas.marks, svg.marks');
    return {
      drawn: c !== null && !!c.dataset.casekitDrawn,
      at: c && c.dataset.casekitDrawn ? Number(c.dataset.casekitDrawn) : null,
      text: c ? "" : visibleText(o).slice(0, 200),
    };
  });
  const widgets = [], problems = [];
  for (const o of topLevel) {
    const text = o.textContent;
    const failure = FAILURES.find(f => text.includes(f));
    if (failure) problems.push(text.slice(0, 200));
    else if (o.querySelector('.jupyter-widgets')) widgets.push(o);
  }
  return {
    charts,
    widgets: widgets.length,
    sliders: widgets.filter(w => w.querySelector('.widget-slider .noUi-handle')).length,
    widgetProblems: problems,
    svgFallbacks: panel.querySelectorAll('.jp-RenderedSVG, .jp-RenderedImage').length,
  };
}
""".replace("__FAILURES__", json.dumps(WIDGET_FAILURES))

# Text the learner reads in the outputs, without the sliders (their readouts move with
# the key press itself, not with the computation behind them).
_OUTPUT_TEXT = """
(panel) => Array.from(panel.querySelectorAll('.jp-Cell .jp-OutputArea-output'))
  .filter(o => o.parentElement.closest('.jp-OutputArea-output') === null)
  .map(o => {
    const copy = o.cloneNode(true);
    copy.querySelectorAll('.widget-slider').forEach(s => s.remove());
    return copy.textContent;
  }).join('\\n')
"""

# Record, for one slider move, when the key went down and when anything in the outputs
# other than the slider changed (the first mutation, in page time).
_WATCH_MOVE = """
(panel) => {
  const rec = {key: null, change: null};
  window.__casekitMove = rec;
  const onKey = () => { if (rec.key === null) rec.key = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  const outside = n => {
    const el = n.nodeType === 1 ? n : n.parentElement;
    return el && !el.closest('.widget-slider') && el.closest('.jp-OutputArea-output');
  };
  const obs = new MutationObserver(records => {
    if (rec.key === null || rec.change !== null) return;
    if (records.some(r => outside(r.target))) rec.change = performance.now();
  });
  obs.observe(panel, {childList: true, subtree: true, characterData: true});
  rec.stop = () => { obs.disconnect(); document.removeEventListener('keydown', onKey, true); };
}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(source: Path, target: Path) -> Path:
    """Copy the course (notebooks, data, library) to ``target``, without caches or venvs.

    JupyterLab autosaves into the notebooks it opens, so tests always work on a copy.
    """
    shutil.copytree(source, target, ignore=_COPY_IGNORE)
    return target


def is_local(url: str) -> bool:
    """True for URLs served by this machine (and for data:/blob: URLs)."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


class LabServer:
    """JupyterLab serving ``root`` on a free localhost port, for the length of a ``with``.

    Parameters
    ----------
    root : Path
        The folder JupyterLab serves (a temporary copy of the course).
    state : Path
        A folder for the server's config, data, runtime and IPython state and its log.
    python : str
        The interpreter whose JupyterLab and kernel run the course.
    """

    def __init__(self, root: Path, state: Path, *, python: str = sys.executable) -> None:
        self.root = Path(root)
        self.state = Path(state)
        self.python = python
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.state / "lab.log"
        self._process: subprocess.Popen[bytes] | None = None

    # -- life cycle -------------------------------------------------------------------
    def __enter__(self) -> LabServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _environment(self) -> dict[str, str]:
        dirs = {
            "JUPYTER_CONFIG_DIR": self.state / "config",
            "JUPYTER_DATA_DIR": self.state / "data",
            "JUPYTER_RUNTIME_DIR": self.state / "runtime",
            "IPYTHONDIR": self.state / "ipython",
        }
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        settings = dirs["JUPYTER_CONFIG_DIR"] / "lab" / "user-settings" / "@jupyterlab"
        notification = settings / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = os.environ.copy()
        env.update({k: str(v) for k, v in dirs.items()})
        env["PATH"] = str(Path(self.python).parent) + os.pathsep + env.get("PATH", "")
        env.pop("JUPYTER_PATH", None)
        return env

    def start(self, timeout: float = 90.0) -> None:
        """Start the server and wait until it answers."""
        self.state.mkdir(parents=True, exist_ok=True)
        command = [
            self.python,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={self.token}",
            "--LabApp.extension_manager=readonly",
        ]
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                command,
                cwd=self.root,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                self.api("GET", "/api/status")
                return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Shut down the kernels, then the server (SIGTERM, SIGKILL after 15 s)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.shutdown_kernels()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    # -- REST ---------------------------------------------------------------------------
    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API and return the decoded JSON (or None)."""
        request = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (keeps the 2-core machine free between tests)."""
        for kernel in self.api("GET", "/api/kernels") or []:
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def url(self, path: str) -> str:
        """The Lab URL that opens ``path`` (relative to the root) in a fresh workspace."""
        return f"{self.base}/lab/tree/{quote(path)}?reset&token={self.token}"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def launch_browser(playwright: Any) -> Any:
    """Launch Debian's Chromium headless through Playwright (never a downloaded browser)."""
    if not chromium_available():
        raise FileNotFoundError(
            f"no Chromium at {CHROMIUM}: install it with 'apt-get install -y chromium' "
            "or set CASEKIT_CHROMIUM"
        )
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS), headless=True
    )


@dataclass
class Context:
    """A browser context that refuses every request leaving this machine."""

    context: Any
    blocked: list[str] = field(default_factory=list)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()


def new_context(browser: Any) -> Context:
    """A fresh browser context with outside traffic blocked and the chart clock added."""
    context = browser.new_context(viewport=dict(VIEWPORT))
    result = Context(context)

    def refuse(route: Any) -> None:
        result.blocked.append(route.request.url)
        route.abort("internetdisconnected")

    def refuse_socket(socket_route: Any) -> None:
        result.blocked.append(socket_route.url)
        socket_route.close()

    context.route(lambda url: not is_local(url), refuse)
    context.route_web_socket(lambda url: not is_local(url), refuse_socket)
    context.add_init_script(script=_INIT_SCRIPT)
    return result


@dataclass
class RunReport:
    """What a learner sees after Run All, and what the saved notebook holds."""

    notebook: str
    run_seconds: float
    last_chart_seconds: float | None
    charts: int
    undrawn_charts: list[str]
    widgets: int
    sliders: int
    widget_problems: list[str]
    svg_fallbacks: int
    saved_vega_outputs: int
    saved_widget_views: int
    errors: list[str]
    stderr: list[str]
    page_errors: list[str]
    console_errors: list[str]
    blocked: list[str]


@dataclass
class SliderReport:
    """One control of the main widget moved ``len(update_ms)`` times with the keyboard."""

    control: str
    readouts: list[str]
    text_changed: bool
    chart_changed: bool
    has_chart: bool
    update_ms: list[float]
    chart_ms: list[float]

    @property
    def changed(self) -> bool:
        return self.text_changed or self.chart_changed

    @property
    def visible_ms(self) -> list[float]:
        """Key press to the updated output on screen (the chart if there is one)."""
        return self.chart_ms if self.has_chart else self.update_ms

    def median_ms(self) -> float:
        return statistics.median(self.visible_ms)


def saved_outputs(path: Path) -> dict[str, Any]:
    """Error outputs, stderr text and chart/widget output counts of a stored notebook.

    A chart is any Vega or Vega-Lite output, or HTML that embeds Vega (Altair's html
    renderers). ``widget_texts`` is what JupyterLab shows for each widget when the
    notebook is reopened without running it (the saved text fallback).
    """
    nb = nbformat.read(path, as_version=4)
    errors, stderr, vega, views, view_texts = [], [], 0, 0, []
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                errors.append(f"cell {number}: {output.get('ename')}: {output.get('evalue')}")
            elif kind == "stream" and output.get("name") == "stderr":
                stderr.append(f"cell {number}: {str(output.get('text', ''))[:300]}")
            data = output.get("data", {})
            vega += (
                VEGA_MIME in data
                or any(k.startswith(VEGALITE_PREFIX) for k in data)
                or "vegaEmbed" in str(data.get("text/html", ""))
            )
            if WIDGET_MIME in data:
                views += 1
                view_texts.append(str(data.get("text/plain", ""))[:80])
    return {
        "errors": errors,
        "stderr": stderr,
        "vega": vega,
        "widget_views": views,
        "widget_texts": view_texts,
    }


class LabNotebook:
    """One notebook open in JupyterLab, in a page of ``context``.

    Parameters
    ----------
    context : Context
        From :func:`new_context`.
    server : LabServer
    path : str
        The notebook, relative to the server's root.
    """

    def __init__(self, context: Context, server: LabServer, path: str) -> None:
        self.context = context
        self.server = server
        self.path = path
        self.report: RunReport | None = None
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.page = context.context.new_page()
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text[:300]) if message.type == "error" else None
            ),
        )
        self.panel = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    # -- opening and running ------------------------------------------------------------
    def open(self, timeout: float = 60.0) -> LabNotebook:
        """Load Lab on the notebook and wait until its cells are on the page."""
        self.page.goto(self.server.url(self.path), timeout=timeout * 1000)
        self.panel.locator(".jp-Cell").first.wait_for(timeout=timeout * 1000)
        return self

    def wait_kernel_idle(self, timeout: float = 60.0) -> None:
        """Wait for the status bar to read '... | Idle' (the toolbar says idle too early)."""
        self.page.wait_for_function(
            "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText"
            " ?? '')",
            timeout=timeout * 1000,
        )

    def run_all(self, timeout: float = 120.0) -> RunReport:
        """Run All Cells from the Run menu; wait until every cell ran and charts settled."""
        self.wait_kernel_idle()
        self.panel.evaluate(
            """(panel) => {
              const s = {start: performance.now(), busySeen: false};
              window.__casekitRun = s;
              const busy = () => Array.from(panel.querySelectorAll('.jp-InputPrompt'))
                .some(p => p.textContent.includes('*'));
              const obs = new MutationObserver(() => {
                if (busy()) { s.busySeen = true; obs.disconnect(); }
              });
              obs.observe(panel, {childList: true, subtree: true, characterData: true});
            }"""
        )
        self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel:text-is('Run')").click()
        self.page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
        self._wait_run_finished(timeout)
        run_ms = self.page.evaluate("window.__casekitRun.end - window.__casekitRun.start")
        self.settle(timeout=30.0)
        seen = self.read()
        start = self.page.evaluate("window.__casekitRun.start")
        drawn_at = [c["at"] for c in seen["charts"] if c["at"] is not None]
        self.save()
        stored = saved_outputs(self.server.root / self.path)
        return RunReport(
            notebook=self.path,
            run_seconds=run_ms / 1000,
            last_chart_seconds=(max(drawn_at) - start) / 1000 if drawn_at else None,
            charts=len(seen["charts"]),
            undrawn_charts=[c["text"] or "(no marks)" for c in seen["charts"] if not c["drawn"]],
            widgets=seen["widgets"],
            sliders=seen["sliders"],
            widget_problems=seen["widgetProblems"],
            svg_fallbacks=seen["svgFallbacks"],
            saved_vega_outputs=stored["vega"],
            saved_widget_views=stored["widget_views"],
            errors=stored["errors"],
            stderr=stored["stderr"],
            page_errors=list(self.page_errors),
            console_errors=list(self.console_errors),
            blocked=list(self.context.blocked),
        )

    def _wait_run_finished(self, timeout: float) -> None:
        self.page.wait_for_function(
            """() => {
              const s = window.__casekitRun;
              const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
              const busy = Array.from(panel.querySelectorAll('.jp-InputPrompt'))
                .some(p => p.textContent.includes('*'));
              const idle = /\\|\\s*Idle/.test(
                document.querySelector('#jp-main-statusbar')?.innerText ?? '');
              if (!(s.busySeen && !busy && idle)) return false;
              s.end = performance.now();
              return true;
            }""",
            timeout=timeout * 1000,
            polling=50,
        )

    def settle(self, timeout: float = 30.0, quiet: float = 0.5) -> None:
        """Wait until every chart shows marks, no widget is loading, and that holds."""
        deadline = time.monotonic() + timeout
        last = None
        stable_since = time.monotonic()
        while time.monotonic() < deadline:
            seen = self.read()
            loading = any("Loading widget" in p for p in seen["widgetProblems"])
            ready = all(c["drawn"] for c in seen["charts"]) and not loading
            state = (len(seen["charts"]), seen["widgets"], ready)
            if state != last:
                last, stable_since = state, time.monotonic()
            elif ready and time.monotonic() - stable_since >= quiet:
                return
            time.sleep(0.1)

    def wait_for_charts(self, count: int, timeout: float = 30.0) -> int:
        """Wait until ``count`` charts show marks (a reopened notebook renders its cells
        a batch at a time); return how many do when that happens or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            drawn = sum(c["drawn"] for c in self.read()["charts"])
            if drawn >= count or time.monotonic() > deadline:
                return drawn
            time.sleep(0.1)

    def read(self) -> dict[str, Any]:
        """Charts, widgets and widget problems in the panel right now."""
        return self.panel.evaluate(_READ_PANEL)

    def save(self, timeout: float = 20.0) -> None:
        """Save the notebook (Ctrl+S) and wait until the tab is no longer dirty."""
        self.panel.locator(".jp-Notebook").first.focus()
        self.page.keyboard.press("Control+s")
        self.page.locator(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)").wait_for(
            timeout=timeout * 1000
        )

    # -- the main widget ----------------------------------------------------------------
    def main_widget(self) -> Any:
        """The first widget output that holds a slider (a Playwright locator), or None."""
        widgets = self.panel.locator(".jp-Cell .jp-OutputArea-output").filter(
            has=self.page.locator(".widget-slider .noUi-handle")
        )
        return widgets.first if widgets.count() else None

    def move_slider(self, times: int = 3, timeout: float = 15.0) -> SliderReport:
        """Move the main widget's first slider ``times`` times with the arrow keys.

        Each press goes right (left at the top of the range). After each press, waits
        until the readout moved and the dependent output changed (a new chart drawn, if
        the widget shows a chart; otherwise any text outside the slider).
        """
        widget = self.main_widget()
        if widget is None:
            raise LookupError(f"{self.path}: no widget with a slider")
        slider = widget.locator(".widget-slider").first
        handle = slider.locator(".noUi-handle").first
        readout = slider.locator(".widget-readout").first
        label = slider.locator(".widget-label").first.text_content().strip()
        has_chart = widget.locator("canvas.marks, svg.marks").count() > 0
        text_before = self.panel.evaluate(_OUTPUT_TEXT)
        pixels_before = self._chart_pixels(widget)
        readouts = [readout.text_content()]
        update_ms: list[float] = []
        chart_ms: list[float] = []
        for _ in range(times):
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            before = [readout.text_content(), handle.get_attribute("aria-valuenow")]
            self.panel.evaluate(_WATCH_MOVE)
            handle.press("ArrowLeft" if at_max else "ArrowRight")
            if not self._wait_update(widget, before, has_chart, timeout):
                readouts.append(readout.text_content())
                break
            rec = self.page.evaluate(
                "(() => { const r = window.__casekitMove; r.stop(); "
                "return {key: r.key, change: r.change, chart: r.chart ?? null}; })()"
            )
            update_ms.append(rec["change"] - rec["key"])
            if rec["chart"] is not None:
                chart_ms.append(rec["chart"] - rec["key"])
            readouts.append(readout.text_content())
            self.settle(timeout=timeout, quiet=0.2)
        return SliderReport(
            control=label,
            readouts=readouts,
            text_changed=self.panel.evaluate(_OUTPUT_TEXT) != text_before,
            chart_changed=has_chart and self._chart_pixels(widget) != pixels_before,
            has_chart=has_chart,
            update_ms=update_ms,
            chart_ms=chart_ms,
        )

    def _wait_update(
        self, widget: Any, before: list[str | None], has_chart: bool, timeout: float
    ) -> bool:
        """Wait for the slider to move and the output to follow; False on time-out."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                """([root, before, hasChart]) => {
                  const rec = window.__casekitMove;
                  const slider = root.querySelector('.widget-slider');
                  const value = slider.querySelector('.noUi-handle').getAttribute('aria-valuenow');
                  const text = slider.querySelector('.widget-readout').textContent;
                  const moved = text !== before[0] || value !== before[1];
                  if (!moved || rec.key === null || rec.change === null) return false;
                  if (!hasChart) return true;
                  const drawn = Array.from(root.querySelectorAll('canvas.marks, svg.marks'))
                    .map(c => Number(c.dataset.casekitDrawn || 0)).filter(t => t > rec.key);
                  if (!drawn.length) return false;
                  rec.chart = Math.min(...drawn);
                  return true;
                }""",
                arg=[widget.element_handle(), before, has_chart],
                timeout=timeout * 1000,
                polling=20,
            )
        except PlaywrightTimeout:
            self.page.evaluate("window.__casekitMove.stop()")
            return False
        return True

    @staticmethod
    def _chart_pixels(widget: Any) -> list[str]:
        return widget.evaluate(
            """(root) => Array.from(root.querySelectorAll('canvas.marks, svg.marks'))
                 .map(c => c.tagName.toLowerCase() === 'svg' ? c.outerHTML : c.toDataURL())"""
        )

    # -- pictures -----------------------------------------------------------------------
    def screenshot(self, path: Path) -> list[Path]:
        """Screenshot the whole notebook (the window grows to fit; long ones in parts)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        outer = self.panel.locator(".jp-WindowedPanel-outer").first
        content = outer.evaluate("(e) => e.scrollHeight")
        visible = outer.bounding_box()["height"]
        chrome = VIEWPORT["height"] - visible
        height = int(min(content, MAX_SHOT_HEIGHT) + chrome + 8)
        shots: list[Path] = []
        try:
            self.page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            self.page.wait_for_timeout(300)
            offsets = range(0, max(int(content), 1), MAX_SHOT_HEIGHT)
            for part, offset in enumerate(offsets):
                outer.evaluate("(e, top) => { e.scrollTop = top; }", offset)
                self.page.wait_for_timeout(200)
                name = path if part == 0 else path.with_name(f"{path.stem}-{part + 1}.png")
                self.panel.screenshot(path=str(name))
                shots.append(name)
        finally:
            self.page.set_viewport_size(dict(VIEWPORT))
        return shots

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.page.close()
