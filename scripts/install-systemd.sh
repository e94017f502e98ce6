#!/usr/bin/env bash
# Installs benchsight as a systemd service running from this checkout.
#   sudo scripts/install-systemd.sh            install, enable and start
#   scripts/install-systemd.sh --print         print the unit that would be installed
set -euo pipefail
app_dir=$(cd "$(dirname "$0")/.." && pwd)
node_bin=$(command -v node)
unit=$(sed -e "s|@APP_DIR@|$app_dir|g" -e "s|@NODE@|$node_bin|g" "$app_dir/systemd/benchsight.service")

if [[ "${1:-}" == "--print" ]]; then
  printf '%s\n' "$unit"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "run as root: sudo $0" >&2
  exit 1
fi
getent group video >/dev/null || groupadd --system video
id benchsight >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin --groups video benchsight
install -d -m 0755 /etc/benchsight
if [[ ! -f /etc/benchsight/benchsight.yaml ]]; then
  cat >/etc/benchsight/benchsight.yaml <<'YAML'
# benchsight config: see README.md. Validate with: benchsight config check --config /etc/benchsight/benchsight.yaml
camera:
  source: { kind: stream, input: /dev/video0, format: v4l2, fps: 15, width: 1280, height: 720 }
server:
  host: 127.0.0.1
  port: 8080
YAML
fi
printf '%s\n' "$unit" >/etc/systemd/system/benchsight.service
systemd-analyze verify /etc/systemd/system/benchsight.service || true
systemctl daemon-reload
systemctl enable --now benchsight.service
systemctl --no-pager status benchsight.service || true
