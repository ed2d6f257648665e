#!/usr/bin/env bash
# Create (once) and reuse the project's virtual environment in .venv, installing the
# system packages it needs on Debian/Ubuntu. Sourced by run.sh, test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(python3-venv python3-pip)

need_apt=()
$PYTHON -c 'import venv, ensurepip' 2>/dev/null || need_apt+=("${SYSTEM_PACKAGES[@]}")
# OCR of scanned plans: Tesseract with Vietnamese data
if ! (command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie); then
  need_apt+=(tesseract-ocr tesseract-ocr-vie)
fi
# page orientation (OSD) data, and what pip needs to build tesserocr (in-process Tesseract) from source
[ -f /usr/share/tesseract-ocr/5/tessdata/osd.traineddata ] || need_apt+=(tesseract-ocr-osd)
if ! (command -v pkg-config >/dev/null && pkg-config --exists tesseract lept && command -v g++ >/dev/null); then
  need_apt+=(libtesseract-dev libleptonica-dev pkg-config g++)
fi
# .doc input (converted with LibreOffice) and the layout generator's PDFs (LibreOffice, its fonts)
if ! command -v soffice >/dev/null; then
  need_apt+=(libreoffice-writer-nogui fonts-liberation fonts-dejavu-core)
fi
# handwritten numbers on scans ("Số: 851/KH-SYT" written in by hand): digits of handwriting fonts train the reader
if [ ! -f /usr/share/fonts/truetype/fifthhorseman/dkg.ttf ]; then
  need_apt+=(fonts-dkg-handwriting fonts-breip fonts-bwht fonts-femkeklaver fonts-humor-sans fonts-kristi fonts-comic-neue)
fi
# kehoach review's browser test: Debian's Chromium and its driver (Selenium; no browser download)
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  need_apt+=(chromium chromium-driver)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing system packages: ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  elif [[ " ${need_apt[*]} " == *" python3-venv "* ]]; then
    echo "bootstrap: please install: ${need_apt[*]} (apt-get install ${need_apt[*]})" >&2
    exit 1
  else
    echo "bootstrap: OCR of scanned plans needs: apt-get install ${need_apt[*]} (continuing without it)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  $PYTHON -m venv .venv
fi
stamp=.venv/.kehoach-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[dev,cluster,notebooks]'
  touch "$stamp"
fi
