#!/bin/bash
# Written by kubesmith for lb1: Keepalived's check that haproxy on this host serves.
# Exits 0 only when haproxy answers 200 on 198.18.4.21:8404/healthz (its monitor-uri).
set -u
# the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/198.18.4.21/8404 || exit 1
  printf "GET /healthz HTTP/1.0\r\nHost: 198.18.4.21\r\n\r\n" >&3
  head -n 1 <&3' 2>/dev/null) || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) exit 1 ;;
esac
