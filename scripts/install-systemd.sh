#!/usr/bin/env bash
# Installs benchsight as a systemd service. See --help.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: sudo scripts/install-systemd.sh [--app-dir DIR | --in-place] [--node PATH]
       scripts/install-systemd.sh --print [--app-dir DIR | --in-place] [--node PATH]
       scripts/install-systemd.sh --help

Installs benchsight as the systemd service benchsight.service: creates the system user
benchsight (in group video), copies this checkout (with its node_modules) to the app folder,
writes /etc/benchsight/benchsight.yaml if it does not exist (data in /var/lib/benchsight),
installs the unit, then enables and starts it.

The unit runs with ProtectHome=yes (no access to /home, /root, /run/user): code in a checkout
under those folders cannot be read by the service, so it is copied to the app folder. Run the
script again after `git pull && npm install` to update the copy.

Options:
  --app-dir DIR   where the code is installed (default: /opt/benchsight)
  --in-place      run the service from this checkout (refused under /home, /root, /run/user)
  --node PATH     node binary for the unit (default: the node on the PATH)
  --print         print the unit that would be installed and stop (installs nothing)
  -h, --help      this help (installs nothing)

Environment:
  DESTDIR         stage the files under this folder; no user is created, systemctl is not run
HELP
}

checkout=$(cd "$(dirname "$0")/.." && pwd)
app_dir=/opt/benchsight
in_place=0
print=0
node_bin=
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --print) print=1 ;;
    --in-place) in_place=1 ;;
    --app-dir)
      [[ $# -ge 2 && "$2" == /* ]] || { echo "install-systemd.sh: --app-dir needs an absolute path" >&2; exit 2; }
      app_dir=$2; shift ;;
    --node)
      [[ $# -ge 2 && -x "$2" ]] || { echo "install-systemd.sh: --node needs the path of a node binary" >&2; exit 2; }
      node_bin=$2; shift ;;
    *) echo "install-systemd.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

under_home() { [[ "$1" == /home/* || "$1" == /root/* || "$1" == /run/user/* || "$1" == /home || "$1" == /root ]]; }

[[ $in_place -eq 1 ]] && app_dir=$checkout
if under_home "$app_dir"; then
  echo "install-systemd.sh: $app_dir is under /home, /root or /run/user, which the service cannot read (ProtectHome=yes);" >&2
  echo "  install a copy elsewhere: drop --in-place (copies to /opt/benchsight) or pass --app-dir /opt/benchsight" >&2
  exit 2
fi
node_bin=${node_bin:-$(command -v node || true)}
if [[ -z "$node_bin" ]]; then
  echo "install-systemd.sh: node not found; install Node.js 20 system-wide or pass --node PATH" >&2
  exit 2
fi
if under_home "$node_bin"; then
  echo "install-systemd.sh: node is $node_bin, under a home folder the service cannot read (ProtectHome=yes);" >&2
  echo "  install Node.js 20 system-wide (e.g. /usr/bin/node) and pass --node /usr/bin/node" >&2
  exit 2
fi

unit=$(sed -e "s|@APP_DIR@|$app_dir|g" -e "s|@NODE@|$node_bin|g" "$checkout/systemd/benchsight.service")
if [[ $print -eq 1 ]]; then
  printf '%s\n' "$unit"
  exit 0
fi

root=${DESTDIR:-}
if [[ -z "$root" && $(id -u) -ne 0 ]]; then
  echo "install-systemd.sh: run as root: sudo $0 (see --help)" >&2
  exit 1
fi
if [[ ! -d "$checkout/node_modules" ]]; then
  echo "install-systemd.sh: $checkout has no node_modules; run npm install first" >&2
  exit 1
fi

if [[ "$app_dir" != "$checkout" ]]; then
  echo "copying $checkout to $root$app_dir"
  install -d -m 0755 "$root$app_dir"
  tar -C "$checkout" --exclude=./.git --exclude=./data --exclude=./test-output --exclude=./.tmp -cf - . |
    tar -C "$root$app_dir" --no-same-owner -xf -
  chmod -R u+rwX,go+rX,go-w "$root$app_dir"
fi

if [[ -z "$root" ]]; then
  getent group video >/dev/null || groupadd --system video
  id benchsight >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin --groups video benchsight
fi
install -d -m 0755 "$root/etc/benchsight" "$root/etc/systemd/system"
if [[ ! -f "$root/etc/benchsight/benchsight.yaml" ]]; then
  cat >"$root/etc/benchsight/benchsight.yaml" <<'YAML'
# benchsight config: see README.md. Validate with: benchsight config check --config /etc/benchsight/benchsight.yaml
camera:
  source: { kind: stream, input: /dev/video0, format: v4l2, fps: 15, width: 1280, height: 720 }
server:
  host: 127.0.0.1
  port: 8080
data:
  dir: /var/lib/benchsight
YAML
fi
printf '%s\n' "$unit" >"$root/etc/systemd/system/benchsight.service"
echo "installed $root/etc/systemd/system/benchsight.service (code in $app_dir, config /etc/benchsight/benchsight.yaml)"
[[ -n "$root" ]] && exit 0
systemd-analyze verify /etc/systemd/system/benchsight.service || true
systemctl daemon-reload
systemctl enable --now benchsight.service
systemctl --no-pager status benchsight.service || true
