#!/bin/bash
# Written by kubesmith for lb1: Keepalived's check that haproxy on this host serves, and
# the notify script of its VRRP instances.
# As the check (no arguments) it exits 0 only when haproxy answers 200 on 198.18.4.21:8404/healthz
# (its monitor-uri), and then renews the lifetime of the VIPs this host holds as MASTER, so
# they expire when no check runs. As the notify script (keepalived adds: INSTANCE name state
# priority) it records the instance's state. A VIP held here by an instance that is not
# MASTER is removed: a renewal that races keepalived's own removal adds it back (for IPv4
# 'ip addr change' also adds a missing address), and keepalived does not remove what it
# thinks it does not hold.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
STATE=/run/keepalived/kubesmith
# lease VIP DEV INSTANCE: renew the VIP if it is here and the instance is MASTER (or has not
# reported yet); remove it if it is here and the instance is in any other state
lease() {
  ip -o addr show dev "$2" to "${1%/*}/32" | grep -q . || return 0
  local state=MASTER
  if [ -r "$STATE/$3" ]; then read -r state < "$STATE/$3" || state=MASTER; fi
  if [ "$state" = MASTER ]; then
    ip addr change "$1" dev "$2" valid_lft 5 preferred_lft 5 2> /dev/null || true
  else
    ip addr del "$1" dev "$2" 2> /dev/null || true
  fi
}
leases() {
  lease 198.18.4.100/24 {{fact:lb1:private-interface}} kubesmith_private
  lease 198.18.100.100/32 {{fact:lb1:public-interface}} kubesmith_public
}
if [ "${1-}" = INSTANCE ] && [ $# -ge 3 ]; then
  mkdir -p "$STATE"
  printf '%s\n' "$3" > "$STATE/.$2.new" && mv -f "$STATE/.$2.new" "$STATE/$2"
  # entering MASTER: check and start the lease at once, not a second later
  [ "$3" = MASTER ] || { leases; exit 0; }
fi
# the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/198.18.4.21/8404 || exit 1
  printf "GET /healthz HTTP/1.0\r\nHost: 198.18.4.21\r\n\r\n" >&3
  head -n 1 <&3' 2>/dev/null) || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) ;;
  *) exit 1 ;;
esac
leases
exit 0
