# shellcheck shell=bash
# kubeadm, kubelet, kubectl and containerd. Each behaves as missing ("command not found", 127)
# until its package was installed with the apt-get or dnf stub, then reports that version.
# kubeadm init/join write the files a real run leaves (a real CA in /etc/kubernetes/pki,
# admin.conf, kubelet.conf, static pod manifests). When the sandbox has an API server
# (Sandbox.Builder.apiServer), they also do through it what kubeadm does (kube-api.sh): publish
# cluster-info, tokens and certificates, check a joining node's token and CA hash, register each
# node as a Ready Node; a master's init or join starts its API forwarder (api.sh) if it is stopped.

# shellcheck source=kube-api.sh
source "$KS_LIB/kube-api.sh"
# shellcheck source=api.sh
source "$KS_LIB/api.sh"
# shellcheck source=kubeadm.sh
source "$KS_LIB/kubeadm.sh"

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
