#!/bin/bash
# Written by kubesmith: takes an etcd snapshot on this master, checks it with 'snapshot status',
# keeps the newest $KEEP here and copies it off the cluster to the NFS export, keeping the newest
# $KEEP of this master there too. Prints the path of the copy. Settings: /etc/kubesmith/etcd-snapshot.env.
set -euo pipefail

# shellcheck source=/dev/null
. "${KUBESMITH_ETCD_SNAPSHOT_ENV:-/etc/kubesmith/etcd-snapshot.env}"

host=$(hostname -s)
name="etcd-$host-$(date -u +%Y%m%dT%H%M%SZ).db"
umask 077

# etcdutl reads snapshot files from etcd 3.5 on; etcdctl still does in 3.4 (Debian bookworm)
snapshot_status() {
  if command -v etcdutl >/dev/null 2>&1; then
    etcdutl snapshot status "$1" -w json
  else
    ETCDCTL_API=3 etcdctl snapshot status "$1" -w json
  fi
}

# keeps the newest $KEEP snapshots of this master in a directory (names sort by time)
prune() {
  find "$1" -maxdepth 1 -name "etcd-$host-*.db" | sort -r | tail -n +"$((KEEP + 1))" | xargs -r rm -f --
}

mkdir -p "$SNAPSHOT_DIR"
part="$SNAPSHOT_DIR/.$name.part"
trap 'rm -f "$part"' EXIT
ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINT" --cacert="$CACERT" --cert="$CERT" --key="$KEY" \
  --command-timeout=300s snapshot save "$part" >/dev/null
if ! snapshot_status "$part" >/dev/null; then
  echo "kubesmith: the snapshot taken on $host fails 'snapshot status'; nothing was kept" >&2
  exit 1
fi
mv -f "$part" "$SNAPSHOT_DIR/$name"
prune "$SNAPSHOT_DIR"

if [ -z "${NFS_SOURCE:-}" ]; then
  echo "$SNAPSHOT_DIR/$name"
  exit 0
fi
mkdir -p "$OFFSITE_DIR"
if ! mountpoint -q "$OFFSITE_DIR"; then
  mount -t nfs4 -o nfsvers=4.1,hard,timeo=600 "$NFS_SOURCE" "$OFFSITE_DIR"
fi
cp "$SNAPSHOT_DIR/$name" "$OFFSITE_DIR/.$name.part"
mv -f "$OFFSITE_DIR/.$name.part" "$OFFSITE_DIR/$name"
if ! snapshot_status "$OFFSITE_DIR/$name" >/dev/null; then
  echo "kubesmith: the copy $OFFSITE_DIR/$name fails 'snapshot status'; check the NFS export $NFS_SOURCE" >&2
  exit 1
fi
prune "$OFFSITE_DIR"
echo "$OFFSITE_DIR/$name"
