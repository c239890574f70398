# shellcheck shell=bash
# What the kubeadm stub needs besides files: reading kubeadm's configuration files, and talking to
# the cluster's Kubernetes API when the sandbox has one (/run/kubesmith/api-server exists; the
# test's KubernetesMockServer, reached through the control-plane endpoint: VIP -> haproxy -> a
# master's :6443 -> the sandbox's bridge). Objects it keeps there, as kubeadm does:
#   kube-public/configmaps/cluster-info        the CA and endpoint that joining nodes pin (CA hash)
#   kube-system/secrets/bootstrap-token-<id>   each token from init and "token create"
#   kube-system/secrets/kubeadm-certs          the CA, for masters joining with the certificate key
#   nodes/<name>                               each node, Ready, registered by init and join

# ks_config_check init|join|validate FILE: kubeadm's reading of --config FILE, by KubeadmConfigCheck
# (sdk-testkit, dev.kubesmith.testkit.internal.kubeadm) in one JVM: every document decoded as kubeadm
# decodes it, kubeadm's warnings and refusals on stderr (exit 1, or 3 for validation errors), and for
# init and join the settings the stub needs on stdout as KS_CFG_*= assignments, for eval.
ks_config_check() {
  if [ ! -x "$KS_JAVA" ]; then
    echo "kubesmith sandbox: kubeadm $1 on $KS_HOST cannot read $2: no JVM at '$KS_JAVA' inside the host (the sandbox runs the test JVM's java; it must not live under /root, /tmp or /run)" >&2
    return 1
  fi
  env -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS "$KS_JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -cp "$KS_JAVA_CP" dev.kubesmith.testkit.internal.kubeadm.KubeadmConfigCheck "$1" "$2" "$KS_VERSION"
}

ks_b64() {
  printf '%s' "$1" | base64 -w0
}

# sha256:<hex> of a certificate's public key, as kubeadm pins the CA.
ks_ca_hash() {
  openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | sed 's/^.* /sha256:/'
}

ks_api_enabled() {
  [ -f "$KS_STATE/api-server" ]
}

# ks_api_request METHOD ENDPOINT PATH [BODY]: KS_HTTP gets the status, KS_BODY the body; fails
# (KS_API_ERROR says why) when nothing answered, after retrying for up to 30 s as kubeadm waits.
ks_api_request() {
  local err out
  local -a data=()
  [ $# -ge 4 ] && data=(--data-binary "$4")
  err=$(mktemp)
  out=$(/usr/bin/curl -sS -k --connect-timeout 3 --max-time 10 --retry 15 --retry-delay 1 --retry-all-errors \
    --retry-max-time 30 -X "$1" -H 'Accept: application/json' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer ${KS_API_TOKEN:-kubesmith-sandbox}" "${data[@]}" -w '\n%{http_code}' \
    "https://$2$3" 2> "$err")
  KS_HTTP=${out##*$'\n'}
  KS_BODY=${out%$'\n'*}
  KS_API_ERROR=$(tail -n 1 "$err")
  rm -f "$err"
  if [ -z "$KS_HTTP" ] || [ "$KS_HTTP" = 000 ]; then
    KS_API_ERROR="https://$2$3 did not answer: ${KS_API_ERROR:-no response}"
    return 1
  fi
  return 0
}

# ks_api_ok: the last answer was 2xx, else KS_API_ERROR names it.
ks_api_ok() {
  case $KS_HTTP in
    2??) return 0 ;;
  esac
  KS_API_ERROR="the API answered HTTP $KS_HTTP: ${KS_BODY:0:300}"
  return 1
}

# ks_api_apply ENDPOINT COLLECTION NAME BODY: creates the object, or replaces the one there.
ks_api_apply() {
  ks_api_request POST "$1" "$2" "$4" || return 1
  if [ "$KS_HTTP" = 409 ]; then
    ks_api_request PUT "$1" "$2/$3" "$4" || return 1
  fi
  ks_api_ok
}

# ks_api_get ENDPOINT PATH: the object in KS_BODY; fails on anything but 200.
ks_api_get() {
  ks_api_request GET "$1" "$2" || return 1
  ks_api_ok
}

# The value of a string field in the JSON of KS_BODY (one occurrence expected).
ks_json_field() {
  sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' <<< "$KS_BODY" | head -n 1
}

ks_publish_cluster_info() {
  local ca kubeconfig
  ca=$(base64 -w0 < /etc/kubernetes/pki/ca.crt)
  kubeconfig="apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: $ca\n    server: https://$1\n  name: kubernetes\n"
  ks_api_apply "$1" /api/v1/namespaces/kube-public/configmaps cluster-info \
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cluster-info","namespace":"kube-public"},"data":{"kubeconfig":"'"$kubeconfig"'"}}'
}

# ks_publish_token ENDPOINT TOKEN TTL_SECONDS
ks_publish_token() {
  local id=${2%%.*} secret=${2#*.} expires
  expires=$(date -u -d "@$(($(date +%s) + $3))" +%Y-%m-%dT%H:%M:%SZ)
  ks_api_apply "$1" /api/v1/namespaces/kube-system/secrets "bootstrap-token-$id" \
    '{"apiVersion":"v1","kind":"Secret","type":"bootstrap.kubernetes.io/token","metadata":{"name":"bootstrap-token-'"$id"'","namespace":"kube-system"},"data":{"token-id":"'"$(ks_b64 "$id")"'","token-secret":"'"$(ks_b64 "$secret")"'","expiration":"'"$(ks_b64 "$expires")"'","usage-bootstrap-authentication":"'"$(ks_b64 true)"'","usage-bootstrap-signing":"'"$(ks_b64 true)"'","auth-extra-groups":"'"$(ks_b64 system:bootstrappers:kubeadm:default-node-token)"'"}}'
}

# ks_publish_certs ENDPOINT KEY: the CA for joining masters, usable only with the certificate key.
ks_publish_certs() {
  ks_api_apply "$1" /api/v1/namespaces/kube-system/secrets kubeadm-certs \
    '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"kubeadm-certs","namespace":"kube-system"},"data":{"ca.crt":"'"$(base64 -w0 < /etc/kubernetes/pki/ca.crt)"'","ca.key":"'"$(base64 -w0 < /etc/kubernetes/pki/ca.key)"'","certificate-key-sha256":"'"$(ks_b64 "$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)")"'"}}'
}

# ks_register_node ENDPOINT NAME IP VERSION CONTROL_PLANE(0|1): the Node as a Ready kubelet reports it.
ks_register_node() {
  local now labels taints='' os_image='Linux'
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  [ -r /etc/os-release ] && os_image=$(. /etc/os-release && printf '%s' "${PRETTY_NAME:-Linux}")
  labels='"kubernetes.io/hostname":"'"$2"'","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","beta.kubernetes.io/os":"linux","beta.kubernetes.io/arch":"amd64"'
  if [ "$5" = 1 ]; then
    labels+=',"node-role.kubernetes.io/control-plane":"","node.kubernetes.io/exclude-from-external-load-balancers":""'
    taints='"taints":[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]'
  fi
  ks_api_apply "$1" /api/v1/nodes "$2" \
    '{"apiVersion":"v1","kind":"Node","metadata":{"name":"'"$2"'","labels":{'"$labels"'},"annotations":{"kubeadm.alpha.kubernetes.io/cri-socket":"unix:///run/containerd/containerd.sock","node.alpha.kubernetes.io/ttl":"0"}},"spec":{'"$taints"'},"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status","lastHeartbeatTime":"'"$now"'","lastTransitionTime":"'"$now"'"}],"addresses":[{"type":"InternalIP","address":"'"$3"'"},{"type":"Hostname","address":"'"$2"'"}],"nodeInfo":{"kubeletVersion":"v'"$4"'","kubeProxyVersion":"v'"$4"'","containerRuntimeVersion":"containerd://1.7.24","operatingSystem":"linux","architecture":"amd64","osImage":"'"${os_image//\"/}"'","kernelVersion":"'"$(uname -r)"'","machineID":"","systemUUID":"","bootID":""}}}'
}

# ks_verify_discovery ENDPOINT TOKEN CA_HASH: what kubeadm join checks before it trusts the cluster.
ks_verify_discovery() {
  local ca_file hash id=${2%%.*} secret
  if ! ks_api_get "$1" /api/v1/namespaces/kube-public/configmaps/cluster-info; then
    echo "error execution phase preflight: couldn't validate the identity of the API Server: $KS_API_ERROR" >&2
    return 1
  fi
  ca_file=$(mktemp)
  grep -o 'certificate-authority-data: [A-Za-z0-9+/=]*' <<< "$KS_BODY" | head -n 1 | cut -d' ' -f2 | base64 -d > "$ca_file" 2> /dev/null
  hash=$(ks_ca_hash "$ca_file" 2> /dev/null)
  rm -f "$ca_file"
  if [ "$hash" != "$3" ]; then
    echo "error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys \"$hash\" are pinned" >&2
    return 1
  fi
  ks_api_request GET "$1" "/api/v1/namespaces/kube-system/secrets/bootstrap-token-$id" || {
    echo "error execution phase preflight: couldn't validate the identity of the API Server: $KS_API_ERROR" >&2
    return 1
  }
  secret=$(ks_json_field token-secret | base64 -d 2> /dev/null)
  if [ "$KS_HTTP" != 200 ] || [ "$secret" != "${2#*.}" ]; then
    echo "error execution phase preflight: couldn't validate the identity of the API Server: token id \"$id\" is invalid for this cluster or it has expired. Use \"kubeadm token create\" on the control-plane node to create a new valid token" >&2
    return 1
  fi
  return 0
}

# ks_download_certs ENDPOINT KEY: the CA from kubeadm-certs into /etc/kubernetes/pki.
ks_download_certs() {
  local want
  if ! ks_api_get "$1" /api/v1/namespaces/kube-system/secrets/kubeadm-certs; then
    echo "error execution phase control-plane-prepare/download-certs: error downloading certs: $KS_API_ERROR" >&2
    return 1
  fi
  want=$(ks_json_field certificate-key-sha256 | base64 -d 2> /dev/null)
  if [ "$want" != "$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)" ]; then
    echo "error execution phase control-plane-prepare/download-certs: error downloading certs: error decoding certs: cipher: message authentication failed" >&2
    return 1
  fi
  mkdir -p /etc/kubernetes/pki
  ks_json_field ca.crt | base64 -d > /etc/kubernetes/pki/ca.crt
  ks_json_field ca.key | base64 -d > /etc/kubernetes/pki/ca.key
  chmod 600 /etc/kubernetes/pki/ca.key
}

# ks_publish_configmap ENDPOINT NAMESPACE NAME KEY: a ConfigMap as kubeadm uploads it (one data key).
ks_publish_configmap() {
  ks_api_apply "$1" "/api/v1/namespaces/$2/configmaps" "$3" \
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"'"$3"'","namespace":"'"$2"'"},"data":{"'"$4"'":"# written by the kubesmith sandbox kubeadm stub\n"}}'
}

# ks_api_delete ENDPOINT PATH: deletes the object; one already gone is fine.
ks_api_delete() {
  ks_api_request DELETE "$1" "$2" || return 1
  [ "$KS_HTTP" = 404 ] || ks_api_ok
}
