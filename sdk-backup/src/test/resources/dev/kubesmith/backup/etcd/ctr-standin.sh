#!/bin/bash
# Test stand-in for containerd's ctr, only what the etcd restore uses, with ctr's rules (containerd's
# cmd/ctr: urfave/cli flags end at the first argument; run takes Image then ID, both required; --mount
# is csv key=val with keys type, source|src, destination|dst, options (':'-separated); an image not in
# the namespace is refused). Images of a namespace are the lines of $CTR_STANDIN_DIR/images.<ns>.
# Every accepted run is appended to $CTR_STANDIN_DIR/calls; its command is not executed: for
# 'snapshot status' it prints what etcdutl prints, with the version in $CTR_STANDIN_DIR/snapshot-version.
set -u
dir=${CTR_STANDIN_DIR:?}
ns=default
die() { echo "ctr: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    -n|--namespace) ns=$2; shift 2 ;;
    --namespace=*|-n=*) ns=${1#*=}; shift ;;
    -*) echo "Incorrect Usage: flag provided but not defined: $1" >&2; exit 1 ;;
    *) break ;;
  esac
done
images="$dir/images.$ns"
[ -f "$images" ] || : >"$images"
cmd=${1:-}; shift || true
case $cmd in
  images|image|i)
    sub=${1:-}; shift || true
    [ "$sub" = ls ] || [ "$sub" = list ] || die "stand-in: images $sub not supported"
    if [ "${1:-}" = -q ] || [ "${1:-}" = --quiet ]; then cat "$images"; else
      echo "REF TYPE DIGEST SIZE PLATFORMS LABELS"; sed 's/$/ application\/vnd.oci.image.index.v1+json sha256:0 1 linux\/amd64 -/' "$images"; fi ;;
  run)
    argv=("$@")
    while [ $# -gt 0 ]; do
      case $1 in
        --rm|--rm=true|--rm=false) shift ;;
        --env|--mount) [ $# -ge 2 ] || die "flag needs an argument: $1"; opt=$1; val=$2; shift 2 ;;
        --env=*|--mount=*) opt=${1%%=*}; val=${1#*=}; shift ;;
        --) shift; break ;;
        -*) echo "Incorrect Usage: flag provided but not defined: $1" >&2; exit 1 ;;
        *) break ;;
      esac
      if [ "${opt:-}" = --mount ]; then
        IFS=, read -ra fields <<<"$val"
        for f in "${fields[@]}"; do
          [[ $f == *=* && $f != *=*=* ]] || die "invalid mount specification: expected key=val"
          case ${f%%=*} in type|source|src|destination|dst|options) ;; *) die "mount option \"${f%%=*}\" not supported" ;; esac
        done
      fi
      opt=
    done
    ref=${1:-}; id=${2:-}
    [ -n "$ref" ] || die "image ref must be provided"
    [ -n "$id" ] || die "container id must be provided"
    grep -Fxq "$ref" "$images" || die "image \"$ref\": not found"
    shift 2
    printf '%s\n' "run ${argv[*]}" >>"$dir/calls"
    if [ "${3:-}" = status ]; then
      printf '{"hash":1,"revision":2,"totalKey":3,"totalSize":4,"version":"%s"}\n' "$(cat "$dir/snapshot-version" 2>/dev/null || echo 3.6.0)"
    fi ;;
  *) die "stand-in: command '$cmd' not supported" ;;
esac
