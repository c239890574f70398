# shellcheck shell=bash
# kubeadm, kubelet, kubectl and containerd. Each behaves as missing ("command not found", 127)
# until its package was installed with the apt-get or dnf stub, then reports that version.
# kubeadm init/join write the files a real run leaves (admin.conf, kubelet.conf, static pod
# manifests) and print the join commands; there is no API server behind them.

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

ks_hex() {
  local out='' chunk
  while [ "${#out}" -lt "$1" ]; do
    printf -v chunk '%04x' "$RANDOM"
    out+=$chunk
  done
  printf '%s' "${out:0:$1}"
}

ks_private_ip() {
  local ip=127.0.0.1
  [ -r "$KS_STATE/address" ] && read -r ip < "$KS_STATE/address"
  printf '%s' "$ip"
}

ks_kubeconfig() {
  cat << EOF
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
    token: kubesmith-sandbox
EOF
}

# Token, CA hash and certificate key of this control plane, made once and kept.
ks_kubeadm_secrets() {
  mkdir -p "$KS_DB/kubeadm"
  if [ ! -f "$KS_DB/kubeadm/token" ]; then
    printf '%s.%s\n' "$(ks_hex 6)" "$(ks_hex 16)" > "$KS_DB/kubeadm/token"
    printf '%s\n' "$(ks_hex 64)" > "$KS_DB/kubeadm/ca-hash"
    printf '%s\n' "$(ks_hex 64)" > "$KS_DB/kubeadm/certificate-key"
  fi
  read -r KS_TOKEN < "$KS_DB/kubeadm/token"
  read -r KS_CA_HASH < "$KS_DB/kubeadm/ca-hash"
  read -r KS_CERT_KEY < "$KS_DB/kubeadm/certificate-key"
  KS_ENDPOINT="$(ks_private_ip):6443"
  [ -r "$KS_DB/kubeadm/endpoint" ] && read -r KS_ENDPOINT < "$KS_DB/kubeadm/endpoint"
  return 0
}

ks_control_plane_files() {
  local c
  mkdir -p /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/kubelet
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    printf '# written by the kubesmith sandbox kubeadm stub\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n' \
      "$c" > "/etc/kubernetes/manifests/$c.yaml"
  done
  ks_kubeconfig "$1" kubernetes-admin > /etc/kubernetes/admin.conf
  chmod 600 /etc/kubernetes/admin.conf
}

ks_kubeadm_init() {
  local endpoint='' cfg='' upload=0
  while [ $# -gt 0 ]; do
    case $1 in
      --config) cfg=${2:-}; shift ;;
      --config=*) cfg=${1#*=} ;;
      --control-plane-endpoint) endpoint=${2:-}; shift ;;
      --control-plane-endpoint=*) endpoint=${1#*=} ;;
      --upload-certs) upload=1 ;;
    esac
    [ $# -gt 0 ] && shift
  done
  if [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ]; then
    echo "[preflight] Some fatal errors occurred:" >&2
    printf '\t[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]: %s already exists\n' \
      /etc/kubernetes/manifests/kube-apiserver.yaml >&2
    return 1
  fi
  if [ -z "$endpoint" ] && [ -n "$cfg" ] && [ -r "$cfg" ]; then
    endpoint=$(sed -n 's/^[[:space:]]*controlPlaneEndpoint:[[:space:]]*"\{0,1\}\([^"[:space:]]*\)"\{0,1\}[[:space:]]*$/\1/p' "$cfg" | head -n 1)
  fi
  mkdir -p "$KS_DB/kubeadm"
  [ -n "$endpoint" ] && printf '%s\n' "$endpoint" > "$KS_DB/kubeadm/endpoint"
  ks_kubeadm_secrets
  ks_control_plane_files "$KS_ENDPOINT"
  ks_kubeconfig "$KS_ENDPOINT" "system:node:$KS_HOST" > /etc/kubernetes/kubelet.conf
  [ "$upload" = 1 ] && printf '[upload-certs] Using certificate key:\n%s\n' "$KS_CERT_KEY"
  cat << EOF
Your Kubernetes control-plane has initialized successfully!

You can now join any number of control-plane nodes running the following command on each as root:

  kubeadm join $KS_ENDPOINT --token $KS_TOKEN \\
	--discovery-token-ca-cert-hash sha256:$KS_CA_HASH \\
	--control-plane --certificate-key $KS_CERT_KEY

Then you can join any number of worker nodes by running the following on each as root:

kubeadm join $KS_ENDPOINT --token $KS_TOKEN \\
	--discovery-token-ca-cert-hash sha256:$KS_CA_HASH
EOF
  return 0
}

ks_kubeadm_join() {
  local endpoint='' token='' hash='' control=0
  while [ $# -gt 0 ]; do
    case $1 in
      --token) token=${2:-}; shift ;;
      --discovery-token-ca-cert-hash) hash=${2:-}; shift ;;
      --certificate-key | --config | --node-name | --apiserver-advertise-address | --cri-socket) shift ;;
      --control-plane) control=1 ;;
      --config=* | --token=* | --discovery-token-ca-cert-hash=*) token=x hash=x ;;
      -*) ;;
      *) endpoint=$1 ;;
    esac
    [ $# -gt 0 ] && shift
  done
  if [ -z "$token" ] || [ -z "$hash" ]; then
    echo "discovery: Invalid value: \"\": using token-based discovery without caCertHashes can be unsafe" >&2
    return 1
  fi
  if [ -f /etc/kubernetes/kubelet.conf ]; then
    echo "[preflight] Some fatal errors occurred:" >&2
    printf '\t[ERROR FileAvailable--etc-kubernetes-kubelet.conf]: /etc/kubernetes/kubelet.conf already exists\n' >&2
    return 1
  fi
  mkdir -p /etc/kubernetes /var/lib/kubelet
  [ "$control" = 1 ] && ks_control_plane_files "$endpoint"
  ks_kubeconfig "$endpoint" "system:node:$KS_HOST" > /etc/kubernetes/kubelet.conf
  echo "This node has joined the cluster"
  return 0
}

stub_kubeadm() {
  ks_require_pkg kubeadm || return
  case ${1:-} in
    version)
      if [[ " $* " == *" -o short "* || " $* " == *" --output=short "* || " $* " == *" -oshort "* ]]; then
        echo "v$KS_VERSION"
      else
        echo "kubeadm version: &version.Info{Major:\"1\", GitVersion:\"v$KS_VERSION\", Platform:\"linux/amd64\"}"
      fi
      ;;
    init)
      shift
      if [ "${1:-}" = phase ]; then
        ks_kubeadm_secrets
        [[ " $* " == *" upload-certs "* ]] && printf '[upload-certs] Using certificate key:\n%s\n' "$KS_CERT_KEY"
        return 0
      fi
      ks_kubeadm_init "$@"
      ;;
    join)
      shift
      ks_kubeadm_join "$@"
      ;;
    token)
      if [ "${2:-}" = create ]; then
        ks_kubeadm_secrets
        if [[ " $* " == *" --print-join-command "* ]]; then
          echo "kubeadm join $KS_ENDPOINT --token $KS_TOKEN --discovery-token-ca-cert-hash sha256:$KS_CA_HASH "
        else
          echo "$KS_TOKEN"
        fi
      fi
      ;;
    certs)
      [ "${2:-}" = certificate-key ] && ks_hex 64 && echo
      ;;
    reset)
      rm -rf /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/etcd "$KS_DB/kubeadm"
      rm -f /etc/kubernetes/*.conf
      echo "[reset] Stopping the kubelet service"
      ;;
  esac
  return 0
}

stub_kubelet() {
  ks_require_pkg kubelet || return
  case ${1:-} in
    --version | version) echo "Kubernetes v$KS_VERSION" ;;
  esac
  return 0
}

stub_kubectl() {
  ks_require_pkg kubectl || return
  if [ "${1:-}" = version ]; then
    echo "Client Version: v$KS_VERSION"
  fi
  return 0
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
