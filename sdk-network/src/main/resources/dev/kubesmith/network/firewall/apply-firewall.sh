#!/bin/bash
# Written by kubesmith: applies the firewall of @SET@, @RULES@ and @RULES6@ and keeps it across
# reboots. The set (@SET_NAME@, every inventory host's private address) is loaded first and
# replaced atomically (ipset swap), since the rules match on it.
# Only the KUBESMITH-* chains the files declare are flushed and refilled, so the chains of
# kube-proxy and Calico stay as they are, and each jump into ours is added once: first in INPUT
# and PREROUTING, last in FORWARD (Calico's and kube-proxy's FORWARD rules decide before ours).
# Safe to run again.
#   apply-firewall.sh           apply, persist, and record what was applied
#   apply-firewall.sh --check   exit 0 when the live rules are the ones last applied from the files
# KUBESMITH_FIREWALL_SET, KUBESMITH_FIREWALL_RULES, KUBESMITH_FIREWALL_RULES6, KUBESMITH_STATE_DIR
# and KUBESMITH_SYSTEMD_DIR override the files, the state directory and /etc/systemd/system.
set -euo pipefail

set_file=${KUBESMITH_FIREWALL_SET:-@SET@}
set_name=@SET_NAME@
rules=${KUBESMITH_FIREWALL_RULES:-@RULES@}
rules6=${KUBESMITH_FIREWALL_RULES6:-@RULES6@}
state_dir=${KUBESMITH_STATE_DIR:-@STATE_DIR@}
systemd_dir=${KUBESMITH_SYSTEMD_DIR:-/etc/systemd/system}
stamp="$state_dir/firewall.applied"
jump_line='^-A [A-Z]+ -j KUBESMITH-[A-Z0-9-]+$'

# "table chain target" for every jump into a kubesmith chain the file declares
jumps() {
  awk '/^\*/ { t = substr($0, 2) } /^-A [A-Z]+ -j KUBESMITH-[A-Z0-9-]+$/ { print t, $2, $4 }' "$1"
}

# The files' digests with our part of the live tables: the set's members, policies, the jumps,
# our chains. (Not the set's header: it holds a random initval.)
live_state() {
  local tool file table chain target
  for file in "$set_file" "$rules" "$rules6"; do
    sha256sum <"$file"
  done
  ipset list "$set_name" -o save 2>/dev/null | grep '^add ' | sort || true
  for tool in iptables ip6tables; do
    file=$rules
    [ "$tool" = ip6tables ] && file=$rules6
    while read -r table chain target; do
      "$tool" -w 30 -t "$table" -S "$chain" | grep -e "^-P $chain " -e "^-A $chain -j $target\$" || true
      "$tool" -w 30 -t "$table" -S "$target" 2>/dev/null || true
    done < <(jumps "$file")
  done
}

ensure_packages() {
  if command -v apt-get >/dev/null 2>&1; then
    if ! command -v iptables >/dev/null 2>&1 || ! command -v ipset >/dev/null 2>&1 \
      || ! dpkg -s iptables-persistent >/dev/null 2>&1; then
      # never let the package save the live tables (kube-proxy's rules) over our files
      debconf-set-selections <<'SELECTIONS'
iptables-persistent iptables-persistent/autosave_v4 boolean false
iptables-persistent iptables-persistent/autosave_v6 boolean false
SELECTIONS
      # from the cluster's offline bundle alone on a host configured for one
      @USE_BUNDLE@
      apt-get -q update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold iptables iptables-persistent ipset \
        || { rc=$?; @APT_HINT@; exit $rc; }
    fi
  elif command -v dnf >/dev/null 2>&1; then
    { rpm -q iptables-services && rpm -q ipset; } >/dev/null 2>&1 || dnf install -y -q iptables-services ipset
  else
    echo "kubesmith: neither apt-get nor dnf found; install iptables and its boot-time loader by hand" >&2
    exit 1
  fi
}

# Load the set before the rules at boot: rules that match a missing set do not load, and the host
# would boot with no firewall. A drop-in of the loader's unit, so no file of Debian's ipset-persistent
# (/etc/iptables/ipsets may be the user's) is touched.
set_at_boot() {
  local dir="$systemd_dir/$1.service.d" want
  want="# Written by kubesmith: the set the firewall rules match on, loaded before them.
[Service]
ExecStartPre=$(command -v ipset) -exist restore -file $set_file"
  if [ ! -f "$dir/kubesmith-ipset.conf" ] || [ "$(cat "$dir/kubesmith-ipset.conf")" != "$want" ]; then
    mkdir -p "$dir"
    printf '%s\n' "$want" > "$dir/kubesmith-ipset.conf.tmp"
    mv "$dir/kubesmith-ipset.conf.tmp" "$dir/kubesmith-ipset.conf"
    systemctl daemon-reload
  fi
}

# Load the rules at boot. Never 'netfilter-persistent save' or 'service iptables save':
# they would write the live tables, kube-proxy's and Calico's chains included, into the files.
persist() {
  if command -v apt-get >/dev/null 2>&1; then
    set_at_boot netfilter-persistent
    systemctl enable -q netfilter-persistent
  else
    set_at_boot iptables
    install -m 0600 "$rules" /etc/sysconfig/iptables
    install -m 0600 "$rules6" /etc/sysconfig/ip6tables
    # firewalld would load its own rules at boot instead
    if systemctl is-enabled -q firewalld 2>/dev/null; then
      systemctl disable -q --now firewalld
    fi
    systemctl enable -q iptables ip6tables
  fi
}

# The set from its file, replaced in one step: filled under a temporary name, then swapped in, so
# no packet meets a half-filled set. The set's type never changes (hash:net, inet), so swap works.
load_set() {
  local tmp="$set_name-new"
  ipset destroy "$tmp" 2>/dev/null || true
  sed -e "s/^create $set_name /create $tmp /" -e "s/^add $set_name /add $tmp /" "$set_file" | ipset restore
  if ipset list -n "$set_name" >/dev/null 2>&1; then
    ipset swap "$tmp" "$set_name"
    ipset destroy "$tmp"
  else
    ipset rename "$tmp" "$set_name"
  fi
}

# apply TOOL FILE: our chains and jumps exist, each jump once, then the file's rules in one transaction
apply() {
  local tool=$1 file=$2 table chain target
  while read -r table chain target; do
    "$tool" -w 30 -t "$table" -N "$target" 2>/dev/null || true
    if ! "$tool" -w 30 -t "$table" -C "$chain" -j "$target" 2>/dev/null; then
      if [ "$chain" = FORWARD ]; then
        "$tool" -w 30 -t "$table" -A "$chain" -j "$target"
      else
        "$tool" -w 30 -t "$table" -I "$chain" 1 -j "$target"
      fi
    fi
    while [ "$("$tool" -w 30 -t "$table" -S "$chain" | grep -c -x -e "-A $chain -j $target")" -gt 1 ]; do
      "$tool" -w 30 -t "$table" -D "$chain" -j "$target"
    done
  done < <(jumps "$file")
  # --noflush keeps the rules of the built-in chains (kube-proxy's and Calico's jumps) and
  # flushes only the chains the file declares; the file's own jumps are already in place
  grep -v -E -e "$jump_line" "$file" | "$tool-restore" -w 30 --noflush
}

for file in "$set_file" "$rules" "$rules6"; do
  if [ ! -r "$file" ]; then
    echo "kubesmith: $file is missing; the plan writes it before running this script" >&2
    exit 1
  fi
done
if [ "${1:-}" = --check ]; then
  [ -f "$stamp" ] && [ "$(live_state)" = "$(cat "$stamp")" ]
  exit
fi
ensure_packages
persist
load_set
apply iptables "$rules"
apply ip6tables "$rules6"
mkdir -p "$state_dir"
live_state >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
