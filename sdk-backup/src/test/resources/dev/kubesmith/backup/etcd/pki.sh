#!/bin/bash
# Test fixture: an etcd CA and kubeadm's etcd certificates (server, peer, healthcheck client) for one master.
set -euo pipefail
name=$1 ip=$2
d=/etc/kubernetes/pki/etcd
mkdir -p "$d"
cd "$d"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
# one CA for every member: a master that already has it (copied from the first) keeps it
if [ ! -f ca.key ]; then
  key ca.key
  openssl req -x509 -new -key ca.key -out ca.crt -days 2 -subj /CN=etcd-ca 2>/dev/null
fi
for n in server peer healthcheck-client; do
  key "$n.key"
  openssl req -new -key "$n.key" -out "$n.csr" -subj "/CN=$name" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1,IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$name" "$ip" >"$n.ext"
  openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$n.crt" -days 2 -extfile "$n.ext" 2>/dev/null
done
chmod 0600 ./*.key
