#!/bin/bash
# Written by kubesmith for lb1: Keepalived's check that haproxy on this host serves.
# Exits 0 only when haproxy answers 200 on 198.18.4.21:8404/healthz (its monitor-uri), and then
# renews the lifetime of the VIPs this host holds, so they expire when no check runs.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/198.18.4.21/8404 || exit 1
  printf "GET /healthz HTTP/1.0\r\nHost: 198.18.4.21\r\n\r\n" >&3
  head -n 1 <&3' 2>/dev/null) || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) ;;
  *) exit 1 ;;
esac
# only the VIPs held here: for IPv4 'ip addr change' also adds an address that is missing
if ip -o addr show dev {{fact:lb1:private-interface}} to 198.18.4.100/32 | grep -q .; then
  ip addr change 198.18.4.100/24 dev {{fact:lb1:private-interface}} valid_lft 5 preferred_lft 5 2>/dev/null || true
fi
if ip -o addr show dev {{fact:lb1:public-interface}} to 198.18.100.100/32 | grep -q .; then
  ip addr change 198.18.100.100/32 dev {{fact:lb1:public-interface}} valid_lft 5 preferred_lft 5 2>/dev/null || true
fi
exit 0
