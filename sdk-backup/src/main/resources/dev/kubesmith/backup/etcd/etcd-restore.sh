#!/bin/bash
# Written by kubesmith: kubeadm's etcd restore on one master, in four steps the SDK runs on every
# master in turn (all checks, then all stops, then all restores, then all starts):
#   etcd-restore.sh check   SNAPSHOT DATA_DIR       preconditions; changes nothing
#   etcd-restore.sh stop                            static pods of etcd and the API server out of the manifests dir
#   etcd-restore.sh restore SNAPSHOT DATA_DIR NAME INITIAL_CLUSTER PEER_URL TOKEN
#   etcd-restore.sh start   DATA_DIR                etcd-data hostPath pointed at DATA_DIR, both manifests back
#   etcd-restore.sh tool    [SNAPSHOT [DATA_DIR]]   prints the tool the restore would use; changes nothing
# Snapshot files are read with a tool of the cluster's own etcd major.minor (from the image of its
# static pod): etcdutl for 3.5+, etcdctl for 3.4, on the host when its version matches, else from the
# cluster's etcd image through containerd. With none, the check refuses before anything is stopped.
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

# The cluster's etcd version, from the image of its static pod (kubeadm: registry.k8s.io/etcd:<version>-0).
cluster_version() {
  local manifest="$manifests/etcd.yaml" image
  [ -f "$manifest" ] || manifest="$stopped/etcd.yaml"
  [ -f "$manifest" ] || fail "no $manifests/etcd.yaml: this is not a kubeadm master with a local (stacked) etcd"
  image=$(awk '/^ *image: / {print $2; exit}' "$manifest" | tr -d "\"'")
  if [[ ! $image =~ /etcd:v?([0-9]+\.[0-9]+\.[0-9]+)(-[0-9]+)?$ ]]; then
    fail "cannot read the etcd version from the image of $manifest (found '${image}'; kubeadm writes image: registry.k8s.io/etcd:<version>-0): fix the image line of that file, or restore by hand with etcdutl of the cluster's etcd version"
  fi
  etcd_image=$image
  etcd_version=${BASH_REMATCH[1]}
}

minor() {
  echo "$1" | cut -d. -f1,2
}

# Picks the tool for snapshot files of exactly the cluster's etcd major.minor: etcdutl (3.5+) or
# etcdctl (3.4) on the host when its version matches, else the cluster's own etcd image through
# containerd (already on every master, so air-gapped hosts have it too). Sets tool=(...) or fails.
pick_tool() {
  cluster_version
  local want found bin
  want=$(minor "$etcd_version")
  if [ "$want" = 3.4 ] || [[ $want =~ ^3\.[0-3]$ ]]; then bin=etcdctl; else bin=etcdutl; fi
  found=
  if command -v "$bin" >/dev/null 2>&1; then
    found=$("$bin" version 2>/dev/null | awk '/^(etcdutl|etcdctl) version: / {print $3; exit}')
    if [ -n "$found" ] && [ "$(minor "$found")" = "$want" ]; then
      if [ "$bin" = etcdctl ]; then tool=(env ETCDCTL_API=3 etcdctl); else tool=(etcdutl); fi
      tool_name="$bin $found on the host"
      return 0
    fi
  fi
  if command -v ctr >/dev/null 2>&1 && ctr -n k8s.io images ls -q 2>/dev/null | grep -Fxq "$etcd_image"; then
    # only the snapshot (read-only) and the restore's own staging dir are mounted, at the same paths
    tool=(ctr -n k8s.io run --rm --env ETCDCTL_API=3 "--mount=type=bind,src=$1,dst=$1,options=rbind:ro")
    [ -z "${2:-}" ] || tool+=("--mount=type=bind,src=$2.part,dst=$2.part,options=rbind:rw")
    tool+=("$etcd_image" "kubesmith-etcd-restore-$$" "/usr/local/bin/$bin")
    tool_name="$bin of $etcd_image through containerd"
    return 0
  fi
  local have="no $bin"
  [ -z "$found" ] || have="$bin $found"
  fail "the cluster runs etcd $etcd_version ($etcd_image) and no matching tool is here: the host has ${have}, and ${etcd_image} is not in containerd's k8s.io namespace (ctr -n k8s.io images ls); install $bin $want.x (etcd's release tarball) on the masters, or pull the image with 'ctr -n k8s.io images pull $etcd_image', then run the restore again. Nothing was stopped."
}

snapshot_status() {
  "${tool[@]}" snapshot status "$1" -w json
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
  local snapshot=$1 target=$2 status snap_version
  pick_tool "$snapshot"
  [ -f "$snapshot" ] || fail "snapshot $snapshot does not exist here; every master restores from the same file: copy it to this path or mount the NFS export"
  status=$(snapshot_status "$snapshot" 2>/dev/null) || fail "snapshot $snapshot fails 'snapshot status' ($tool_name): damaged or not an etcd snapshot; choose another"
  # etcdutl 3.5+ reports the storage version of the snapshot; 3.4 does not
  snap_version=$(echo "$status" | sed -n 's/.*"version":"\([0-9][0-9.]*\)".*/\1/p')
  if [ -n "$snap_version" ] && [ "$(printf '%s\n%s\n' "$(minor "$snap_version")" "$(minor "$etcd_version")" | sort -V | tail -n 1)" != "$(minor "$etcd_version")" ]; then
    fail "snapshot $snapshot is from etcd $snap_version, newer than the cluster's etcd $etcd_version ($etcd_image): restore it on a cluster of that version, or choose an older snapshot"
  fi
  [ ! -e "$target" ] || fail "the target data dir $target exists (an earlier restore?); remove it or restore another snapshot"
  echo "kubesmith: etcd restore on $host: cluster etcd $etcd_version, snapshot ${snap_version:-of unknown version}, tool: $tool_name"
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
  # a staging dir of our own holds the new data dir (etcd's restore refuses an existing one); it is
  # all the image's container may write to
  rm -rf "$target.part"
  mkdir -m 0700 "$target.part"
  pick_tool "$snapshot" "$target"
  "${tool[@]}" snapshot restore "$snapshot" --name "$name" --initial-cluster "$cluster" \
    --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" --data-dir "$target.part/data"
  chmod 0700 "$target.part/data"
  mv "$target.part/data" "$target"
  rmdir "$target.part"
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
  tool) pick_tool "${1:-/x}" "${2:-}"; echo "$tool_name"; printf '%s\n' "${tool[@]}" ;;
  *) fail "usage: $0 check|stop|restore|start ..." ;;
esac
