#!/usr/bin/env bash
# Make sure Debian's chromium and the Noto CJK fonts are present for the end-to-end tests.
# Never downloads a browser build: only Debian packages, and only when running as root.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少 ${missing[*]}：请以 root 运行 apt-get install ${missing[*]}（端到端测试需要）" >&2
  exit 1
fi
echo "installing ${missing[*]} from Debian…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
