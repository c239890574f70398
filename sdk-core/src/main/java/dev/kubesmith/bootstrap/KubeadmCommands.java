package dev.kubesmith.bootstrap;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.util.stream.Collectors;

/**
 * The checks and commands of the kubeadm steps, written so a run that stopped half-way (an SSH
 * drop, a killed operator, kubeadm failing after writing admin.conf or kubelet.conf) is finished by
 * the next run. A step is done only when its effect is there: for init, the API answers through the
 * control-plane endpoint and holds what kubeadm's last phases upload (the kubeadm-config and
 * kubelet-config ConfigMaps, kube-public/cluster-info, the CoreDNS and kube-proxy addons); for a
 * join, the Node is registered (a master's with the control-plane label of mark-control-plane). A
 * half-done init or join is reset ({@code kubeadm reset -f} and what it leaves) and run again, but
 * never a control plane that is complete or that other nodes joined.
 *
 * <p>init, join and their resets run under a lock on the host ({@link #LOCK}) that the kubeadm
 * process inherits: when an operator dies in the middle of kubeadm, kubeadm goes on until its next
 * write to the closed SSH channel (or to its end), and the next build waits for it before judging
 * what it left, instead of resetting or running kubeadm beside it.
 */
final class KubeadmCommands {
  static final String ADMIN = "/etc/kubernetes/admin.conf";
  static final String KUBELET = "/etc/kubernetes/kubelet.conf";
  /** Held (flock, file descriptor 8) by the script and the kubeadm it runs, until both end. */
  static final String LOCK = "/run/kubesmith/kubeadm.lock";
  /**
   * How long a build waits for the kubeadm of an earlier one: more than kubeadm's own waits (4 min
   * for a healthy kubelet, 4 min for the control plane, 5 min for the TLS bootstrap), and with the
   * kubeadm run that follows still less than the SSH command timeout (900 s by default).
   */
  static final int LOCK_WAIT_SECONDS = 600;
  private static final String KUBECTL = "kubectl --request-timeout=10s --kubeconfig=";

  /** What kubeadm reset -f leaves behind of a half-done init or join, all written by kubeadm or the kubelet it started. */
  private static final String LEFTOVERS = "rm -rf /etc/kubernetes/manifests /etc/kubernetes/pki /var/lib/etcd/member"
      + " /var/lib/kubelet/pki /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env"
      + " && rm -f " + ADMIN + " /etc/kubernetes/super-admin.conf " + KUBELET + " /etc/kubernetes/bootstrap-kubelet.conf"
      + " /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf";

  /** Files whose presence shows that kubeadm started on the host. */
  private static final String STARTED = "[ -e " + ADMIN + " ] || [ -e " + KUBELET + " ] || [ -e /etc/kubernetes/bootstrap-kubelet.conf ]"
      + " || [ -e /etc/kubernetes/pki/ca.crt ] || [ -n \"$(ls -A /etc/kubernetes/manifests 2>/dev/null)\" ]"
      + " || [ -n \"$(ls -A /var/lib/etcd 2>/dev/null)\" ]";

  private KubeadmCommands() {}

  /** kubeadm init's effect, through the endpoint in admin.conf (or {@code server}, e.g. the master itself). */
  private static String initComplete(String server) {
    String kubectl = KUBECTL + ADMIN + (server == null ? "" : " --server=https://" + server);
    return "test -f " + ADMIN + " && " + kubectl + " -n kube-system get configmap kubeadm-config kubelet-config coredns kube-proxy"
        + " -o name >/dev/null && " + kubectl + " -n kube-public get configmap cluster-info -o name >/dev/null";
  }

  static String initCheck() {
    return initComplete(null);
  }

  /**
   * Resets a half-done init, then runs kubeadm init. Refuses, saying why, when the control plane on
   * the host is complete but unreachable through the endpoint, when other nodes already joined it,
   * or when its API does not answer after etcd ran (then nobody can tell whether nodes joined).
   */
  static String init(ClusterSpec spec, Host first, String initCommand) {
    String local = first.privateIp() + ":6443";
    String others = spec.hosts().stream().filter(h -> !h.equals(first) && (h.has(dev.kubesmith.spec.Role.MASTER)
        || h.has(dev.kubesmith.spec.Role.WORKER))).map(Host::name).collect(Collectors.joining(" "));
    // who joined, asked of this master's own API; --ignore-not-found: exit 0 with the nodes that are there
    String joined = others.isEmpty() ? "joined=" : "joined=$(" + KUBECTL + ADMIN + " --server=https://" + local
        + " get node " + others + " --ignore-not-found -o name 2>&1)";
    String endpoint = KubeadmConfig.controlPlaneEndpoint(spec);
    // after a wait, the earlier build's kubeadm may have finished the init: then it is done
    String finished = "  if { " + initCheck() + "; } 2>/dev/null; then\n"
        + "    echo '" + first.name() + ": the kubeadm init of an earlier build finished it' >&2; exit 0\n"
        + "  fi\n";
    return locked(first, "kubeadm init", finished)
        + "if " + STARTED + "; then\n"
        + "  if " + initComplete(local) + "; then\n"
        + "    echo '" + first.name() + ": kubeadm init is complete, but the API does not answer through the control-plane"
        + " endpoint " + endpoint + ": fix the endpoint (load balancer, VIP, firewall), then run the build again' >&2; exit 1\n"
        + "  fi\n"
        + "  if " + joined + "; then\n"
        + "    if [ -n \"$joined\" ]; then\n"
        + "      echo '" + first.name() + ": the control plane is not complete, but other nodes joined it: kubesmith does not reset it;"
        + " see kubectl -n kube-system get configmaps and journalctl -u kubelet on " + first.name() + "' >&2; exit 1\n"
        + "    fi\n"
        // the API does not answer: once etcd has data, nodes may have joined it, and a reset would lose them
        + "  elif [ -d /var/lib/etcd/member ]; then\n"
        + "    echo \"" + first.name() + ": the control plane is not complete and its API on " + local + " does not answer"
        + " ($joined): kubesmith cannot tell whether other nodes joined it and does not reset it. Start its API server"
        + " (journalctl -u kubelet, crictl ps on " + first.name() + "); if no node ever joined, run kubeadm reset -f there;"
        + " then run the build again\" >&2; exit 1\n"
        + "  fi\n"
        + "  echo '" + first.name() + ": kubeadm init stopped half-way in an earlier run: resetting it to run it again' >&2\n"
        + "  kubeadm reset -f >&2 && " + LEFTOVERS + "\n"
        + "fi\n"
        + initCommand;
  }

  /**
   * Takes {@link #LOCK}, waiting up to {@link #LOCK_WAIT_SECONDS} for a kubeadm run of an earlier
   * build; {@code afterWait} runs when it had to wait. On a timeout, names what holds the lock.
   */
  private static String locked(Host host, String what, String afterWait) {
    // what holds the lock file open, but this shell: the pids, and the kubeadm among them with its command line
    String holders = "    holders=$(exec 8>&-; for f in /proc/[0-9]*/fd/*; do if [ \"$f\" -ef " + LOCK + " ]; then"
        + " p=${f#/proc/}; p=${p%%/*}; [ \"$p\" = \"$$\" ] || echo \"$p\"; fi; done 2>/dev/null | sort -un | tr '\\n' ' ')\n"
        + "    running=''; for p in $holders; do if [ \"$(cat /proc/$p/comm 2>/dev/null)\" = kubeadm ]; then kpid=$p;"
        + " running=\"pid $p: $(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-120 | sed 's/ *$//')\"; fi; done\n";
    String timedOut = "    echo \"" + host.name() + ": a kubeadm run from an earlier build is still running there"
        + " (${running:-pids ${holders}hold " + LOCK + "}) after " + LOCK_WAIT_SECONDS + " s; wait for it to end, or stop it"
        + " if it hangs (kill ${kpid:-<pid>}), then run the build again\" >&2; exit 1\n";
    return "mkdir -p " + LOCK.substring(0, LOCK.lastIndexOf('/')) + " && exec 8>>" + LOCK + " || exit $?\n"
        + "if ! flock -n 8; then\n"
        + "  echo '" + host.name() + ": waiting (up to " + LOCK_WAIT_SECONDS + " s) for a kubeadm run of an earlier build to end"
        + " before " + what + "' >&2\n"
        + "  if ! flock -w " + LOCK_WAIT_SECONDS + " 8; then\n"
        + holders
        + timedOut
        + "  fi\n"
        + afterWait
        + "fi\n";
  }

  /** The joined node's effect: registered (a master also labelled by mark-control-plane). */
  static String joinCheck(Host node, boolean master) {
    String get = KUBECTL + KUBELET + " get node " + node.name();
    return "test -f " + KUBELET + " && " + (master
        ? get + " -o jsonpath={.metadata.labels} | grep -q '\"node-role.kubernetes.io/control-plane\"'"
        : get + " -o name >/dev/null");
  }

  /**
   * Runs the join unless it is done, after resetting a half-done one, then waits for the Node to
   * register; the join configuration (token, certificate key) is removed however it ends.
   */
  static String join(Host node, boolean master, String joinConfig) {
    String check = joinCheck(node, master);
    String why = "out=$(" + KUBECTL + KUBELET + " get node " + node.name() + " -o name 2>&1)";
    return "trap 'rm -f " + joinConfig + "' EXIT\n"
        + locked(node, "kubeadm join", "")
        + "if " + check + "; then exit 0; fi\n"
        + "if " + STARTED + "; then\n"
        + "  if [ -e " + KUBELET + " ] && ! { " + why + "; echo \"$out\" | grep -q NotFound; }; then\n"
        + "    echo \"" + node.name() + ": cannot tell whether it joined, the API does not answer with its kubelet.conf:"
        + " $out; fix the control-plane endpoint, then run the build again\" >&2; exit 1\n"
        + "  fi\n"
        + "  echo '" + node.name() + ": kubeadm join stopped half-way in an earlier try: resetting it to run it again' >&2\n"
        + "  kubeadm reset -f >&2 && " + LEFTOVERS + "\n"
        + "fi\n"
        + "kubeadm join --config " + joinConfig + " || exit $?\n"
        + "for i in $(seq 60); do if " + check + "; then exit 0; fi; sleep 2; done\n"
        + "echo '" + node.name() + ": kubeadm join finished but the Node did not register within 120 s:"
        + " see journalctl -u kubelet on " + node.name() + "' >&2; exit 1";
  }
}
