#!/usr/bin/env bash
# System packages the tests need: Debian's chromium and chromium-driver (for the web chat and report
# page tests), a font, and redis-server (Slack's replay store in the channel tests, as in production).
# Quick when they are installed already; needs root (or sudo) on Debian/Ubuntu otherwise.
# Never downloads a browser of its own: only the distribution's packages.
set -euo pipefail

packages=(chromium chromium-driver fonts-dejavu-core redis-server)

if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
   && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && command -v redis-server >/dev/null; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install_system_packages: no apt-get here; install ${packages[*]} by hand (the web chat test is skipped without them)." >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "install_system_packages: not root; run as root: apt-get install ${packages[*]} (the web chat test is skipped without them)." >&2
    exit 0
  fi
fi

echo "Installing ${packages[*]} (Debian packages) for the web chat test..."
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"; }; then
  echo "install_system_packages: could not install ${packages[*]}; the web chat test will be skipped." >&2
fi
