# shellcheck shell=bash
# kubeadm, kubelet, kubectl and containerd. Each behaves as missing ("command not found", 127)
# until its package was installed with the apt-get or dnf stub, then reports that version.
# kubeadm init/join write the files a real run leaves (a real CA in /etc/kubernetes/pki,
# admin.conf, kubelet.conf, static pod manifests). When the sandbox has an API server
# (Sandbox.Builder.apiServer), they also do through it what kubeadm does (kube-api.sh): publish
# cluster-info, tokens and certificates, check a joining node's token and CA hash, register each
# node as a Ready Node; a master's init or join starts its API forwarder (api.sh) if it is stopped.

# the JVM and class path that read kubeadm's --config (ks_config_check; installed by Stubs.java)
KS_JAVA=''
[ -r "$KS_LIB/java/jvm" ] && read -r KS_JAVA < "$KS_LIB/java/jvm"
KS_JAVA_CP="$KS_LIB/java/classes:$KS_LIB/java/lib/snakeyaml-engine.jar"

# shellcheck source=kube-api.sh
source "$KS_LIB/kube-api.sh"
# shellcheck source=api.sh
source "$KS_LIB/api.sh"
# shellcheck source=kubeadm.sh
source "$KS_LIB/kubeadm.sh"
# shellcheck source=kubeadm-join.sh
source "$KS_LIB/kubeadm-join.sh"

ks_require_pkg() {
  local p
  for p in "$@"; do
    if [ -f "$KS_DB/packages/$p" ]; then
      read -r KS_VERSION < "$KS_DB/packages/$p"
      return 0
    fi
  done
  echo "bash: $KS_CMD: command not found" >&2
  return 127
}

ks_private_ip() {
  local ip=127.0.0.1
  [ -r "$KS_STATE/address" ] && read -r ip < "$KS_STATE/address"
  printf '%s' "$ip"
}

# ks_kubeconfig SERVER USER: a kubeconfig for https://SERVER with a bearer token.
ks_kubeconfig() {
  cat << EOT
apiVersion: v1
kind: Config
clusters:
- cluster:
    insecure-skip-tls-verify: true
    server: https://$1
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $2
  name: $2@kubernetes
current-context: $2@kubernetes
users:
- name: $2
  user:
    token: $(openssl rand -hex 16)
EOT
}

stub_kubelet() {
  ks_require_pkg kubelet || return
  case ${1:-} in
    --version | version) echo "Kubernetes v$KS_VERSION" ;;
  esac
  return 0
}

# kubectl get KIND NAME... as the SDK's checks use it, through the kubeconfig's server (one
# attempt, as kubectl makes): "-o name" prints kind/name, "-o jsonpath={.metadata.labels}" the
# labels; an object that is not there fails as kubectl does (NotFound, exit 1), unless
# --ignore-not-found (KS_IGNORE_NOT_FOUND=1), with which it is left out and the exit code stays 0.
ks_kubectl_get() {
  local server=$1 ns=$2 output=$3 kind=$4 path name rc=0 out err
  shift 4
  case $kind in
    cm | configmap | configmaps) kind=configmap path="/api/v1/namespaces/$ns/configmaps" ;;
    no | node | nodes) kind=node path=/api/v1/nodes ;;
    *) echo "error: the kubesmith sandbox kubectl gets configmaps and nodes only, not $kind" >&2; return 1 ;;
  esac
  for name in "$@"; do
    err=$(mktemp)
    out=$(/usr/bin/curl -sS -k --connect-timeout 3 --max-time 10 -H "Authorization: Bearer kubesmith-sandbox" \
      -w '\n%{http_code}' "https://$server$path/$name" 2> "$err")
    KS_HTTP=${out##*$'\n'} KS_BODY=${out%$'\n'*}
    if [ -z "$KS_HTTP" ] || [ "$KS_HTTP" = 000 ]; then
      echo "The connection to the server $server was refused - did you specify the right host or port?" >&2
      rm -f "$err"
      return 1
    fi
    rm -f "$err"
    if [ "$KS_HTTP" = 404 ] && [ "${KS_IGNORE_NOT_FOUND:-0}" = 1 ]; then
      :
    elif [ "$KS_HTTP" = 404 ]; then
      echo "Error from server (NotFound): ${kind}s \"$name\" not found" >&2
      rc=1
    elif [ "$KS_HTTP" != 200 ]; then
      echo "Error from server: HTTP $KS_HTTP" >&2
      rc=1
    elif [ "$output" = 'jsonpath={.metadata.labels}' ]; then
      grep -o '"labels":{[^}]*}' <<< "$KS_BODY" | head -n 1 | cut -d: -f2-
    else
      echo "$kind/$name"
    fi
  done
  return "$rc"
}

stub_kubectl() {
  ks_require_pkg kubectl || return
  local kubeconfig=${KUBECONFIG:-/root/.kube/config} ns=default output='' server=''
  local -a args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --kubeconfig) kubeconfig=${2:-}; shift ;;
      --kubeconfig=*) kubeconfig=${1#*=} ;;
      -n | --namespace) ns=${2:-}; shift ;;
      --namespace=*) ns=${1#*=} ;;
      -o | --output) output=${2:-}; shift ;;
      -o=* | --output=*) output=${1#*=} ;;
      -o*) output=${1#-o} ;;
      -s | --server) server=${2#https://}; shift ;;
      --server=*) server=${1#*=} server=${server#https://} ;;
      --request-timeout) shift ;;
      --request-timeout=*) ;;
      --ignore-not-found | --ignore-not-found=true) KS_IGNORE_NOT_FOUND=1 ;;
      *) args+=("$1") ;;
    esac
    [ $# -gt 0 ] && shift
  done
  case ${args[0]:-} in
    version) echo "Client Version: v$KS_VERSION" ;;
    get)
      [ -f "$kubeconfig" ] || server=''
      [ -n "$server" ] || server=$(sed -n 's|^ *server: https://||p' "$kubeconfig" 2> /dev/null | head -n 1)
      if [ -z "$server" ]; then
        echo "The connection to the server localhost:8080 was refused - did you specify the right host or port?" >&2
        return 1
      fi
      ks_kubectl_get "$server" "$ns" "$output" "${args[@]:1}"
      ;;
  esac
}

stub_containerd() {
  ks_require_pkg containerd containerd.io || return
  case "${1:-} ${2:-}" in
    "config default")
      cat << 'EOF'
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.10"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
EOF
      ;;
    "--version "* | "-v "*) echo "containerd containerd.io $KS_VERSION (kubesmith sandbox)" ;;
  esac
  return 0
}
