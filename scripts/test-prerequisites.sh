#!/usr/bin/env bash
# Runs before `npm test` (the pretest script): makes sure the programs the tests drive for real are
# present. Chromium renders the HTML report; promtool (Debian's `prometheus`) validates /metrics.
# As root on Debian/Ubuntu the missing packages are installed; otherwise the command to run is
# printed and the tests that need them fail with the same command. Nothing is ever skipped.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} for the tests (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "warning: the tests need ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
  echo "         (tests that use them will fail until then)" >&2
fi
