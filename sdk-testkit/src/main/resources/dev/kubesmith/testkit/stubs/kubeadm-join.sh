# shellcheck shell=bash
# kubeadm join and reset (sourced by kube.sh after kubeadm.sh, whose helpers they use). join runs
# the phases of cmd/kubeadm/app/cmd/join.go in its order: preflight, control-plane-prepare (masters:
# download-certs, certs, kubeconfig, control-plane), kubelet-start (pki/ca.crt, bootstrap-kubelet.conf,
# the kubelet's config; the TLS bootstrap writes kubelet.conf and the kubelet registers the Node),
# control-plane-join (masters: etcd, update-status, mark-control-plane). reset removes what init and
# join wrote, as `kubeadm reset -f` does. Besides kubeadm's phases, faults may name the points
# kubelet-start/tls-bootstrap (bootstrap-kubelet.conf written, no kubelet.conf), kubelet-start/register
# (kubelet.conf written, the Node not registered) and control-plane-join/mark-control-plane.

# Fails, saying which, when a join argument or the config file still holds a {{secret:...}} placeholder.
ks_join_filled() {
  local a
  if [ -n "$1" ]; then
    a=$(grep -o '{{secret:[a-z0-9-]*}}' "$1" | sort -u | tr '\n' ' ')
    if [ -n "$a" ]; then
      echo "kubesmith sandbox: kubeadm join: $1 still holds the secret placeholder(s) ${a% }: the SDK did not fill in the secrets before the join" >&2
      return 1
    fi
  fi
  shift
  for a in "$@"; do
    if [[ $a == *'{{secret:'* ]]; then
      echo "kubesmith sandbox: kubeadm join: the argument $a is still a secret placeholder: the SDK did not fill in the secrets before the join" >&2
      return 1
    fi
  done
}

# Fails with kubeadm's messages when the discovery settings are missing or malformed.
ks_join_valid() {
  local endpoint=$1 token=$2 hash=$3 control=$4 key=$5
  if [ -z "$endpoint" ]; then
    echo "discovery.bootstrapToken.apiServerEndpoint: Invalid value: \"\": the API server endpoint is required" >&2
    return 1
  fi
  if [ -z "$token" ] || [ -z "$hash" ]; then
    echo "discovery: Invalid value: \"\": using token-based discovery without caCertHashes can be unsafe" >&2
    return 1
  fi
  if [[ ! $token =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]]; then
    echo "discovery.bootstrapToken.token: Invalid value: \"$token\": the bootstrap token is invalid" >&2
    return 1
  fi
  if [ "$hash" != skip ] && [[ ! $hash =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "discovery.bootstrapToken.caCertHashes: Invalid value: \"$hash\": invalid hash, expected \"sha256:\" and 64 hex digits" >&2
    return 1
  fi
  if [ "$control" = 1 ] && [[ ! $key =~ ^[0-9a-f]{64}$ ]]; then
    echo "controlPlane.certificateKey: Invalid value: \"$key\": expected the 64 hex digits that kubeadm init phase upload-certs --upload-certs prints" >&2
    return 1
  fi
}

# JoinNodeChecks (kubeadm 1.34: no check of /etc/kubernetes/manifests any more): a kubelet already
# configured, for a worker a cluster CA already there, and the common checks; a master then runs
# the control plane's checks as a secondary control plane.
ks_preflight_join() {
  ks_pf_file_available /etc/kubernetes/kubelet.conf
  ks_pf_file_available /etc/kubernetes/bootstrap-kubelet.conf
  ks_pf_common
  [ "$1" = 1 ] || ks_pf_file_available /etc/kubernetes/pki/ca.crt
  ks_pf_result || return 1
  if [ "$1" = 1 ]; then
    ks_preflight_control_plane 1
  fi
}

# control-plane-prepare: a joining master's certificates, kubeconfigs and static pods.
ks_join_control_plane_prepare() {
  local endpoint=$1 key=$2 f
  ks_phase join control-plane-prepare || return 1
  if ks_api_enabled; then
    ks_download_certs "$endpoint" "$key" || return 1
  fi
  ks_phase_certs || return 1
  mkdir -p "$KS_DB/kubeadm"
  printf '%s\n' "$endpoint" > "$KS_DB/kubeadm/endpoint"
  for f in admin:kubernetes-admin controller-manager:system:kube-controller-manager scheduler:system:kube-scheduler; do
    ks_kubeconfig_file "/etc/kubernetes/${f%%:*}.conf" "$endpoint" "${f#*:}" || return 1
  done
  ks_static_pod kube-apiserver
  ks_static_pod kube-controller-manager
  ks_static_pod kube-scheduler
}

# kubelet-start: the CA and bootstrap kubeconfig from discovery; the TLS bootstrap then writes
# kubelet.conf (removing bootstrap-kubelet.conf) and the kubelet registers the Node.
ks_join_kubelet_start() {
  local endpoint=$1 name=$2 ip=$3 control=$4
  ks_phase join kubelet-start || return 1
  mkdir -p /etc/kubernetes/pki /var/lib/kubelet
  [ -f /etc/kubernetes/pki/ca.crt ] || ks_stand_in /etc/kubernetes/pki/ca.crt
  ks_kubeconfig "$endpoint" "system:bootstrap" > /etc/kubernetes/bootstrap-kubelet.conf
  ks_phase_kubelet_start
  ks_phase join kubelet-start/tls-bootstrap || return 1
  ks_kubeconfig "$endpoint" "system:node:$name" > /etc/kubernetes/kubelet.conf
  chmod 600 /etc/kubernetes/kubelet.conf
  rm -f /etc/kubernetes/bootstrap-kubelet.conf
  # what an SSH drop or a killed kubeadm leaves between the TLS bootstrap and the Node's registration
  ks_phase join kubelet-start/register || return 1
  if ks_api_enabled && ! ks_register_node "$endpoint" "$name" "$ip" "$(ks_node_version)" 0; then
    ks_fail "kubelet-start: the kubelet could not register node $name: $KS_API_ERROR"
    return 1
  fi
}

# control-plane-join: the new etcd member and API server, then the control-plane label and taint.
ks_join_control_plane_join() {
  local endpoint=$1 name=$2 ip=$3
  ks_phase join control-plane-join || return 1
  mkdir -p /var/lib/etcd/member
  chmod 700 /var/lib/etcd
  ks_static_pod etcd
  if ks_api_enabled; then
    ks_serve_api || return 1
  fi
  ks_phase join control-plane-join/mark-control-plane || return 1
  if ks_api_enabled && ! ks_register_node "$endpoint" "$name" "$ip" "$(ks_node_version)" 1; then
    ks_fail "control-plane-join/mark-control-plane: node $name: $KS_API_ERROR"
    return 1
  fi
}

ks_kubeadm_join() {
  local endpoint='' token='' hash='' key='' control=0 cfg='' name='' ip='' advertise='' settings
  while [ $# -gt 0 ]; do
    case $1 in
      --config) cfg=${2:-}; shift ;;
      --config=*) cfg=${1#*=} ;;
      --token) token=${2:-}; shift ;;
      --discovery-token-ca-cert-hash) hash=${2:-}; shift ;;
      --discovery-token-unsafe-skip-ca-verification) hash=skip ;;
      --certificate-key) key=${2:-}; shift ;;
      --node-name) name=${2:-}; shift ;;
      --apiserver-advertise-address) advertise=${2:-}; shift ;;
      --cri-socket) shift ;;
      --control-plane) control=1 ;;
      -*) ;;
      *) endpoint=$1 ;;
    esac
    [ $# -gt 0 ] && shift
  done
  if [ -n "$cfg" ] && [ ! -r "$cfg" ]; then
    echo "unable to read config from \"$cfg\" : open $cfg: no such file or directory" >&2
    return 1
  fi
  ks_join_filled "$cfg" "$token" "$hash" "$key" || return 1
  if [ -n "$cfg" ]; then
    # kubeadm loads and validates the configuration before any phase: refused, nothing is written
    settings=$(ks_config_check join "$cfg") || return
    eval "$settings"
    endpoint=$KS_CFG_ENDPOINT token=$KS_CFG_TOKEN hash=$KS_CFG_HASH name=$KS_CFG_NAME ip=$KS_CFG_NODE_IP
    control=$KS_CFG_CONTROL key=$KS_CFG_KEY advertise=$KS_CFG_ADVERTISE
  fi
  ks_join_valid "$endpoint" "$token" "$hash" "$control" "$key" || return 1
  name=${name:-$KS_HOST}
  ip=${ip:-${advertise:-$(ks_private_ip)}}
  ks_phase join preflight && ks_preflight_join "$control" || return 1
  if ks_api_enabled && [ "$hash" != skip ]; then
    ks_verify_discovery "$endpoint" "$token" "$hash" || return 1
  fi
  if [ "$control" = 1 ]; then
    ks_join_control_plane_prepare "$endpoint" "$key" || return 1
  fi
  ks_join_kubelet_start "$endpoint" "$name" "$ip" "$control" || return 1
  if [ "$control" = 1 ]; then
    ks_join_control_plane_join "$endpoint" "$name" "$ip" || return 1
    echo "This node has joined the cluster and a new control plane instance was created."
  else
    echo "This node has joined the cluster:"
    echo "* Certificate signing request was sent to apiserver and a response was received."
    echo "* The Kubelet was informed of the new secure connection details."
  fi
  return 0
}

# kubeadm reset -f: stops the control plane this host runs and removes what init or join wrote
# (not the CNI configuration, iptables rules or $HOME/.kube/config, which real reset leaves either).
# On the host that ran init, its etcd was the cluster's: the objects kubeadm made in the API go too.
ks_kubeadm_reset() {
  local force=0 endpoint a
  for a in "$@"; do
    case $a in
      -f | --force) force=1 ;;
    esac
  done
  if [ "$force" = 0 ]; then
    echo "[reset] Are you sure you want to proceed? [y/N]: " >&2
    read -r a || a=''
    [ "$a" = y ] || { echo "aborted reset operation" >&2; return 1; }
  fi
  # this host's etcd held the cluster's objects only if it ran init (super-admin.conf): they go with
  # /var/lib/etcd, so they go from the sandbox's API too, while this host still serves it
  if ks_api_enabled && ks_api_running && [ -f "$KS_DB/kubeadm/endpoint" ] && [ -f /etc/kubernetes/super-admin.conf ]; then
    read -r endpoint < "$KS_DB/kubeadm/endpoint"
    for a in kube-system/configmaps/kubeadm-config kube-system/configmaps/kubelet-config kube-public/configmaps/cluster-info \
      kube-system/configmaps/coredns kube-system/configmaps/kube-proxy kube-system/secrets/kubeadm-certs; do
      ks_api_delete "$endpoint" "/api/v1/namespaces/${a%%/*}/${a#*/}" > /dev/null 2>&1 || true
    done
  fi
  echo "[reset] Stopping the kubelet service"
  rm -f "$KS_DB/units/kubelet.active"
  if ks_api_enabled; then
    ks_api_stop > /dev/null 2>&1 || true
  fi
  echo "[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]"
  rm -rf /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/etcd /var/lib/kubelet/pki "$KS_DB/kubeadm"
  rm -f /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env
  rm -f /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf \
    /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf
  echo "The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d"
  return 0
}
