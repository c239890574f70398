# shellcheck shell=bash
# kubeadm (sourced by kube.sh, whose helpers it uses): init runs kubeadm's phases in kubeadm's
# order, writing each file in the phase real kubeadm writes it (a real CA, admin.conf, kubelet.conf,
# static pod manifests); "init phase upload-certs" and "token create" need an init first; join
# and reset are in kubeadm-join.sh. With the sandbox's API server, each also does through the
# control-plane endpoint what kubeadm does there (kube-api.sh), and a master's init or join starts
# its API forwarder (api.sh). A fault can make init or join fail at a chosen phase (ks_phase).

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

# Fault injection: $KS_STATE/faults/kubeadm-phase holding "<init|join> <phase>" makes the next such
# command fail as that phase starts (one shot), having done every phase before it, so it leaves on
# the host and in the API what real kubeadm leaves when it fails there. $KS_STATE/faults/kubeadm-block
# holding "<init|join> <phase>" makes it stop there instead (one shot), silent, until the file
# kubeadm-block.release appears; kubeadm-block.blocked holds its pid meanwhile. That is kubeadm caught
# in the middle (a test can kill its operator then); once released it goes on with the phase's first
# line, as kubeadm prints one as each phase starts.
ks_phase() {
  local f="$KS_STATE/faults/kubeadm-phase" cmd='' phase=''
  KS_PHASE=$2
  if [ -f "$f" ]; then
    read -r cmd phase < "$f" || true
    if [ "$cmd" = "$1" ] && [ "$phase" = "$2" ]; then
      rm -f "$f"
      ks_fail "$2: injected failure (kubesmith sandbox fault)"
      return 1
    fi
  fi
  f="$KS_STATE/faults/kubeadm-block"
  if [ -f "$f" ]; then
    read -r cmd phase < "$f" || true
    if [ "$cmd" = "$1" ] && [ "$phase" = "$2" ]; then
      rm -f "$f"
      echo "$$" > "$f.blocked"
      while [ ! -e "$f.release" ]; do sleep 0.05; done
      rm -f "$f.release" "$f.blocked"
    fi
  fi
  ks_phase_banner "$1" "$2"
  return 0
}

# The line kubeadm v1.34 prints as a phase starts (from its output); with stdout gone (the SSH
# session of a killed operator), kubeadm dies of SIGPIPE on it: a Go program that does not
# signal.Notify SIGPIPE exits with SIGPIPE on a write to a broken pipe on fd 1 or 2 (os/signal).
ks_phase_banner() {
  case "$1 $2" in
    "init preflight" | "join preflight") echo "[preflight] Running pre-flight checks" ;;
    "init etcd") echo '[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"' ;;
    "init control-plane") echo '[control-plane] Using manifest folder "/etc/kubernetes/manifests"' ;;
    "init wait-control-plane")
      echo '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"'
      echo '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s'
      ;;
    "init upload-config") echo '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace' ;;
    "init bootstrap-token") echo '[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles' ;;
    "init kubelet-finalize") echo '[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key' ;;
  esac
}

ks_stand_in() {
  mkdir -p "${1%/*}"
  printf '# written by the kubesmith sandbox kubeadm stub (%s)\n' "$KS_PHASE" > "$1"
}

ks_static_pod() {
  mkdir -p /etc/kubernetes/manifests
  printf '# written by the kubesmith sandbox kubeadm stub\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: kube-system\n' \
    "$1" > "/etc/kubernetes/manifests/$1.yaml"
}

# ks_kubeconfig_file FILE SERVER USER: kubeadm reuses a kubeconfig already there only if it points at the same server.
ks_kubeconfig_file() {
  if [ -f "$1" ]; then
    if ! grep -q "server: https://$2\$" "$1"; then
      ks_fail "kubeconfig: a kubeconfig file \"$1\" exists already but has an unexpected API Server URL: expected: https://$2"
      return 1
    fi
    echo "[kubeconfig] Using existing kubeconfig file: \"$1\""
    return 0
  fi
  ks_kubeconfig "$2" "$3" > "$1"
  chmod 600 "$1"
  echo "[kubeconfig] Writing \"${1##*/}\" kubeconfig file"
}

# Preflight as cmd/kubeadm/app/preflight/checks.go runs it (RunChecks): every check runs, warnings
# go out at once, errors are gathered and printed together, then the phase fails with "preflight
# checks failed". Names and texts are kubeadm's (Port-N, FileAvailable-<path with - for />, ...).
KS_PF_ERRORS=''
ks_pf_error() {
  KS_PF_ERRORS+=$(printf '\t[ERROR %s]: %s' "$1" "$2")$'\n'
}
ks_pf_file_available() {
  if [ -e "$1" ]; then ks_pf_error "FileAvailable-${1//\//-}" "$1 already exists"; fi
}
ks_pf_dir_available() {
  if [ -n "$(ls -A "$1" 2> /dev/null)" ]; then ks_pf_error "DirAvailable-${1//\//-}" "$1 is not empty"; fi
}
# PortOpenCheck listens on ":PORT": anything listening on the port, on any address, fails it. One
# exception, the sandbox's own: on a master the sandbox starts the API forwarder when the host
# boots (tests without kubeadm use the API); until this host has an API server of its own (its
# static pod manifest) that forwarder stands for nothing kubeadm would see, so it is stopped here
# and started again by the phase that starts the API server. Any other listener fails the check.
ks_pf_port() {
  local listeners
  if [ "$1" = 6443 ] && [ ! -f /etc/kubernetes/manifests/kube-apiserver.yaml ] && ks_api_enabled && ks_api_running; then
    ks_api_stop > /dev/null 2>&1 || true
  fi
  listeners=$(ss -Hltn "sport = :$1" 2> /dev/null)
  if [ -n "$listeners" ]; then ks_pf_error "Port-$1" "Port $1 is in use"; fi
}
# the common checks of init and join (addCommonChecks, addIPv4Checks) that a host here can fail
ks_pf_common() {
  local v='' lines
  lines=$(wc -l < /proc/swaps 2> /dev/null || echo 0)
  if [ "$lines" -gt 1 ]; then
    printf '\t[WARNING Swap]: swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or disable swap on the node\n' >&2
  fi
  ks_pf_port 10250
  read -r v < /proc/sys/net/ipv4/ip_forward || v=''
  if [ "$v" != 1 ]; then
    ks_pf_error FileContent--proc-sys-net-ipv4-ip_forward "/proc/sys/net/ipv4/ip_forward contents are not set to 1"
  fi
}
ks_pf_result() {
  if [ -n "$KS_PF_ERRORS" ]; then
    # shellcheck disable=SC2016 # kubeadm's own backquotes, printed as they are
    printf '[preflight] Some fatal errors occurred:\n%s[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n' \
      "$KS_PF_ERRORS" >&2
    KS_PF_ERRORS=''
    ks_fail "preflight: preflight checks failed"
    return 1
  fi
}

# InitNodeChecks: init runs them with the common checks; a joining master (secondary control
# plane) without them, after the join checks.
ks_preflight_control_plane() {
  local f secondary=${1:-0}
  ks_pf_port 6443
  ks_pf_port 10259
  ks_pf_port 10257
  for f in kube-apiserver kube-controller-manager kube-scheduler etcd; do
    ks_pf_file_available "/etc/kubernetes/manifests/$f.yaml"
  done
  [ "$secondary" = 1 ] || ks_pf_common
  ks_pf_port 2379
  ks_pf_port 2380
  ks_pf_dir_available /var/lib/etcd
  ks_pf_result
}

# certs: a CA kubeadm finds there is reused, as real kubeadm does.
ks_phase_certs() {
  local f
  mkdir -p /etc/kubernetes/pki/etcd
  if [ -f /etc/kubernetes/pki/ca.crt ] && [ -f /etc/kubernetes/pki/ca.key ]; then
    echo "[certs] Using existing ca certificate authority"
  elif ! openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj /CN=kubernetes \
    -keyout /etc/kubernetes/pki/ca.key -out /etc/kubernetes/pki/ca.crt 2> /dev/null; then
    ks_fail "certs/ca: failure while creating the kubernetes CA"
    return 1
  fi
  chmod 600 /etc/kubernetes/pki/ca.key
  for f in apiserver.crt apiserver.key apiserver-kubelet-client.crt front-proxy-ca.crt front-proxy-ca.key sa.key sa.pub \
    etcd/ca.crt etcd/ca.key etcd/server.crt etcd/peer.crt; do
    [ -f "/etc/kubernetes/pki/$f" ] || ks_stand_in "/etc/kubernetes/pki/$f"
  done
}

ks_phase_kubelet_start() {
  mkdir -p /var/lib/kubelet
  ks_stand_in /var/lib/kubelet/config.yaml
  ks_stand_in /var/lib/kubelet/kubeadm-flags.env
  # kubeadm restarts the kubelet unit (systemctl's stand-in keeps units in $KS_DB/units)
  mkdir -p "$KS_DB/units"
  : > "$KS_DB/units/kubelet.active"
  echo "[kubelet-start] Starting the kubelet"
}

# kubelet-finalize: kubelet.conf now points at the rotated client certificate.
ks_phase_kubelet_finalize() {
  mkdir -p /var/lib/kubelet/pki
  ks_stand_in /var/lib/kubelet/pki/kubelet-client-current.pem
  printf '# client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n' >> /etc/kubernetes/kubelet.conf
}

# This master's API server: its forwarder to the sandbox's API bridge, started if it is stopped.
ks_serve_api() {
  [ -S "$KS_API_SOCKET" ] || return 0
  ks_api_start || ks_fail "wait-control-plane: the API server of $KS_HOST did not start"
}

# The phases after wait-control-plane, which work through the API.
ks_init_api_phases() {
  local endpoint=$1 name=$2 ip=$3 version=$4 token=$5 key=$6
  ks_phase init upload-config || return 1
  if ks_api_enabled && ! { ks_publish_configmap "$endpoint" kube-system kubeadm-config ClusterConfiguration \
    && ks_publish_configmap "$endpoint" kube-system kubelet-config kubelet; }; then
    ks_fail "upload-config/kubeadm: the API server at https://$endpoint: $KS_API_ERROR"
    return 1
  fi
  ks_phase init upload-certs || return 1
  if [ -n "$key" ] && ks_api_enabled && ! ks_publish_certs "$endpoint" "$key"; then
    ks_fail "upload-certs: $KS_API_ERROR"
    return 1
  fi
  ks_phase init mark-control-plane || return 1
  echo "[mark-control-plane] Marking the node $name as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]"
  if ks_api_enabled && ! ks_register_node "$endpoint" "$name" "$ip" "$version" 1; then
    ks_fail "mark-control-plane: node $name: $KS_API_ERROR"
    return 1
  fi
  ks_phase init bootstrap-token || return 1
  if ks_api_enabled && ! { ks_publish_token "$endpoint" "$token" 86400 && ks_publish_cluster_info "$endpoint"; }; then
    ks_fail "bootstrap-token: $KS_API_ERROR"
    return 1
  fi
  ks_phase init kubelet-finalize && ks_phase_kubelet_finalize || return 1
  ks_phase init addons || return 1
  if ks_api_enabled && ! ks_publish_configmap "$endpoint" kube-system coredns Corefile; then
    ks_fail "addons: $KS_API_ERROR"
    return 1
  fi
  echo "[addons] Applied essential addon: CoreDNS"
  if ks_api_enabled && ! ks_publish_configmap "$endpoint" kube-system kube-proxy config.conf; then
    ks_fail "addons: $KS_API_ERROR"
    return 1
  fi
  echo "[addons] Applied essential addon: kube-proxy"
}

ks_kubeadm_init() {
  local endpoint='' cfg='' upload=0 name='' ip='' advertise='' version='' token key='' f settings hash
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
  if [ -n "$cfg" ]; then
    if [ ! -r "$cfg" ]; then
      echo "unable to read config from \"$cfg\" : open $cfg: no such file or directory" >&2
      return 1
    fi
    # refused here, before any phase, nothing is written (kubeadm loads the configuration first)
    settings=$(ks_config_check init "$cfg") || return
    eval "$settings"
    [ -n "$endpoint" ] || endpoint=$KS_CFG_ENDPOINT
    [ -n "$name" ] || name=$KS_CFG_NAME
    [ -n "$advertise" ] || advertise=$KS_CFG_ADVERTISE
    ip=$KS_CFG_NODE_IP
    version=$KS_CFG_VERSION
  fi
  advertise=${advertise:-$(ks_private_ip)}
  name=${name:-$KS_HOST}
  ip=${ip:-$advertise}
  endpoint=${endpoint:-$advertise:6443}
  version=${version#v}
  version=${version:-$(ks_node_version)}
  [ "$upload" = 1 ] && key=${key:-$(openssl rand -hex 32)}
  # the phases of cmd/kubeadm/app/cmd/init.go, in its order
  ks_phase init preflight && ks_preflight_control_plane 0 || return 1
  ks_phase init certs && ks_phase_certs || return 1
  ks_phase init kubeconfig || return 1
  mkdir -p "$KS_DB/kubeadm"
  printf '%s\n' "$endpoint" > "$KS_DB/kubeadm/endpoint"
  for f in admin:kubernetes-admin super-admin:kubernetes-super-admin "kubelet:system:node:$name" \
    controller-manager:system:kube-controller-manager scheduler:system:kube-scheduler; do
    ks_kubeconfig_file "/etc/kubernetes/${f%%:*}.conf" "$endpoint" "${f#*:}" || return 1
  done
  ks_phase init etcd || return 1
  mkdir -p /var/lib/etcd
  chmod 700 /var/lib/etcd
  ks_static_pod etcd
  ks_phase init control-plane || return 1
  ks_static_pod kube-apiserver
  ks_static_pod kube-controller-manager
  ks_static_pod kube-scheduler
  ks_phase init kubelet-start && ks_phase_kubelet_start || return 1
  ks_phase init wait-control-plane || return 1
  mkdir -p /var/lib/etcd/member # etcd, started by the kubelet, writes its data
  ks_serve_api || return 1
  token=$(ks_new_token)
  ks_init_api_phases "$endpoint" "$name" "$ip" "$version" "$token" "$key" || return 1
  [ -n "$key" ] && printf '[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n%s\n' "$key"
  # the last phase only prints: killed here, kubeadm had done all of init
  ks_phase init show-join-command || return 1
  hash=$(ks_ca_hash /etc/kubernetes/pki/ca.crt)
  # written by the shell itself, as kubeadm writes it: with stdout closed, kubeadm dies here (not a cat it runs)
  printf '%s\n' "Your Kubernetes control-plane has initialized successfully!" "" \
    "You can now join any number of control-plane nodes running the following command on each as root:" "" \
    "  kubeadm join $endpoint --token $token \\" "	--discovery-token-ca-cert-hash $hash \\" \
    "	--control-plane --certificate-key ${key:-<key>}" "" \
    "Then you can join any number of worker nodes by running the following on each as root:" "" \
    "kubeadm join $endpoint --token $token \\" "	--discovery-token-ca-cert-hash $hash"
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

# kubeadm config validate --config FILE (cmd/kubeadm/app/cmd/config.go, newCmdConfigValidate):
# strict, unlike init and join: an unknown field or kind is an error; "ok" when it passes.
ks_kubeadm_config() {
  local cfg=''
  [ "${1:-}" = validate ] || return 0
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --config) cfg=${2:-}; shift ;;
      --config=*) cfg=${1#*=} ;;
    esac
    [ $# -gt 0 ] && shift
  done
  if [ -z "$cfg" ]; then
    printf 'the --config flag is mandatory\nTo see the stack trace of this error execute with --v=5 or higher\n' >&2
    return 1
  fi
  if [ ! -r "$cfg" ]; then
    printf 'open %s: no such file or directory\nTo see the stack trace of this error execute with --v=5 or higher\n' "$cfg" >&2
    return 1
  fi
  ks_config_check validate "$cfg"
}

# When each kubeadm init and join started ("<epoch seconds.micros> TAB <pid> TAB <init|join>" in
# $KS_STATE/kubeadm-runs.log); the calls log has when each ended, so a test can tell two runs overlapped.
ks_run_started() {
  printf '%s\t%s\t%s\n' "$EPOCHREALTIME" "$$" "$1" >> "$KS_STATE/kubeadm-runs.log"
}

stub_kubeadm() {
  ks_require_pkg kubeadm || return
  # dying of SIGPIPE (see ks_phase_banner), it is still one call in the calls log, exit 141 as a shell
  # sees it; where SIGPIPE was ignored on entry this cannot be set, and the writes fail as Go's then do
  trap 'ks_record 141; trap - PIPE; kill -PIPE "$$"' PIPE
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
      ks_run_started init
      ks_kubeadm_init "$@"
      ;;
    join)
      shift
      ks_run_started join
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
      shift
      ks_kubeadm_reset "$@"
      ;;
    config)
      shift
      ks_kubeadm_config "$@"
      ;;
  esac
}
