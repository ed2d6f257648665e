"""Tesseract, in-process through its C API (``tesserocr``), with the ``tesseract`` CLI as fallback.

One :class:`Engine` per (language, process): the API object is created once (loading
``vie.traineddata`` costs ~0.1 s) and reused for every page and every cell. Tesseract's
OpenMP threads are limited to one (``OMP_THREAD_LIMIT=1``, set before the library loads):
the pipeline parallelises by worker processes (``--jobs N``), and OpenMP threads spinning
beside them cost several times the CPU for no gain in wall time.

Without ``tesserocr`` (or when it cannot find the language data) the same calls run the
``tesseract`` binary, one process per call, with the same settings.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # read by libgomp when Tesseract loads: keep it before any import

log = logging.getLogger(__name__)

_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


@dataclass(frozen=True)
class Word:
    """One recognised word in pixels of the image it was read from; ``line`` identifies its text line."""

    text: str
    left: float
    top: float
    width: float
    height: float
    conf: float
    line: tuple[int, ...]


def tessdata_dir() -> str | None:
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, str(Path(env) / "tessdata")] if env else []) + list(_TESSDATA_DIRS)
    return next((d for d in candidates if d and (Path(d) / "vie.traineddata").exists()), None)


def parse_tsv(tsv: str) -> list[Word]:
    """Tesseract's TSV (``tsv`` config or ``GetTSVText``) as words; the header line may be absent."""
    out = []
    for line in tsv.splitlines():
        p = line.split("\t")
        if len(p) != 12 or not p[0].isdigit() or not p[11].strip():
            continue
        left, top, width, height, conf = (float(v) for v in p[6:11])
        out.append(Word(p[11].strip(), left, top, width, height, conf, tuple(int(v) for v in p[1:5])))
    return out


class Engine:
    """Recognition calls on grayscale ``numpy`` images; ``backend`` is ``"tesserocr"`` or ``"cli"``."""

    def __init__(self, lang: str = "vie"):
        self.lang = lang
        self._apis: dict[str, Any] = {}
        self.backend = "cli"
        path = tessdata_dir()
        try:
            import tesserocr

            if path is not None and lang in tesserocr.get_languages(path)[1]:
                self._tesserocr, self._path = tesserocr, path
                self.backend = "tesserocr"
        except ImportError:
            pass
        if self.backend == "cli":
            log.info("tesserocr not available: Tesseract runs as a subprocess per call")

    # -- in-process -------------------------------------------------------------------------------
    def _api(self, lang: str) -> Any:
        api = self._apis.get(lang)
        if api is None:
            tr = self._tesserocr
            api = tr.PyTessBaseAPI(
                path=self._path, lang=lang, oem=tr.OEM.LSTM_ONLY if lang != "osd" else tr.OEM.DEFAULT
            )
            self._apis[lang] = api
        return api

    def _set(self, api: Any, gray: np.ndarray, psm: int, dpi: int) -> None:
        from PIL import Image

        api.SetPageSegMode(psm)
        api.SetImage(Image.fromarray(np.ascontiguousarray(gray)))
        api.SetSourceResolution(dpi)

    # -- calls ------------------------------------------------------------------------------------
    def words(self, gray: np.ndarray, dpi: int, psm: int = 11) -> list[Word]:
        """Every word of the image with its box, confidence and text line (one recognition pass)."""
        if self.backend == "tesserocr":
            api = self._api(self.lang)
            self._set(api, gray, psm, dpi)
            api.Recognize()
            return parse_tsv(api.GetTSVText(0))
        return parse_tsv(_cli(gray, ["-l", self.lang, "--psm", str(psm), "--dpi", str(dpi), "tsv"]))

    def line(self, gray: np.ndarray, dpi: int, psm: int = 7, whitelist: str = "") -> tuple[str, float]:
        """The image read as one text line: its text and mean confidence (-1 when nothing was read).
        ``whitelist``: the only characters it may read (a row number: digits, numerals, "a)")."""
        if self.backend == "tesserocr":
            api = self._api(self.lang)
            api.SetVariable("tessedit_char_whitelist", whitelist)
            try:
                self._set(api, gray, psm, dpi)
                text = " ".join(api.GetUTF8Text().split())
                return text, float(api.MeanTextConf()) if text else -1.0
            finally:
                api.SetVariable("tessedit_char_whitelist", "")
        extra = ["-c", f"tessedit_char_whitelist={whitelist}"] if whitelist else []
        words = parse_tsv(_cli(gray, ["-l", self.lang, "--psm", str(psm), "--dpi", str(dpi), *extra, "tsv"]))
        confs = [w.conf for w in words if w.conf >= 0]
        return " ".join(w.text for w in words), (sum(confs) / len(confs) if confs else -1.0)

    def orientation(self, gray: np.ndarray, dpi: int) -> tuple[int, float] | None:
        """Tesseract OSD: the clockwise rotation (0/90/180/270) that makes the page upright, and its
        confidence; None when OSD data is missing or the page has too little text to tell."""
        try:
            if self.backend == "tesserocr":
                if "osd" not in self._tesserocr.get_languages(self._path)[1]:
                    return None
                api = self._api("osd")
                self._set(api, gray, 0, dpi)  # PSM_OSD_ONLY
                res = api.DetectOrientationScript()
                if not res:
                    return None
                return int(res["orient_deg"]) % 360, float(res["orient_conf"])
            out = _cli(gray, ["--psm", "0", "--dpi", str(dpi)], check=False)
        except (RuntimeError, subprocess.SubprocessError, OSError) as err:
            log.debug("OSD failed: %s", err)
            return None
        info = dict(ln.split(":", 1) for ln in out.splitlines() if ":" in ln)
        try:
            return int(info["Orientation in degrees"].strip()) % 360, float(info["Orientation confidence"].strip())
        except (KeyError, ValueError):
            return None

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()


def _cli(gray: np.ndarray, args: list[str], check: bool = True) -> str:
    import cv2

    exe = shutil.which("tesseract")
    if exe is None:
        raise RuntimeError("tesseract is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "img.png"
        cv2.imwrite(str(png), gray)
        res = subprocess.run([exe, str(png), "-", *args], capture_output=True, text=True, timeout=600, check=check)
    return res.stdout


@functools.lru_cache(maxsize=4)
def engine(lang: str = "vie") -> Engine:
    """This process's engine for ``lang`` (created on first use, kept for the process's life)."""
    return Engine(lang)
