# shellcheck shell=bash
# Package managers. An install records $KS_DB/packages/<name> holding the version (the part after
# '=' or the name's last '-<digits...>', up to the first '-': kubeadm=1.34.2-* gives 1.34.2);
# apt-mark holds are $KS_DB/holds/<name>. Nothing is downloaded.

# The version a package gets when none is asked for. containerd stands in for Docker's containerd.io
# 1.7.28, which the preparation script accepts; write $KS_DB/packages/containerd first to simulate
# another (e.g. Debian 12's 1.6.20, which it refuses).
ks_default_version() {
  case $1 in
    containerd | containerd.io) KS_DEFAULT=1.7.28 ;;
    *) KS_DEFAULT=sandbox ;;
  esac
}

ks_pkg_put() {
  mkdir -p "$KS_DB/packages"
  printf '%s\n' "$2" > "$KS_DB/packages/$1"
}

ks_pkg_version() {
  KS_VERSION=
  [ -f "$KS_DB/packages/$1" ] && read -r KS_VERSION < "$KS_DB/packages/$1"
  return 0
}

stub_apt_get() {
  local sub='' allow_held=0 a name ver
  local -a pkgs=()
  while [ $# -gt 0 ]; do
    case $1 in
      -o | -c | -t | --option | --config-file | --target-release) shift ;;
      --allow-change-held-packages) allow_held=1 ;;
      -*) ;;
      *) if [ -z "$sub" ]; then sub=$1; else pkgs+=("$1"); fi ;;
    esac
    [ $# -gt 0 ] && shift
  done
  case $sub in
    update)
      echo "Reading package lists... Done"
      ;;
    install | reinstall)
      for a in "${pkgs[@]}"; do
        name=${a%%=*}
        ver=sandbox
        [ "$name" != "$a" ] && ver=${a#*=} && ver=${ver%%-*}
        ks_pkg_version "$name"
        if [ -f "$KS_DB/holds/$name" ] && [ "$allow_held" = 0 ] && [ "$KS_VERSION" != "$ver" ]; then
          echo "E: Held packages were changed and -y was used without --allow-change-held-packages." >&2
          return 100
        fi
      done
      for a in "${pkgs[@]}"; do
        name=${a%%=*}
        ks_default_version "$name"
        ver=$KS_DEFAULT
        [ "$name" != "$a" ] && ver=${a#*=} && ver=${ver%%-*}
        ks_pkg_put "$name" "$ver"
        echo "Setting up $name ($ver) ..."
      done
      ;;
    remove | purge)
      for a in "${pkgs[@]}"; do
        rm -f "$KS_DB/packages/$a"
        echo "Removing $a ..."
      done
      ;;
    "")
      echo "E: Invalid operation" >&2
      return 100
      ;;
  esac
  return 0
}

stub_apt_mark() {
  local sub=${1:-} p f
  [ $# -gt 0 ] && shift
  mkdir -p "$KS_DB/holds"
  case $sub in
    hold)
      for p in "$@"; do
        : > "$KS_DB/holds/$p"
        echo "$p set on hold."
      done
      ;;
    unhold)
      for p in "$@"; do
        if [ -f "$KS_DB/holds/$p" ]; then
          rm -f "$KS_DB/holds/$p"
          echo "Canceled hold on $p."
        else
          echo "$p was already not on hold."
        fi
      done
      ;;
    showhold)
      for f in "$KS_DB"/holds/*; do
        [ -e "$f" ] && echo "${f##*/}"
      done
      ;;
  esac
  return 0
}

stub_dnf() {
  local sub='' a
  local -a pkgs=()
  for a in "$@"; do
    case $a in
      -*) ;;
      *) if [ -z "$sub" ]; then sub=$a; else pkgs+=("$a"); fi ;;
    esac
  done
  case $sub in
    install | reinstall | upgrade)
      for a in "${pkgs[@]}"; do
        if [[ $a =~ ^(.+)-([0-9][^-]*)$ ]]; then
          ks_pkg_put "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
        else
          ks_default_version "$a"
          ks_pkg_put "$a" "$KS_DEFAULT"
        fi
      done
      echo "Complete!"
      ;;
    remove | erase)
      for a in "${pkgs[@]}"; do
        rm -f "$KS_DB/packages/$a"
      done
      echo "Complete!"
      ;;
  esac
  return 0
}

stub_yum() {
  stub_dnf "$@"
}
