#!/usr/bin/env bash
# Set up everything veikart needs on a fresh Debian/Ubuntu machine: system packages (tesseract
# with Norwegian data, fonts), a virtual environment in .venv with the pinned Python packages,
# and veikart itself. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# System packages: tesseract-ocr (+nor, eng, osd), fonts-dejavu-core, hunspell-no, chromium for
# the review app's browser tests (Playwright drives it; it never downloads a browser), npm (it
# installs axe-core, which those tests inject, into node_modules/), and
# LibreOffice, poppler-utils and Liberation fonts for the generated layout decks.

say() { printf 'setup: %s\n' "$*"; }

missing_system_packages() {
  local missing=()
  command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
  if command -v tesseract >/dev/null 2>&1; then
    local langs
    langs=$(tesseract --list-langs 2>/dev/null || true)
    grep -qx nor <<<"$langs" || missing+=(tesseract-ocr-nor)
    grep -qx eng <<<"$langs" || missing+=(tesseract-ocr-eng)
    # orientation and script detection: scans fed upside down or sideways are turned upright
    grep -qx osd <<<"$langs" || missing+=(tesseract-ocr-osd)
  else
    missing+=(tesseract-ocr-nor tesseract-ocr-eng tesseract-ocr-osd)
  fi
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  [ -f /usr/share/hunspell/nb_NO.dic ] || missing+=(hunspell-no)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # npm installs axe-core (package.json), the accessibility checker the browser tests inject
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  # LibreOffice exports the generated test decks to PDF (as decks reach us from PowerPoint or
  # LibreOffice); poppler's pdftoppm renders them for the generated scans.
  # It also converts legacy and ODF files (.ppt/.odp, .doc/.odt, .xls/.ods) before they are read.
  local lo=/usr/lib/libreoffice/program
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-impress-nogui)
  [ -e $lo/libswlo.so ] || missing+=(libreoffice-writer-nogui)
  [ -e $lo/libsclo.so ] || missing+=(libreoffice-calc-nogui)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
  echo "${missing[@]:-}"
}

install_system_packages() {
  local missing
  missing=$(missing_system_packages)
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
  fi
  if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; }; then
    say "missing system packages: $missing"
    say "install them with your package manager (Debian: apt-get install $missing) and run again"
    exit 5
  fi
  say "installing system packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

check_python() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "veikart needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)"
    exit 5
  fi
}

install_python_packages() {
  local stamp=.venv/.veikart-installed
  local want
  want=$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/veikart ]; then
    return 0
  fi
  [ -x .venv/bin/python ] || { say "creating .venv"; "$PYTHON" -m venv .venv; }
  say "installing Python packages (pinned in requirements.lock)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
  echo "$want" >"$stamp"
}

install_node_packages() {
  # axe-core for the browser tests, pinned in package.json / package-lock.json, into
  # node_modules/ (nothing is fetched while the tests run)
  local stamp=node_modules/.veikart-installed
  local want
  want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/axe-core/axe.min.js ]; then
    return 0
  fi
  say "installing axe-core (pinned in package-lock.json) into node_modules/"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
  echo "$want" >"$stamp"
}

check_python
install_system_packages
install_python_packages
install_node_packages
say "ready: .venv/bin/veikart ($(.venv/bin/veikart --help >/dev/null && echo ok))"
