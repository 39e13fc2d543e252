#!/usr/bin/env bash
# Installs what the end-to-end suite needs besides Go and Node: Debian's haproxy (Octavia's
# amphora driver is HAProxy), iproute2 (network namespaces, veth, bridges, ss), nftables (the
# LB's floating IP and allowlists, the worker router's SNAT), util-linux (unshare, setpriv: pods
# get their own UTS namespace and no_new_privs), curl (probes, metrics) and openssl (the
# certificates the suite issues), busybox (stands for the busybox image of the tunnel gate,
# see e2e/lib/images.ts). Run as root; idempotent.
set -euo pipefail
packages=(haproxy iproute2 nftables util-linux procps curl openssl busybox)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The suite runs haproxy itself, per test, in a namespace; the packaged service must not hold ports.
if command -v systemctl >/dev/null && systemctl is-active --quiet haproxy 2>/dev/null; then
    systemctl disable --now haproxy
fi
# sed, not head: head would close the pipe early and pipefail would fail on haproxy's SIGPIPE.
haproxy -v | sed -n 1p
