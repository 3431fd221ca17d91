"""``conv-calc draw layer|rf|overlap`` and ``conv-calc stack --format html``: outputs, exit
codes, messages; the HTML report in a real headless browser where one is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import zlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli_runner import run
from tests.draw.cases import CASES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def k3s2(tmp_path: Path) -> Path:
    path = tmp_path / "up.yaml"
    path.write_text(CASES["transposed-k3-s2"], encoding="utf-8")
    return path


def test_overlap_json(k3s2: Path) -> None:
    r = run("draw", "overlap", str(k3s2), "--format", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["layer"] == "0" and doc["counts"][1][:3] == [2, 4, 2]
    assert len(doc["counts"]) == 9 and doc["even"] is False and "kernel_size=4" in doc["hint"]


def test_overlap_svg_to_file(k3s2: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    r = run("draw", "overlap", str(k3s2), "-o", str(out))
    assert r.code == 0 and r.stdout == ""
    assert "uneven overlap" in r.stderr
    ET.fromstring(out.read_text(encoding="utf-8"))


def test_overlap_by_layer_name() -> None:
    r = run("draw", "overlap", str(EXAMPLES / "dcgan-generator.yaml"), "--format", "json",
            "--layer", "main.3", "--input", "1x100x1x1")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["layer"] == "main.3" and doc["shape"] == [8, 8]


def test_rf_svg(k3s2: Path) -> None:
    r = run("draw", "rf", str(k3s2), "--at", "3,3")
    assert r.code == 0, r.stderr
    ET.fromstring(r.stdout)


@pytest.mark.parametrize("args,message", [
    (("draw", "overlap", "{file}", "--layer", "O"), "no row named 'O'"),
    (("draw", "rf", "{file}", "--at", "9,0"), "outside the 9x9 output"),
    (("draw", "rf", "{file}", "--at", "1,2,3"), "outside"),
    (("draw", "rf", "{file}", "--at", "x"), "--at"),
    (("draw", "overlap", "{file}", "--input", "1x1x2048x1024"), "more than the 1048576 cells"),
    (("draw", "overlap", "{file}", "--format", "png"), "not a format"),
    (("draw", "layer", "conv2d", "-i", "64", "-k", "3"), "up to 40"),
    (("draw", "layer", "conv2d", "-k", "3"), "--input is required"),
    (("draw", "layer", "Conf2d(1, 1, 3)", "-i", "8"), "unknown layer"),
    (("draw", "overlap", "/nonexistent.yaml"), "nonexistent.yaml"),
    (("stack", "{file}", "--format", "json", "-o", "x.json"), "goes with --format html"),
])
def test_bad_input_exits_2(k3s2: Path, args: tuple, message: str) -> None:
    r = run(*(a.format(file=k3s2) for a in args))
    assert r.code == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert "hint" in r.stderr or "nonexistent" in message


def test_layer_that_fails_exits_1() -> None:
    r = run("draw", "layer", "conv2d", "-i", "4", "-k", "7")
    assert r.code == 1 and "Kernel size can't be greater than actual input size" in r.stderr


def test_broken_network_exits_1() -> None:
    r = run("draw", "overlap", str(EXAMPLES / "broken-unet-skip.yaml"))
    assert r.code == 1 and "Sizes of tensors must match" in r.stderr
    assert "fails before its last row" in r.stderr and r.stdout == ""


def test_row_before_a_failing_layer_is_drawn_then_exit_1() -> None:
    r = run("draw", "rf", str(EXAMPLES / "broken-unet-skip.yaml"), "--layer", "up1", "--at", "0,0")
    assert r.code == 1 and "Sizes of tensors must match" in r.stderr
    ET.fromstring(r.stdout)
    later = run("draw", "rf", str(EXAMPLES / "broken-unet-skip.yaml"), "--layer", "up2")
    assert later.code == 1 and "fails before row 'up2'" in later.stderr


@pytest.mark.parametrize("spec,extra", [
    ("Conv2d(1, 1, 4, padding='same')", ("-i", "6x6")),
    ("convtranspose2d", ("-i", "4x4", "-k", "3", "-s", "2", "-p", "1", "--sheet")),
    ("maxpool1d", ("-i", "9", "-k", "3", "-s", "2")),
    ("Conv3d(1, 1, 3, padding=1)", ("-i", "3x4x5")),
])
def test_draw_layer(spec: str, extra: tuple) -> None:
    r = run("draw", "layer", spec, *extra)
    assert r.code == 0, r.stderr
    ET.fromstring(r.stdout)


def test_html_report_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run("stack", str(EXAMPLES / "dcgan-generator.yaml"), "--format", "html", "-o", str(out))
    assert r.code == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Overlap map of main.0" in page
    assert not any(asset in page for asset in ("src=", "<link", "url(http", "@import"))


def test_html_report_of_a_broken_network() -> None:
    r = run("stack", str(EXAMPLES / "broken-unet-skip.yaml"), "--format", "html")
    assert r.code == 1
    assert "Sizes of tensors must match" in r.stdout and "Sizes of tensors must match" in r.stderr


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.slow
def test_html_report_in_a_headless_browser(tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no chromium / google-chrome on PATH: the HTML report was not opened in a "
                    "browser (apt-get install chromium to run this test)")
    page = tmp_path / "report.html"
    r = run("stack", str(EXAMPLES / "dcgan-generator.yaml"), "--format", "html", "-o", str(page))
    assert r.code == 0
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1400", f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    colours = _png_colours(shot.read_bytes())
    assert len(colours) > 20, "the screenshot is blank"
    # and the check would see a blank page as blank
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    shot_blank = tmp_path / "blank.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1400", f"--screenshot={shot_blank}", blank.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert len(_png_colours(shot_blank.read_bytes())) <= 20


def _png_colours(data: bytes) -> set:
    """The distinct pixel values of an 8-bit RGB(A) PNG (no filtering undone: distinct raw
    bytes per row suffice to tell a blank page from a drawn one)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = channels = 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width = int.from_bytes(body[:4], "big")
            channels = {2: 3, 6: 4}[body[9]]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    seen = set()
    for row in range(0, len(raw), stride):
        line = raw[row + 1:row + stride]
        seen.update(line[i:i + channels] for i in range(0, len(line), channels * 7))
    return seen
