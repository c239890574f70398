# shellcheck shell=bash
# systemd, hostname, swap, kernel modules and settings, downloads and reboots. State lives under
# $KS_DB. haproxy and keepalived are real daemons: systemctl starts and stops them for real in the
# host's namespaces; any other unit is only recorded as enabled/active.

# Whether a process runs; a zombie (exited, not yet reaped by init) does not count.
ks_alive() {
  local stat=''
  [ -n "$1" ] && read -r stat 2> /dev/null < "/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

ks_unit_pid() {
  KS_PID=
  [ -r "/run/$1.pid" ] && read -r KS_PID < "/run/$1.pid"
  ks_alive "$KS_PID"
}

ks_unit_active() {
  case $1 in
    haproxy | keepalived) ks_unit_pid "$1" ;;
    *) [ -f "$KS_DB/units/$1.active" ] ;;
  esac
}

ks_unit_start() {
  case $1 in
    haproxy)
      ks_unit_pid haproxy && return 0
      haproxy -c -f /etc/haproxy/haproxy.cfg > /dev/null || return 1
      haproxy -D -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid < /dev/null >> /var/log/haproxy.log 2>&1 || {
        tail -n 20 /var/log/haproxy.log >&2
        return 1
      }
      ;;
    keepalived)
      ks_unit_pid keepalived && return 0
      keepalived -t -f /etc/keepalived/keepalived.conf > /dev/null 2>&1 || {
        echo "keepalived: configuration check of /etc/keepalived/keepalived.conf failed" >&2
        return 1
      }
      setsid -f keepalived -n -l -D -f /etc/keepalived/keepalived.conf -p /run/keepalived.pid \
        -r /run/keepalived_vrrp.pid -c /run/keepalived_checkers.pid < /dev/null >> /var/log/keepalived.log 2>&1
      ;;
    *)
      mkdir -p "$KS_DB/units"
      : > "$KS_DB/units/$1.active"
      ;;
  esac
  return 0
}

ks_unit_stop() {
  local waited=0
  case $1 in
    haproxy | keepalived)
      ks_unit_pid "$1" || return 0
      kill "$KS_PID"
      while ks_alive "$KS_PID" && [ "$waited" -lt 100 ]; do
        sleep 0.05
        waited=$((waited + 1))
      done
      rm -f "/run/$1.pid"
      ;;
    *) rm -f "$KS_DB/units/$1.active" ;;
  esac
  return 0
}

ks_unit_reload() {
  case $1 in
    haproxy)
      ks_unit_pid haproxy || { ks_unit_start haproxy; return; }
      haproxy -c -f /etc/haproxy/haproxy.cfg > /dev/null || return 1
      haproxy -D -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid -sf "$KS_PID" < /dev/null >> /var/log/haproxy.log 2>&1
      ;;
    keepalived)
      ks_unit_pid keepalived || { ks_unit_start keepalived; return; }
      kill -HUP "$KS_PID"
      ;;
    *) ks_unit_start "$1" ;;
  esac
}

stub_systemctl() {
  local verb='' now=0 quiet=0 a u rc=0
  local -a units=()
  for a in "$@"; do
    case $a in
      --now) now=1 ;;
      -q | --quiet) quiet=1 ;;
      -*) ;;
      *) if [ -z "$verb" ]; then verb=$a; else u=${a%.service}; units+=("$u"); fi ;;
    esac
  done
  mkdir -p "$KS_DB/units"
  for u in "${units[@]}"; do
    case $verb in
      start) ks_unit_start "$u" || rc=1 ;;
      stop) ks_unit_stop "$u" ;;
      restart) ks_unit_stop "$u"; ks_unit_start "$u" || rc=1 ;;
      try-restart) if ks_unit_active "$u"; then ks_unit_stop "$u"; ks_unit_start "$u" || rc=1; fi ;;
      reload | reload-or-restart | try-reload-or-restart) ks_unit_reload "$u" || rc=1 ;;
      enable)
        : > "$KS_DB/units/$u.enabled"
        [ "$quiet" = 1 ] || echo "Created symlink /etc/systemd/system/multi-user.target.wants/$u.service."
        [ "$now" = 1 ] && { ks_unit_start "$u" || rc=1; }
        ;;
      disable)
        rm -f "$KS_DB/units/$u.enabled"
        [ "$now" = 1 ] && ks_unit_stop "$u"
        ;;
      mask) : > "$KS_DB/units/$u.masked" ;;
      unmask) rm -f "$KS_DB/units/$u.masked" ;;
      is-active)
        if ks_unit_active "$u"; then a=active; else a=inactive; rc=3; fi
        [ "$quiet" = 1 ] || echo "$a"
        ;;
      is-enabled)
        if [ -f "$KS_DB/units/$u.enabled" ]; then a=enabled; else a=disabled; rc=1; fi
        [ "$quiet" = 1 ] || echo "$a"
        ;;
      is-failed)
        [ "$quiet" = 1 ] || echo inactive
        rc=1
        ;;
      status)
        if ks_unit_active "$u"; then a="active (running)"; else a="inactive (dead)"; rc=3; fi
        printf '* %s.service - %s (kubesmith sandbox)\n     Active: %s\n' "$u" "$u" "$a"
        ;;
    esac
  done
  return "$rc"
}

stub_hostnamectl() {
  case ${1:-status} in
    set-hostname | hostname)
      if [ -z "${2:-}" ]; then
        hostname
        return 0
      fi
      hostname "$2" || return 1
      printf '%s\n' "$2" > /etc/hostname
      ;;
    *) echo " Static hostname: $(hostname)" ;;
  esac
  return 0
}

stub_swapoff() {
  return 0
}

# No swap in a simulated host: --show/--noheadings/--summary print nothing.
stub_swapon() {
  return 0
}

stub_modprobe() {
  local remove=0 a
  local -a mods=()
  for a in "$@"; do
    case $a in
      -r | --remove) remove=1 ;;
      -*) ;;
      *=*) ;;
      *) mods+=("$a") ;;
    esac
  done
  mkdir -p "$KS_DB/modules"
  for a in "${mods[@]}"; do
    if [ "$remove" = 1 ]; then rm -f "$KS_DB/modules/$a"; else : > "$KS_DB/modules/$a"; fi
  done
  return 0
}

stub_lsmod() {
  local f
  printf '%-24s %8s  %s\n' Module Size "Used by"
  for f in "$KS_DB"/modules/*; do
    [ -e "$f" ] && printf '%-24s %8s  %s\n' "${f##*/}" 32768 0
  done
  return 0
}

# Per-namespace network settings are applied for real (ip_forward, ip_nonlocal_bind, conf.*);
# every other key is only recorded, so nothing outside the host changes.
ks_sysctl_live() {
  case $1 in
    net.ipv4.ip_forward | net.ipv4.ip_nonlocal_bind | net.ipv4.conf.* | net.ipv6.conf.*) return 0 ;;
  esac
  return 1
}

ks_sysctl_set() {
  local key=${1//\//.} val=$2 path
  mkdir -p "$KS_DB/sysctl"
  printf '%s\n' "$val" > "$KS_DB/sysctl/$key"
  path=/proc/sys/${key//./\/}
  if ks_sysctl_live "$key" && [ -w "$path" ]; then
    printf '%s\n' "$val" 2> /dev/null > "$path"
  fi
  return 0
}

ks_sysctl_get() {
  local key=${1//\//.} path v=''
  path=/proc/sys/${key//./\/}
  if ks_sysctl_live "$key" && [ -r "$path" ]; then
    read -r v < "$path"
  elif [ -f "$KS_DB/sysctl/$key" ]; then
    read -r v < "$KS_DB/sysctl/$key"
  elif [ -r "$path" ]; then
    read -r v < "$path"
  else
    echo "sysctl: cannot stat $path: No such file or directory" >&2
    return 255
  fi
  KS_VALUE=$v
  return 0
}

ks_sysctl_load() {
  local line
  [ -r "$1" ] || { echo "sysctl: cannot open \"$1\": No such file or directory" >&2; return 255; }
  [ "$2" = 1 ] || echo "* Applying $1 ..."
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^[[:space:]]*-?([^=#\;[:space:]]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]]; then
      ks_sysctl_set "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
      [ "$2" = 1 ] || echo "${BASH_REMATCH[1]} = ${BASH_REMATCH[2]}"
    fi
  done < "$1"
  return 0
}

stub_sysctl() {
  local values=0 quiet=0 rc=0 f
  while [ $# -gt 0 ]; do
    case $1 in
      -n | --values) values=1 ;;
      -q | --quiet) quiet=1 ;;
      --system)
        for f in /etc/sysctl.d/*.conf /run/sysctl.d/*.conf /etc/sysctl.conf; do
          [ -r "$f" ] && ks_sysctl_load "$f" "$quiet"
        done
        ;;
      -p | --load)
        if [ -n "${2:-}" ] && [[ $2 != -* ]]; then
          ks_sysctl_load "$2" "$quiet" || rc=255
          shift
        else
          ks_sysctl_load /etc/sysctl.conf "$quiet" || rc=255
        fi
        ;;
      -p* | --load=*) ks_sysctl_load "${1#-p}" "$quiet" || rc=255 ;;
      -*) ;;
      *=*)
        ks_sysctl_set "${1%%=*}" "${1#*=}"
        [ "$quiet" = 1 ] || echo "${1%%=*} = ${1#*=}"
        ;;
      *)
        if ks_sysctl_get "$1"; then
          if [ "$values" = 1 ]; then echo "$KS_VALUE"; else echo "$1 = $KS_VALUE"; fi
        else
          rc=255
        fi
        ;;
    esac
    [ $# -gt 0 ] && shift
  done
  return "$rc"
}

# Downloads: URLs inside the sandbox (198.18.0.0/15, loopback, names in /etc/hosts) go to the real
# curl; anything outside is answered with placeholder content, as the sandbox has no internet.
stub_curl() {
  local a url='' out='' prev='' host
  for a in "$@"; do
    case $prev in -o | --output) out=$a ;; esac
    case $a in
      http://* | https://* | ftp://*) url=$a ;;
      --output=*) out=${a#*=} ;;
    esac
    prev=$a
  done
  host=${url#*://}
  host=${host%%/*}
  host=${host##*@}
  host=${host%%:*}
  if [ -z "$url" ] || [[ $host =~ ^198\.1[89]\. || $host =~ ^127\. || $host == localhost ]] \
    || grep -qw -- "$host" /etc/hosts 2> /dev/null; then
    /usr/bin/curl "$@"
    return
  fi
  case $url in
    *.key | *.gpg | *.asc)
      a=$'-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nkubesmith sandbox placeholder for '"$url"$'\n-----END PGP PUBLIC KEY BLOCK-----'
      ;;
    *) a="kubesmith sandbox placeholder for $url" ;;
  esac
  if [ -n "$out" ]; then printf '%s\n' "$a" > "$out"; else printf '%s\n' "$a"; fi
  return 0
}

stub_gpg() {
  local a out='' prev='' dearmor=0
  for a in "$@"; do
    case $prev in -o | --output) out=$a ;; esac
    case $a in
      --output=*) out=${a#*=} ;;
      --dearmor | --enarmor) dearmor=1 ;;
    esac
    prev=$a
  done
  if [ -n "$out" ]; then
    cat > "$out"
  elif [ "$dearmor" = 1 ]; then
    cat
  fi
  return 0
}

ks_no_power() {
  echo "kubesmith sandbox: $KS_CMD does nothing in a simulated host" >&2
  return 0
}

stub_reboot() { ks_no_power; }
stub_shutdown() { ks_no_power; }
stub_poweroff() { ks_no_power; }
stub_halt() { ks_no_power; }
