#!/bin/bash
# Written by kubesmith: kubeadm's etcd restore on one master, in four steps the SDK runs on every
# master in turn (all checks, then all stops, then all restores, then all starts):
#   etcd-restore.sh check   SNAPSHOT DATA_DIR       preconditions; changes nothing
#   etcd-restore.sh stop                            static pods of etcd and the API server out of the manifests dir
#   etcd-restore.sh restore SNAPSHOT DATA_DIR NAME INITIAL_CLUSTER PEER_URL TOKEN
#   etcd-restore.sh start   DATA_DIR                etcd-data hostPath pointed at DATA_DIR, both manifests back
set -euo pipefail

manifests=${KUBESMITH_MANIFESTS:-/etc/kubernetes/manifests}
stopped=${KUBESMITH_STOPPED_MANIFESTS:-/etc/kubernetes/manifests-stopped-by-kubesmith}
pki=${KUBESMITH_ETCD_PKI:-/etc/kubernetes/pki/etcd}
timeout=${KUBESMITH_ETCD_TIMEOUT:-180}
host=$(hostname -s)

fail() {
  echo "kubesmith: etcd restore on $host: $*" >&2
  exit 1
}

snapshot_status() {
  if command -v etcdutl >/dev/null 2>&1; then
    etcdutl snapshot status "$1" -w json
  else
    ETCDCTL_API=3 etcdctl snapshot status "$1" -w json
  fi
}

port_open() {
  (exec 3<>/dev/tcp/127.0.0.1/2379) 2>/dev/null
}

healthy() {
  ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert="$pki/ca.crt" \
    --cert="$pki/healthcheck-client.crt" --key="$pki/healthcheck-client.key" \
    --command-timeout=5s endpoint health >/dev/null 2>&1
}

check() {
  local snapshot=$1 target=$2
  command -v etcdctl >/dev/null 2>&1 || command -v etcdutl >/dev/null 2>&1 \
    || fail "neither etcdutl nor etcdctl is installed; install etcd-client (apt) or etcd (dnf)"
  [ -f "$snapshot" ] || fail "snapshot $snapshot does not exist here; every master restores from the same file: copy it to this path or mount the NFS export"
  snapshot_status "$snapshot" >/dev/null 2>&1 || fail "snapshot $snapshot fails 'snapshot status': damaged or not an etcd snapshot; choose another"
  [ ! -e "$target" ] || fail "the target data dir $target exists (an earlier restore?); remove it or restore another snapshot"
  [ -f "$manifests/etcd.yaml" ] || [ -f "$stopped/etcd.yaml" ] \
    || fail "no $manifests/etcd.yaml: this is not a kubeadm master with a local (stacked) etcd"
}

stop() {
  mkdir -p "$stopped"
  local f
  for f in kube-apiserver.yaml etcd.yaml; do
    if [ -f "$manifests/$f" ]; then
      mv -f "$manifests/$f" "$stopped/$f"
    fi
  done
  local i
  for ((i = 0; i < timeout; i++)); do
    port_open || return 0
    sleep 1
  done
  fail "etcd still listens on 127.0.0.1:2379 ${timeout}s after its manifest was moved to $stopped; is the kubelet running?"
}

restore() {
  local snapshot=$1 target=$2 name=$3 cluster=$4 peer=$5 token=$6
  rm -rf "$target.part"
  if command -v etcdutl >/dev/null 2>&1; then
    etcdutl snapshot restore "$snapshot" --name "$name" --initial-cluster "$cluster" \
      --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" --data-dir "$target.part"
  else
    ETCDCTL_API=3 etcdctl snapshot restore "$snapshot" --name "$name" --initial-cluster "$cluster" \
      --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" --data-dir "$target.part"
  fi
  chmod 0700 "$target.part"
  mv "$target.part" "$target"
}

start() {
  local target=$1 manifest="$stopped/etcd.yaml" old i
  [ -f "$manifest" ] || manifest="$manifests/etcd.yaml"
  # kubeadm's procedure: only the host side moves, the hostPath of the etcd-data volume; inside the
  # container --data-dir and the mount stay /var/lib/etcd
  old=$(awk '/^  volumes:/ {v = 1} v && /^ *path: / {p = $2} v && /^ *name: etcd-data$/ {print p; exit}' "$manifest")
  [ -n "$old" ] || fail "$manifest has no hostPath volume named etcd-data; point it at $target by hand"
  sed -i "s#^\( *path: \)$old\$#\1$target#" "$manifest"
  if [ "$manifest" != "$manifests/etcd.yaml" ]; then
    mv -f "$manifest" "$manifests/etcd.yaml"
  fi
  for ((i = 0; i < timeout; i++)); do
    healthy && break
    sleep 1
  done
  healthy || fail "etcd is not healthy ${timeout}s after its manifest came back with --data-dir=$target; see the etcd container's log"
  if [ -f "$stopped/kube-apiserver.yaml" ]; then
    mv -f "$stopped/kube-apiserver.yaml" "$manifests/kube-apiserver.yaml"
  fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
  check) check "$@" ;;
  stop) stop ;;
  restore) restore "$@" ;;
  start) start "$@" ;;
  *) fail "usage: $0 check|stop|restore|start ..." ;;
esac
