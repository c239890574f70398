#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian packages, when run as root),
# then builds and runs every test, then runs the CLI through its JBang wrapper as a user would.
# Needs ../shared/upstream (the offline mirror of pinned upstream manifests) beside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A PACKAGES=(
  [haproxy]=haproxy [keepalived]=keepalived [iptables-restore]=iptables [ipset]=ipset [shellcheck]=shellcheck
  [ip]=iproute2 [sshd]=openssh-server [ssh]=openssh-client [unshare]=util-linux [socat]=socat [curl]=curl
  [etcd]=etcd-server [etcdctl]=etcd-client [exportfs]=nfs-kernel-server [openssl]=openssl [sudo]=sudo
  [debootstrap]=debootstrap [systemd-nspawn]=systemd-container [nsenter]=util-linux
)
missing=()
for cmd in "${!PACKAGES[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then
    missing+=("${PACKAGES[$cmd]}")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing packages: ${missing[*]}; run as root to install them (CI does), or: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "test.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" = 0 ]; then
  # the real Debian 12 hosts' root filesystem (debootstrap, once; cached in /var/cache/kubesmith)
  bash scripts/debian-root.sh
fi
if [ "$(id -u)" != 0 ]; then
  echo "test.sh: the tests that run haproxy, keepalived and iptables in network namespaces need root; they will fail without it" >&2
fi
if [ ! -d ../shared/upstream ]; then
  echo "test.sh: ../shared/upstream (the offline mirror of upstream manifests) must sit beside this clone" >&2
  exit 2
fi

# One local repository for Maven and for JBang in the smoke test, named explicitly: Maven's default
# follows the passwd home directory, the JBang wrapper's $HOME, and they differ when HOME is set elsewhere.
export KUBESMITH_MAVEN_REPO="${KUBESMITH_MAVEN_REPO:-$HOME/.m2/repository}"
./mvnw -B -ntp -Dmaven.repo.local="$KUBESMITH_MAVEN_REPO" install
bash jbang-scripts/smoke-test.sh
