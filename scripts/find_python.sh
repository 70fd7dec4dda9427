#!/usr/bin/env bash
# Print the path of a Python 3.8-3.10 interpreter (Rasa 3.6 supports no other), looking at
# $PYTHON, then PATH, then pyenv's versions. Exit 1 with a clear message if there is none.
set -u

supported() {  # succeeds if "$1" runs and is Python 3.8, 3.9 or 3.10
  "$1" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' >/dev/null 2>&1
}

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for name in python3.10 python3.9 python3.8 python3 python; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root=$( (pyenv root 2>/dev/null) || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for minor in 10 9 8; do
  for path in $(ls -d "$pyenv_root"/versions/3."$minor".*/bin/python 2>/dev/null | sort -rV); do
    candidates+=("$path")
  done
done

for candidate in "${candidates[@]}"; do
  if supported "$candidate"; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.8, 3.9 or 3.10 found. Rasa 3.6 needs one of them.
Install Python 3.10 (for example `pyenv install 3.10.13`), or point PYTHON at one:
  make PYTHON=/path/to/python3.10 run
MSG
exit 1
