# shellcheck shell=bash
# kubeadm (sourced by kube.sh, whose helpers it uses): init writes a real CA, admin.conf,
# kubelet.conf and static pod manifests; "init phase upload-certs" and "token create" need an
# init first; join reads its config file (refusing unfilled {{secret:...}} placeholders). With
# the sandbox's API server, each also does through the control-plane endpoint what kubeadm does
# there (kube-api.sh), and a master's init or join starts its API forwarder (api.sh).

ks_fail() {
  printf 'error execution phase %s\nTo see the stack trace of this error execute with --v=5 or higher\n' "$1" >&2
  return 1
}

ks_new_token() {
  printf '%s.%s' "$(openssl rand -hex 3)" "$(openssl rand -hex 8)"
}

# A token TTL such as 2h0m0s, 30m or 0 (never expires; ten years here) in seconds.
ks_ttl_seconds() {
  local h=0 m=0 s=0
  if [[ $1 =~ ^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s?)?$ ]]; then
    h=${BASH_REMATCH[2]:-0} m=${BASH_REMATCH[4]:-0} s=${BASH_REMATCH[6]:-0}
  fi
  s=$((10#$h * 3600 + 10#$m * 60 + 10#$s))
  [ "$s" -gt 0 ] || s=315360000
  printf '%s' "$s"
}

ks_endpoint() {
  local e
  e="$(ks_private_ip):6443"
  [ -r "$KS_DB/kubeadm/endpoint" ] && read -r e < "$KS_DB/kubeadm/endpoint"
  printf '%s' "$e"
}

ks_node_version() {
  local v=$KS_VERSION
  [ -r "$KS_DB/packages/kubelet" ] && read -r v < "$KS_DB/packages/kubelet"
  printf '%s' "${v#v}"
}

ks_control_plane_files() {
  local c
  mkdir -p /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/kubelet /var/lib/etcd
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    printf '# written by the kubesmith sandbox kubeadm stub\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: kube-system\n' \
      "$c" > "/etc/kubernetes/manifests/$c.yaml"
  done
  ks_kubeconfig "$1" kubernetes-admin > /etc/kubernetes/admin.conf
  chmod 600 /etc/kubernetes/admin.conf
}

# This master's API server: its forwarder to the sandbox's API bridge, started if it is stopped.
ks_serve_api() {
  [ -S "$KS_API_SOCKET" ] || return 0
  ks_api_start || ks_fail "wait-control-plane: the API server of $KS_HOST did not start"
}

ks_kubeadm_init() {
  local endpoint='' cfg='' upload=0 name='' ip='' advertise='' version='' token key=''
  while [ $# -gt 0 ]; do
    case $1 in
      --config) cfg=${2:-}; shift ;;
      --config=*) cfg=${1#*=} ;;
      --control-plane-endpoint) endpoint=${2:-}; shift ;;
      --control-plane-endpoint=*) endpoint=${1#*=} ;;
      --node-name) name=${2:-}; shift ;;
      --apiserver-advertise-address) advertise=${2:-}; shift ;;
      --certificate-key) key=${2:-}; shift ;;
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
  if [ -n "$cfg" ]; then
    if [ ! -r "$cfg" ]; then
      echo "unable to read config from \"$cfg\" : open $cfg: no such file or directory" >&2
      return 1
    fi
    [ -n "$endpoint" ] || endpoint=$(ks_yaml_get "$cfg" controlPlaneEndpoint)
    [ -n "$name" ] || name=$(ks_yaml_get "$cfg" nodeRegistration.name)
    [ -n "$advertise" ] || advertise=$(ks_yaml_get "$cfg" localAPIEndpoint.advertiseAddress)
    ip=$(ks_yaml_node_ip "$cfg")
    version=$(ks_yaml_get "$cfg" kubernetesVersion)
  fi
  advertise=${advertise:-$(ks_private_ip)}
  name=${name:-$KS_HOST}
  ip=${ip:-$advertise}
  endpoint=${endpoint:-$advertise:6443}
  version=${version#v}
  version=${version:-$(ks_node_version)}
  mkdir -p "$KS_DB/kubeadm" /etc/kubernetes/pki
  printf '%s\n' "$endpoint" > "$KS_DB/kubeadm/endpoint"
  if ! openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj /CN=kubernetes \
    -keyout /etc/kubernetes/pki/ca.key -out /etc/kubernetes/pki/ca.crt 2> /dev/null; then
    ks_fail "certs/ca: failure while creating the kubernetes CA"
    return 1
  fi
  chmod 600 /etc/kubernetes/pki/ca.key
  ks_control_plane_files "$endpoint"
  token=$(ks_new_token)
  [ "$upload" = 1 ] && key=${key:-$(openssl rand -hex 32)}
  if ks_api_enabled; then
    ks_serve_api || return 1
    ks_publish_cluster_info "$endpoint" || { ks_fail "upload-config/kubeadm: the API server at https://$endpoint: $KS_API_ERROR"; return 1; }
    ks_publish_token "$endpoint" "$token" 86400 || { ks_fail "bootstrap-token: $KS_API_ERROR"; return 1; }
    if [ -n "$key" ]; then
      ks_publish_certs "$endpoint" "$key" || { ks_fail "upload-certs: $KS_API_ERROR"; return 1; }
    fi
    ks_register_node "$endpoint" "$name" "$ip" "$version" 1 || { ks_fail "mark-control-plane: node $name: $KS_API_ERROR"; return 1; }
  fi
  ks_kubeconfig "$endpoint" "system:node:$name" > /etc/kubernetes/kubelet.conf
  [ -n "$key" ] && printf '[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n%s\n' "$key"
  cat << EOF
Your Kubernetes control-plane has initialized successfully!

You can now join any number of control-plane nodes running the following command on each as root:

  kubeadm join $endpoint --token $token \\
	--discovery-token-ca-cert-hash $(ks_ca_hash /etc/kubernetes/pki/ca.crt) \\
	--control-plane --certificate-key ${key:-<key>}

Then you can join any number of worker nodes by running the following on each as root:

kubeadm join $endpoint --token $token \\
	--discovery-token-ca-cert-hash $(ks_ca_hash /etc/kubernetes/pki/ca.crt)
EOF
  return 0
}

# kubeadm init phase ...: upload-certs for real, the other phases do nothing.
ks_kubeadm_phase() {
  local phase=${1:-} upload=0 key=''
  [ $# -gt 0 ] && shift
  while [ $# -gt 0 ]; do
    case $1 in
      --upload-certs) upload=1 ;;
      --certificate-key) key=${2:-}; shift ;;
      --config) shift ;;
    esac
    [ $# -gt 0 ] && shift
  done
  [ "$phase" = upload-certs ] || return 0
  if [ "$upload" = 0 ]; then
    echo "[upload-certs] Skipping phase. Please see --upload-certs"
    return 0
  fi
  if [ ! -f /etc/kubernetes/admin.conf ] || [ ! -f /etc/kubernetes/pki/ca.key ]; then
    echo "error execution phase upload-certs: failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory (kubeadm init has not run on $KS_HOST)" >&2
    return 1
  fi
  key=${key:-$(openssl rand -hex 32)}
  if ks_api_enabled && ! ks_publish_certs "$(ks_endpoint)" "$key"; then
    ks_fail "upload-certs: error uploading certs: $KS_API_ERROR"
    return 1
  fi
  printf '[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n%s\n' "$key"
}

ks_kubeadm_token() {
  local ttl=24h print=0 token=''
  [ "${1:-}" = create ] || return 0
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --ttl) ttl=${2:-}; shift ;;
      --ttl=*) ttl=${1#*=} ;;
      --print-join-command) print=1 ;;
      --config | --description | --groups | --usages | --kubeconfig) shift ;;
      -*) ;;
      *) token=$1 ;;
    esac
    [ $# -gt 0 ] && shift
  done
  if [ ! -f /etc/kubernetes/admin.conf ]; then
    echo "failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory (kubeadm init has not run on $KS_HOST)" >&2
    return 1
  fi
  if [ -n "$token" ] && [[ ! $token =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]]; then
    echo "token \"$token\" was not of form \"^([a-z0-9]{6})\\.([a-z0-9]{16})\$\"" >&2
    return 1
  fi
  token=${token:-$(ks_new_token)}
  if ks_api_enabled && ! ks_publish_token "$(ks_endpoint)" "$token" "$(ks_ttl_seconds "$ttl")"; then
    echo "failed to create or update bootstrap token with name bootstrap-token-${token%%.*}: $KS_API_ERROR" >&2
    return 1
  fi
  if [ "$print" = 1 ]; then
    echo "kubeadm join $(ks_endpoint) --token $token --discovery-token-ca-cert-hash $(ks_ca_hash /etc/kubernetes/pki/ca.crt) "
  else
    echo "$token"
  fi
}

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
  if [ -f /etc/kubernetes/kubelet.conf ]; then
    echo "[preflight] Some fatal errors occurred:" >&2
    printf '\t[ERROR FileAvailable--etc-kubernetes-kubelet.conf]: /etc/kubernetes/kubelet.conf already exists\n' >&2
    return 1
  fi
}

ks_kubeadm_join() {
  local endpoint='' token='' hash='' key='' control=0 cfg='' name='' ip='' advertise=''
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
    endpoint=$(ks_yaml_get "$cfg" discovery.bootstrapToken.apiServerEndpoint)
    token=$(ks_yaml_get "$cfg" discovery.bootstrapToken.token)
    hash=$(ks_yaml_get "$cfg" discovery.bootstrapToken.caCertHashes)
    [ "$(ks_yaml_get "$cfg" discovery.bootstrapToken.unsafeSkipCAVerification)" = true ] && hash=skip
    name=$(ks_yaml_get "$cfg" nodeRegistration.name)
    ip=$(ks_yaml_node_ip "$cfg")
    if grep -q '^controlPlane:' "$cfg"; then
      control=1
      key=$(ks_yaml_get "$cfg" controlPlane.certificateKey)
      advertise=$(ks_yaml_get "$cfg" controlPlane.localAPIEndpoint.advertiseAddress)
    fi
  fi
  ks_join_valid "$endpoint" "$token" "$hash" "$control" "$key" || return 1
  name=${name:-$KS_HOST}
  ip=${ip:-${advertise:-$(ks_private_ip)}}
  if ks_api_enabled; then
    if [ "$hash" != skip ]; then
      ks_verify_discovery "$endpoint" "$token" "$hash" || return 1
    fi
    if [ "$control" = 1 ]; then
      ks_download_certs "$endpoint" "$key" || return 1
    fi
  fi
  mkdir -p /etc/kubernetes /var/lib/kubelet "$KS_DB/kubeadm"
  if [ "$control" = 1 ]; then
    printf '%s\n' "$endpoint" > "$KS_DB/kubeadm/endpoint"
    ks_control_plane_files "$endpoint"
  fi
  if ks_api_enabled; then
    if [ "$control" = 1 ]; then
      ks_serve_api || return 1
    fi
    if ! ks_register_node "$endpoint" "$name" "$ip" "$(ks_node_version)" "$control"; then
      ks_fail "kubelet-start: the kubelet could not register node $name: $KS_API_ERROR"
      return 1
    fi
  fi
  # last, as the kubelet writes it after its TLS bootstrap: a failed join can be retried
  ks_kubeconfig "$endpoint" "system:node:$name" > /etc/kubernetes/kubelet.conf
  if [ "$control" = 1 ]; then
    echo "This node has joined the cluster and a new control plane instance was created."
  else
    echo "This node has joined the cluster:"
    echo "* Certificate signing request was sent to apiserver and a response was received."
    echo "* The Kubelet was informed of the new secure connection details."
  fi
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
        shift
        ks_kubeadm_phase "$@"
        return
      fi
      ks_kubeadm_init "$@"
      ;;
    join)
      shift
      ks_kubeadm_join "$@"
      ;;
    token)
      shift
      ks_kubeadm_token "$@"
      ;;
    certs)
      if [ "${2:-}" = certificate-key ]; then
        openssl rand -hex 32
      fi
      ;;
    reset)
      rm -rf /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/etcd "$KS_DB/kubeadm"
      rm -f /etc/kubernetes/*.conf
      echo "[reset] Stopping the kubelet service"
      ;;
  esac
}
