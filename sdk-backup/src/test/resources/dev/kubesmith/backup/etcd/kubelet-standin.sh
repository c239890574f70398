#!/bin/bash
# Test stand-in for the kubelet's static pods, etcd only: while /etc/kubernetes/manifests/etcd.yaml
# exists, runs etcd with the command-line flags the manifest lists, its --data-dir mapped through the
# etcd-data volume as the container's mount would be (so the data lives where the hostPath says); restarts it when the manifest changes or etcd exits; stops it when the manifest goes.
set -u
manifest=/etc/kubernetes/manifests/etcd.yaml
log=/var/log/etcd-standin.log
pid=
current=

stop_etcd() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "$(date +%T) stopped etcd $pid" >>"$log"
    pid=
  fi
}

trap 'stop_etcd; exit 0' TERM INT
while true; do
  if [ -f "$manifest" ]; then
    sum=$(sha256sum <"$manifest")
    if [ "$sum" != "$current" ] || [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
      stop_etcd
      mapfile -t args < <(awk '/^    - etcd$/ {f = 1; next} f && /^    - / {sub(/^    - /, ""); print; next} f {exit}' "$manifest")
      # what the container mount does: the container's /var/lib/etcd is the etcd-data volume's hostPath
      host=$(awk '/^  volumes:/ {v = 1} v && /^ *path: / {p = $2} v && /^ *name: etcd-data$/ {print p; exit}' "$manifest")
      mnt=$(awk '/^ *- mountPath: / {m = $3} /^ *name: etcd-data$/ && m != "" {print m; exit}' "$manifest")
      args=("${args[@]/#--data-dir=$mnt/--data-dir=$host}")
      etcd "${args[@]}" >>"$log" 2>&1 &
      pid=$!
      current=$sum
      echo "$(date +%T) started etcd $pid: ${args[*]}" >>"$log"
    fi
  else
    stop_etcd
    current=
  fi
  sleep 0.2
done
