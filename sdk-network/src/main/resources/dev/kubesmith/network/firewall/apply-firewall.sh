#!/bin/bash
# Written by kubesmith: applies the firewall of @RULES@ and keeps it across reboots.
# Only the @CHAIN@ chain is flushed and refilled, so the chains of kube-proxy and Calico
# stay as they are, and the jump from INPUT is added once. Safe to run again.
#   apply-firewall.sh           apply, persist, and record what was applied
#   apply-firewall.sh --check   exit 0 when the live rules are the ones last applied from the file
# KUBESMITH_FIREWALL_RULES and KUBESMITH_STATE_DIR override the rules file and the state directory.
set -euo pipefail

rules=${KUBESMITH_FIREWALL_RULES:-@RULES@}
state_dir=${KUBESMITH_STATE_DIR:-@STATE_DIR@}
stamp="$state_dir/firewall.applied"
chain=@CHAIN@
jump="-A INPUT -j $chain"

# The rules file's digest with our part of the live tables: INPUT's policy, the jump, the chain.
live_state() {
  sha256sum <"$rules"
  iptables -w 30 -S INPUT | grep -e '^-P INPUT ' -e "^$jump\$" || true
  iptables -w 30 -S "$chain" 2>/dev/null || true
}

ensure_packages() {
  if command -v apt-get >/dev/null 2>&1; then
    if ! command -v iptables >/dev/null 2>&1 || ! dpkg -s iptables-persistent >/dev/null 2>&1; then
      # never let the package save the live tables (kube-proxy's rules) over our file
      debconf-set-selections <<'SELECTIONS'
iptables-persistent iptables-persistent/autosave_v4 boolean false
iptables-persistent iptables-persistent/autosave_v6 boolean false
SELECTIONS
      apt-get -q update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold iptables iptables-persistent
    fi
  elif command -v dnf >/dev/null 2>&1; then
    rpm -q iptables-services >/dev/null 2>&1 || dnf install -y -q iptables-services
  else
    echo "kubesmith: neither apt-get nor dnf found; install iptables and its boot-time loader by hand" >&2
    exit 1
  fi
}

# Load the rules at boot. Never 'netfilter-persistent save' or 'service iptables save':
# they would write the live tables, kube-proxy's and Calico's chains included, into the file.
persist() {
  if command -v apt-get >/dev/null 2>&1; then
    systemctl enable -q netfilter-persistent
  else
    install -m 0600 "$rules" /etc/sysconfig/iptables
    # firewalld would load its own rules at boot instead
    if systemctl is-enabled -q firewalld 2>/dev/null; then
      systemctl disable -q --now firewalld
    fi
    systemctl enable -q iptables
  fi
}

apply() {
  iptables -w 30 -N "$chain" 2>/dev/null || true
  iptables -w 30 -C INPUT -j "$chain" 2>/dev/null || iptables -w 30 -I INPUT 1 -j "$chain"
  while [ "$(iptables -w 30 -S INPUT | grep -c -x -e "$jump")" -gt 1 ]; do
    iptables -w 30 -D INPUT -j "$chain"
  done
  # --noflush keeps the rules of the built-in chains (kube-proxy's and Calico's jumps) and
  # flushes only the chains the file declares; the file's own INPUT jump is already in place
  grep -v -x -e "$jump" "$rules" | iptables-restore -w 30 --noflush
}

if [ ! -r "$rules" ]; then
  echo "kubesmith: $rules is missing; the plan writes it before running this script" >&2
  exit 1
fi
if [ "${1:-}" = --check ]; then
  [ -f "$stamp" ] && [ "$(live_state)" = "$(cat "$stamp")" ]
  exit
fi
ensure_packages
persist
apply
mkdir -p "$state_dir"
live_state >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
