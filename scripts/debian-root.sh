#!/usr/bin/env bash
# Builds (once) the root filesystem of the sandbox's real Debian 12 hosts and caches it:
#   /var/cache/kubesmith/debian-12/root   read-only lower layer of every host (systemd-nspawn --overlay)
#   /var/cache/kubesmith/debian-12/STAMP  the recipe it was built from; another recipe builds it again
# What is in it is what a minimal cloud image has: systemd, dbus, sshd, iproute2, sudo, a user ops with
# passwordless sudo. Nothing the SDK
# installs (haproxy, keepalived, containerd, iptables, ...) is there: host preparation installs it.
# Needs root, debootstrap and systemd-container (scripts/test.sh installs them) and the Debian mirror
# the machine's apt uses (KUBESMITH_DEBIAN_MIRROR overrides it). Run by scripts/test.sh.
set -euo pipefail

CACHE=${KUBESMITH_DEBIAN_CACHE:-/var/cache/kubesmith/debian-12}
MIRROR=${KUBESMITH_DEBIAN_MIRROR:-}
SUITE=bookworm
INCLUDE=systemd,systemd-sysv,dbus,openssh-server,iproute2,sudo,kmod,procps
RECIPE="debootstrap --variant=minbase --include=$INCLUDE $SUITE; recipe 2"

if [ "$(id -u)" != 0 ]; then
  echo "debian-root.sh: needs root (debootstrap); run: sudo bash scripts/debian-root.sh" >&2
  exit 2
fi
if [ -f "$CACHE/STAMP" ] && [ "$(cat "$CACHE/STAMP")" = "$RECIPE" ] && [ -x "$CACHE/root/usr/lib/systemd/systemd" ]; then
  exit 0
fi
for cmd in debootstrap systemd-nspawn; do
  if ! command -v "$cmd" >/dev/null; then
    echo "debian-root.sh: $cmd is missing; install it: apt-get install debootstrap systemd-container" >&2
    exit 2
  fi
done
if [ -z "$MIRROR" ]; then
  # the first Debian URI of the machine's own apt sources (deb822 or one-line format)
  MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }')
  [ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
fi

echo "debian-root.sh: building the sandbox's Debian 12 root filesystem from $MIRROR into $CACHE (once; about a minute)" >&2
mkdir -p "$CACHE"
rm -rf "$CACHE/root.new"
start=$(date +%s)
if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$CACHE/root.new" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1; then
  tail -n 20 "$CACHE/debootstrap.log" >&2
  echo "debian-root.sh: debootstrap failed; the log is $CACHE/debootstrap.log" >&2
  exit 1
fi
R=$CACHE/root.new
# the hosts have no package source until the SDK configures one (the bundle): nothing reaches outside
rm -f "$R/etc/apt/sources.list" "$R/etc/apt/sources.list.d/"*
rm -rf "$R/var/lib/apt/lists/"* "$R/var/cache/apt/archives/"*.deb
# each host gets its own machine id and SSH host keys at boot (the test kit writes them)
rm -f "$R/etc/ssh/ssh_host_"*
: > "$R/etc/machine-id"
# modprobe of modules built into the running kernel (br_netfilter, overlay), as on a real host
K=$(uname -r)
mkdir -p "$R/usr/lib/modules/$K"
printf 'kernel/net/bridge/br_netfilter.ko\nkernel/fs/overlayfs/overlay.ko\nkernel/net/netfilter/nf_conntrack.ko\n' \
  > "$R/usr/lib/modules/$K/modules.builtin"
: > "$R/usr/lib/modules/$K/modules.order"
chroot "$R" depmod -a "$K"
# units that cannot work in a container on this machine, or that would wait for hardware
for unit in systemd-networkd-wait-online.service systemd-timesyncd.service getty@tty1.service \
    systemd-logind.service apt-daily.timer apt-daily-upgrade.timer; do
  chroot "$R" systemctl mask "$unit" >/dev/null 2>&1 || true
done
# sshd keeps its defaults; root logs in with a key only
mkdir -p "$R/root/.ssh" && chmod 700 "$R/root/.ssh"
# ops: a cloud image's default user, uid 1000, with passwordless sudo (a test may take it away)
chroot "$R" useradd --create-home --uid 1000 --shell /bin/bash ops
echo 'ops ALL=(ALL) NOPASSWD:ALL' > "$R/etc/sudoers.d/ops" && chmod 0440 "$R/etc/sudoers.d/ops"
rm -rf "$CACHE/root"
mv "$R" "$CACHE/root"
echo "$RECIPE" > "$CACHE/STAMP"
echo "debian-root.sh: done in $(( $(date +%s) - start )) s" >&2
