#!/usr/bin/env bash
# Smoke test of the kubesmith CLI through the real wrapper (jbang-scripts/kubesmith -> jbang -> JBang
# from Maven Central -> the installed SDK), the way a user runs it. Meant for CI after `mvn verify`:
#   bash jbang-scripts/smoke-test.sh
# The mirror is KUBESMITH_UPSTREAM_MIRROR when set, else ../shared/upstream beside the repository.
# Prints one line per check and last `smoke: N passed, M failed`; exits 1 when a check failed.
set -uo pipefail

self="${BASH_SOURCE[0]}"
if resolved="$(readlink -f -- "$self" 2>/dev/null)"; then
  self="$resolved"
fi
here="$(cd "$(dirname -- "$self")" && pwd -P)"
repo="$(cd "$here/.." && pwd -P)"
kubesmith="$here/kubesmith"
mirror="${KUBESMITH_UPSTREAM_MIRROR:-$repo/../shared/upstream}"
work="$(mktemp -d "${TMPDIR:-/tmp}/kubesmith-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
out="$work/stdout"
err="$work/stderr"

# run DIR CMD...: runs CMD in DIR, output to $out and $err; sets $status and $took.
run() {
  local dir="$1" start
  shift
  start="$(date +%s%N)"
  (cd "$dir" && "$@") >"$out" 2>"$err"
  status=$?
  took="$(awk -v ns="$(($(date +%s%N) - start))" 'BEGIN { printf "%.1fs", ns / 1e9 }')"
}

# check NAME PROBLEM: PROBLEM empty means the check passed.
check() {
  local name="$1" problem="$2"
  if [[ -z $problem ]]; then
    passed=$((passed + 1))
    echo "ok   $name ($took)"
  else
    failed=$((failed + 1))
    echo "FAIL $name ($took): $problem"
    echo "---- exit status $status; stdout:"
    sed 's/^/  | /' "$out"
    echo "---- stderr:"
    sed 's/^/  | /' "$err"
  fi
}

# expect_out TEXT...: the first TEXT missing from stdout, as a problem.
expect_out() {
  local t
  for t in "$@"; do
    if ! grep -qF -- "$t" "$out"; then
      echo "stdout lacks '$t'"
      return
    fi
  done
}

# From the repository root, by relative path.
run "$repo" jbang-scripts/kubesmith --help
check "kubesmith --help" "$( ((status == 0)) || echo "exit status $status, not 0"; expect_out "Exit codes:" "plan" "apply")"

# The others from an unrelated directory, by absolute path.
run "$work" "$kubesmith" plan --help
check "kubesmith plan --help" "$( ((status == 0)) || echo "exit status $status, not 0"
  expect_out --inventory --out --vip --public-vip --pod-cidr --service-cidr --name --mirror --addons --domain \
    "Exit codes:")"

run "$work" "$kubesmith" apply --help
check "kubesmith apply --help" "$( ((status == 0)) || echo "exit status $status, not 0"
  expect_out --inventory --ssh-user --ssh-key --known-hosts --trust-on-first-use --bastion --state-dir \
    --parallelism --plain --addons --domain "Exit codes:" "another build")"

plan="$work/clustera"
run "$work" "$kubesmith" plan --inventory "$repo/samples/clustera_hosts" --vip 192.168.4.100 \
  --public-vip 203.0.113.100 --mirror "$mirror" --out "$plan" \
  --addons rook-ceph,kube-prometheus,traefik,logging --domain example.com
check "kubesmith plan on samples/clustera_hosts with all addons" "$( ((status == 0)) || echo "exit status $status, not 0"
  for f in plan.json plan.md cluster/calico.yaml hosts/lb1/etc/haproxy/haproxy.cfg; do
    [[ -f $plan/$f ]] || echo "no $f written"
  done
  for a in rook-ceph kube-prometheus traefik logging; do
    compgen -G "$plan/cluster/$a*.yaml" >/dev/null || echo "no cluster/$a*.yaml written"
  done
  grep -qF '*.example.com' "$plan/plan.md" 2>/dev/null || echo "plan.md does not mention *.example.com"
  expect_out "steps" "$plan")"

invalid="$work/invalid"
run "$work" "$kubesmith" plan --inventory "$repo/samples/clustera_hosts" --vip 192.168.4.100 \
  --pod-cidr 192.168.0.0/16 --service-cidr 10.96.0.0/33 --mirror "$mirror" --out "$invalid"
check "kubesmith plan with invalid input" "$( ((status != 0)) || echo "exit status 0 on invalid input"
  [[ ! -e $invalid ]] || echo "$invalid was created"
  grep -q 192.168.0.0/16 "$err" || echo "stderr does not name the pod CIDR"
  grep -q 10.96.0.0/33 "$err" || echo "stderr does not name the service CIDR")"

run "$work" "$kubesmith" status --help
check "kubesmith status --help" "$( ((status == 0)) || echo "exit status $status, not 0"
  expect_out --inventory --ssh-key --key-passphrase-file --known-hosts --state-dir --kubeconfig --addons \
    "Exit codes:" "not healthy" "could not be reached")"

run "$work" "$kubesmith" status --inventory "$repo/samples/clusterb_hosts" --state-dir "$work/no-state"
check "kubesmith status without admin.conf" "$( ((status == 1)) || echo "exit status $status, not 1"
  grep -qF -- "$work/no-state/admin.conf" "$err" || echo "stderr does not name the missing admin.conf"
  grep -qF -- "kubesmith apply" "$err" || echo "stderr does not say to run apply first")"

run "$work" "$kubesmith" backup now --help
check "kubesmith backup now --help" "$( ((status == 0)) || echo "exit status $status, not 0"
  expect_out "kubesmith backup now" --name --include-namespaces --ttl --wait --kubeconfig --state-dir --inventory \
    "Exit codes:" "Failed or PartiallyFailed" "could not be reached")"

run "$work" "$kubesmith" etcd-snapshot --help
check "kubesmith etcd-snapshot --help" "$( ((status == 0)) || echo "exit status $status, not 0"
  expect_out --inventory --master --ssh-key --known-hosts --bastion /usr/local/lib/kubesmith/etcd-snapshot.sh \
    "Exit codes:")"

plan="$work/clustera-backup"
run "$work" "$kubesmith" plan --inventory "$repo/samples/clustera_hosts" --vip 192.168.4.100 \
  --public-vip 203.0.113.100 --mirror "$mirror" --out "$plan" \
  --backup velero --schedule name=test-daily,cron=@daily,namespaces=test,ttl=168h
check "kubesmith plan --backup velero --schedule on samples/clustera_hosts" "$(
  ((status == 0)) || echo "exit status $status, not 0"
  for f in hosts/nfs1/etc/exports.d/kubesmith.exports hosts/master1/usr/local/lib/kubesmith/etcd-snapshot.sh \
    cluster/minio.yaml cluster/velero.yaml cluster/velero-storage-location.yaml cluster/velero-schedules.yaml; do
    [[ -f $plan/$f ]] || echo "no $f written"
  done
  grep -qF '"test-daily"' "$plan/cluster/velero-schedules.yaml" 2>/dev/null || echo "no schedule test-daily"
  grep -qF '"168h0m0s"' "$plan/cluster/velero-schedules.yaml" 2>/dev/null || echo "schedule test-daily has no ttl 168h0m0s"
  expect_out "steps" "$plan")"

invalid="$work/invalid-backup"
run "$work" "$kubesmith" plan --inventory "$repo/samples/clusterb_hosts" --mirror "$mirror" --out "$invalid" \
  --backup velero
check "kubesmith plan --backup velero without an nfs host" "$( ((status == 1)) || echo "exit status $status, not 1"
  [[ ! -e $invalid ]] || echo "$invalid was created"
  grep -qF -- "--backup velero" "$err" || echo "stderr does not name --backup"
  grep -qF -- "role nfs" "$err" || echo "stderr does not say an nfs host is needed")"

# Every JBang script beside the CLI answers --help with its options and exit codes; a new script is
# checked here without changes, and gets a plan-mode check below.
for script in "$here"/*.java; do
  name="$(basename "$script")"
  [[ $name == kubesmith.java ]] && continue
  run "$repo" jbang-scripts/jbang "jbang-scripts/$name" --help
  check "$name --help" "$( ((status == 0)) || echo "exit status $status, not 0"
    expect_out "Usage:" --plan "Exit codes:")"
done

# AddWorker plans from the spec every apply writes to its state directory: without one it says so.
run "$repo" jbang-scripts/jbang jbang-scripts/AddWorker.java --state-dir "$work/no-state" \
  --name worker4 --ip 192.168.4.44 --mirror "$mirror" --plan "$work/add-worker"
check "AddWorker.java without the spec of a built cluster" "$( ((status == 1)) || echo "exit status $status, not 1"
  grep -qF -- "$work/no-state/spec.yaml" "$err" || echo "stderr does not name the missing spec.yaml"
  grep -qF -- "apply the cluster first" "$err" || echo "stderr does not say to apply first"
  [[ ! -e $work/add-worker ]] || echo "$work/add-worker was created")"

plan="$work/monitoring"
run "$repo" jbang-scripts/jbang jbang-scripts/MonitoringOnExistingCluster.java --inventory samples/clustera_hosts \
  --public-vip 203.0.113.100 --domain example.com --mirror "$mirror" --plan "$plan"
check "MonitoringOnExistingCluster.java --plan on samples/clustera_hosts" "$(
  ((status == 0)) || echo "exit status $status, not 0"
  for f in rook-ceph-operator traefik kube-prometheus-prometheus-prometheus kube-prometheus-ingress; do
    [[ -f $plan/cluster/$f.yaml ]] || echo "no cluster/$f.yaml written"
  done
  [[ ! -e $plan/hosts ]] || echo "host files written: an existing cluster's hosts are not touched"
  grep -qF '*.example.com A 203.0.113.100' "$plan/plan.md" 2>/dev/null || echo "plan.md has no DNS record for the public VIP"
  expect_out "steps written to $plan")"

plan="$work/take-backup"
run "$repo" jbang-scripts/jbang jbang-scripts/TakeBackup.java --inventory samples/clustera_hosts --vip 192.168.4.100 \
  --schedule name=test-daily,cron=@daily,namespaces=test,ttl=168h --mirror "$mirror" --plan "$plan"
check "TakeBackup.java --plan on samples/clustera_hosts" "$( ((status == 0)) || echo "exit status $status, not 0"
  for f in hosts/nfs1/etc/exports.d/kubesmith.exports cluster/minio.yaml cluster/velero.yaml cluster/velero-schedules.yaml; do
    [[ -f $plan/$f ]] || echo "no $f written"
  done
  [[ ! -e $plan/cluster/calico.yaml ]] || echo "the cluster's own steps were written: only the backup's belong"
  expect_out "backup steps written to $plan")"

run "$repo" jbang-scripts/jbang jbang-scripts/MonitoringOnExistingCluster.java --mirror "$mirror"
check "MonitoringOnExistingCluster.java without --kubeconfig" "$( ((status == 1)) || echo "exit status $status, not 1"
  grep -qF -- "--kubeconfig is missing" "$err" || echo "stderr does not name --kubeconfig")"

run "$repo" jbang-scripts/jbang jbang-scripts/TakeBackup.java --namespaces test
check "TakeBackup.java without --kubeconfig" "$( ((status == 1)) || echo "exit status $status, not 1"
  grep -qF -- "--kubeconfig is missing" "$err" || echo "stderr does not name --kubeconfig")"

echo "smoke: $passed passed, $failed failed"
((failed == 0))
