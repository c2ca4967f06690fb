# Shared helpers of scripts/demo and scripts/test. Sourced, not run.

PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv}"

ensure_venv() {
  # ensure_venv [extra]: create .venv and install the project (with its extras) once per
  # change of pyproject.toml.
  local extra="${1:-}"
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    PYTHON=python3
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "== Creating virtual environment ($("$PYTHON" --version))"
    "$PYTHON" -m venv "$VENV"
  fi
  local spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${extra:-base}"
  if [ ! -f "$stamp" ]; then
    echo "== Installing Canlian and its pinned dependencies"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$spec"
    touch "$stamp"
  fi
}

can_sudo_apt() {
  [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
  # apt_install PKG...: install Debian packages when we are root; quiet.
  can_sudo_apt || return 1
  if [ -z "${_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
