# shellcheck shell=bash
# The API server of a simulated master: a socat forwarder listening on the master's private IP
# :6443 that carries each connection to /run/kubesmith/api.sock, a UNIX socket the test JVM serves
# and pipes to its KubernetesMockServer (network namespaces cannot reach the JVM's namespace, the
# file system can). Only hosts the sandbox gave a bridge have the socket. The forwarder is its own
# process group (setsid), so stopping it also ends the connections it forked for.
#   bash api.sh start|stop|status      (the sandbox runs it; the kubeadm stub sources it)

KS_API_SOCKET=/run/kubesmith/api.sock
KS_API_PID=/run/kubesmith/api-forwarder.pid
KS_API_LOG=/run/kubesmith/api-forwarder.log

ks_api_address() {
  local ip=127.0.0.1
  [ -r /run/kubesmith/address ] && read -r ip < /run/kubesmith/address
  printf '%s' "$ip"
}

# Whether something listens on the master's :6443.
ks_api_listening() {
  [ -n "$(ss -Hltn "src $(ks_api_address) and sport = :6443" 2> /dev/null)" ]
}

ks_api_pid_alive() {
  local pid='' stat=''
  [ -r "$KS_API_PID" ] && read -r pid < "$KS_API_PID"
  [ -n "$pid" ] && read -r stat 2> /dev/null < "/proc/$pid/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ] || return 1
  KS_API_FORWARDER=$pid
}

ks_api_running() {
  ks_api_pid_alive
}

# Starts the forwarder unless it runs; returns once it listens.
ks_api_start() {
  local ip waited=0
  if [ ! -S "$KS_API_SOCKET" ]; then
    echo "kubesmith sandbox: $(hostname) has no API bridge ($KS_API_SOCKET is missing): only masters of a sandbox built with apiServer(..) serve :6443" >&2
    return 1
  fi
  ks_api_running && return 0
  ip=$(ks_api_address)
  # shellcheck disable=SC2016 # $$ and $1.. expand in the child shell
  # a daemon, as the kubelet's static pod would be: none of the caller's descriptors (a kubeadm lock on fd 8)
  setsid -f bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2> /dev/null
    echo "$$" > "$1"; exec socat "TCP-LISTEN:6443,bind=$2,fork,reuseaddr,backlog=128" "UNIX-CONNECT:$3"' \
    kubesmith-api "$KS_API_PID" "$ip" "$KS_API_SOCKET" < /dev/null >> "$KS_API_LOG" 2>&1
  while ! ks_api_listening; do
    if [ "$waited" -ge 500 ]; then
      echo "kubesmith sandbox: the API forwarder of $(hostname) did not listen on $ip:6443 within 5 s:" >&2
      tail -n 5 "$KS_API_LOG" >&2
      return 1
    fi
    sleep 0.01
    waited=$((waited + 1))
  done
  return 0
}

# Stops the forwarder and every connection it carries; returns once :6443 is closed.
ks_api_stop() {
  local waited=0
  if ks_api_running; then
    kill -TERM -- "-$KS_API_FORWARDER" 2> /dev/null || kill -TERM "$KS_API_FORWARDER" 2> /dev/null
    while ks_api_pid_alive && [ "$waited" -lt 200 ]; do
      sleep 0.01
      waited=$((waited + 1))
    done
    ks_api_pid_alive && kill -KILL -- "-$KS_API_FORWARDER" 2> /dev/null
  fi
  rm -f "$KS_API_PID"
  waited=0
  while ks_api_listening && [ "$waited" -lt 200 ]; do
    sleep 0.01
    waited=$((waited + 1))
  done
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    start) ks_api_start ;;
    stop) ks_api_stop ;;
    status) if ks_api_running; then echo running; else echo stopped; exit 3; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
fi
