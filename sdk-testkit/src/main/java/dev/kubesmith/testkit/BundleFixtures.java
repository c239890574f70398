package dev.kubesmith.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.kubesmith.bundle.BundleSources;
import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.testkit.internal.Proc;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What offline-bundle tests need: the Kubernetes packages no registry here ships (stand-in .debs
 * of kubelet, kubeadm and kubectl in a signed repository), this machine's own Debian mirror, and a
 * static file server for a bundle on a sandbox address.
 *
 * <pre>{@code
 * Path k8s = BundleFixtures.kubernetesRepository("1.34.2", tmp.resolve("k8s"));
 * Path bundle = cluster.bundle(tmp.resolve("bundle"), BundleFixtures.sources(k8s));
 * }</pre>
 */
public final class BundleFixtures {
  private BundleFixtures() {}

  /**
   * kubelet, kubeadm and kubectl at {@code version} (Debian revision -1.1, as pkgs.k8s.io), with the
   * dependencies of the real packages (kubernetes/release's kubelet spec: iptables, socat,
   * util-linux, ethtool, iproute, ebtables, conntrack; kubeadm on kubelet and kubectl; cri-tools
   * left out: nothing here ships it), as a signed flat repository in {@code dir}.
   */
  public static Path kubernetesRepository(String version, Path dir) {
    try {
      String arch = Proc.check("dpkg", "--print-architecture").strip();
      String minor = version.replaceFirst("^(\\d+\\.\\d+).*", "$1");
      Path work = Files.createDirectories(dir.resolveSibling(dir.getFileName() + ".debs"));
      List<Path> debs = new ArrayList<>();
      String[][] packages = {
          {"kubelet", "iptables (>= 1.4.21), socat, util-linux, ethtool, iproute2, ebtables, conntrack"},
          {"kubectl", ""},
          {"kubeadm", "kubelet (>= " + minor + ".0), kubectl (>= " + minor + ".0)"}};
      for (String[] p : packages) {
        Path root = work.resolve(p[0]);
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + p[0] + "\nVersion: " + version + "-1.1\nArchitecture: "
            + arch + "\nMaintainer: kubesmith test kit <tests@kubesmith.invalid>\n" + (p[1].isEmpty() ? "" : "Depends: " + p[1] + "\n")
            + "Description: " + p[0] + " stand-in of the kubesmith test kit\n");
        Path bin = Files.createDirectories(root.resolve("usr/bin")).resolve(p[0]);
        Files.writeString(bin, switch (p[0]) {
          case "kubeadm" -> kubeadmScript(version);
          case "kubelet" -> kubeletScript(version);
          default -> "#!/bin/sh\necho 'Client Version: v" + version + " (kubesmith stand-in)'\n";
        });
        bin.toFile().setExecutable(true, false);
        if (p[0].equals("kubelet")) {
          // as the real package (kubernetes/release's kubelet.service and 10-kubeadm.conf)
          Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system/kubelet.service.d"));
          Files.writeString(units.getParent().resolve("kubelet.service"), "[Unit]\nDescription=kubelet: The Kubernetes"
              + " Node Agent\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\n"
              + "ExecStart=/usr/bin/kubelet\nRestart=always\nStartLimitInterval=0\nRestartSec=10\n\n"
              + "[Install]\nWantedBy=multi-user.target\n");
          Files.writeString(units.resolve("10-kubeadm.conf"), "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS="
              + "--config=/var/lib/kubelet/config.yaml\"\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n"
              + "ExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS\n");
        }
        Path deb = work.resolve(p[0] + "_" + version + "-1.1_" + arch + ".deb");
        Proc.check("dpkg-deb", "--root-owner-group", "--build", root.toString(), deb.toString());
        debs.add(deb);
      }
      return PackageBundle.repository(debs, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** containerd.io's version in {@link #containerdRepository}: the oldest Kubernetes 1.34 accepts in the 1.7 series. */
  public static final String CONTAINERD_IO = "1.7.28";

  /**
   * A stand-in of Docker's containerd.io {@value #CONTAINERD_IO} (nothing here serves Docker's
   * repository, and Debian 12's containerd 1.6 is one the SDK refuses for Kubernetes 1.34), as a
   * signed flat repository in {@code dir}. Packaged as Docker packages it: Provides, Conflicts and
   * Replaces containerd and runc; /etc/containerd/config.toml a conffile that disables the CRI
   * plugin; containerd.service with {@code ExecStartPre=-/sbin/modprobe overlay}. Its daemon only
   * checks that its configuration is readable and keeps running; {@code --version} answers as the
   * real one does.
   */
  public static Path containerdRepository(Path dir) {
    try {
      String arch = Proc.check("dpkg", "--print-architecture").strip();
      Path work = Files.createDirectories(dir.resolveSibling(dir.getFileName() + ".debs"));
      Path root = work.resolve("containerd.io");
      Files.createDirectories(root.resolve("DEBIAN"));
      Files.writeString(root.resolve("DEBIAN/control"), "Package: containerd.io\nVersion: " + CONTAINERD_IO + "-1\n"
          + "Architecture: " + arch + "\nMaintainer: kubesmith test kit <tests@kubesmith.invalid>\n"
          + "Depends: libseccomp2 (>= 2.4.0)\nProvides: containerd, runc\nConflicts: containerd, runc\n"
          + "Replaces: containerd, runc\nDescription: containerd.io stand-in of the kubesmith test kit\n");
      Files.writeString(root.resolve("DEBIAN/conffiles"), "/etc/containerd/config.toml\n");
      Path etc = Files.createDirectories(root.resolve("etc/containerd"));
      Files.writeString(etc.resolve("config.toml"), "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n");
      Path bin = Files.createDirectories(root.resolve("usr/bin")).resolve("containerd");
      Files.writeString(bin, "#!/bin/sh\n"
          + "if [ \"$1\" = --version ] || [ \"$1\" = -v ]; then\n"
          + "  echo 'containerd containerd.io " + CONTAINERD_IO + " 83031836b2cf55637d7abf847b17134c51b38e53'; exit 0\n"
          + "fi\n"
          + "config=/etc/containerd/config.toml; [ \"$1\" = --config ] && config=$2\n"
          + "[ -r \"$config\" ] || { echo \"containerd: failed to load TOML: $config: no such file\" >&2; exit 1; }\n"
          + "mkdir -p /run/containerd\nexec sleep infinity\n");
      bin.toFile().setExecutable(true, false);
      Path units = Files.createDirectories(root.resolve("lib/systemd/system"));
      Files.writeString(units.resolve("containerd.service"), "[Unit]\nDescription=containerd container runtime\n"
          + "After=network.target local-fs.target\n\n[Service]\nExecStartPre=-/sbin/modprobe overlay\n"
          + "ExecStart=/usr/bin/containerd\nKillMode=process\nDelegate=yes\nRestart=always\nRestartSec=5\n\n"
          + "[Install]\nWantedBy=multi-user.target\n");
      Path deb = work.resolve("containerd.io_" + CONTAINERD_IO + "-1_" + arch + ".deb");
      Proc.check("dpkg-deb", "--root-owner-group", "--build", root.toString(), deb.toString());
      return PackageBundle.repository(List.of(deb), dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The stand-in kubeadm of the package: {@code config images list --kubernetes-version V} prints
   * what kubeadm's images.GetControlPlaneImages lists (cmd/kubeadm/app/images), in its order, for
   * registry.k8s.io: the control plane and kube-proxy at V, CoreDNS, pause and etcd. CoreDNS v1.12.1
   * and pause 3.10.1 are kubeadm 1.34's constants; etcd changed between 1.34's patch releases
   * (3.6.4-0 at 1.34.0, later 3.6.5-0): the tag here is the stand-in's, not a claim about 1.34.2.
   */
  private static String kubeadmScript(String version) {
    return "#!/bin/sh\n"
        + "if [ \"$1 $2 $3\" = 'config images list' ]; then\n"
        + "  v=v" + version + "; [ \"$4\" = --kubernetes-version ] && v=$5\n"
        + "  for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do echo \"registry.k8s.io/$c:$v\"; done\n"
        + "  printf '%s\\n' registry.k8s.io/coredns/coredns:v1.12.1 registry.k8s.io/pause:3.10.1 registry.k8s.io/etcd:3.6.5-0\n"
        + "  exit 0\n"
        + "fi\n"
        + "if [ \"$1 $2 $3\" = 'version -o short' ]; then echo v" + version + "; exit 0; fi\n"
        + "if [ \"$1\" = version ]; then echo 'kubeadm version: &version.Info{GitVersion:\"v" + version + "\"}'; exit 0; fi\n"
        + "echo \"kubeadm $1: not in this stand-in (the package's kubeadm lists images and its version only;"
        + " the sandbox's kubeadm stand-in builds clusters)\" >&2\nexit 1\n";
  }

  /**
   * The stand-in kubelet of the package: as the real one, it exits when kubeadm has not written its
   * configuration yet (systemd restarts it every 10 s until then), and runs once it is there.
   */
  private static String kubeletScript(String version) {
    return "#!/bin/sh\n"
        + "if [ \"$1\" = --version ]; then echo 'Kubernetes v" + version + "'; exit 0; fi\n"
        + "config=''; for a in \"$@\"; do case $a in --config=*) config=${a#--config=};; esac; done\n"
        + "if [ -n \"$config\" ] && [ ! -f \"$config\" ]; then\n"
        + "  echo \"E command failed: failed to load kubelet config file, path: $config, error: open $config: no such file or directory\" >&2\n"
        + "  exit 1\nfi\nexec sleep infinity\n";
  }

  /** The first Debian mirror of this machine's apt sources (as scripts/debian-root.sh takes it), else deb.debian.org. */
  public static String debianMirror() {
    try (Stream<Path> s = Files.list(Path.of("/etc/apt/sources.list.d"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".sources")).toList()) {
        for (String line : Files.readAllLines(p)) {
          if (line.strip().matches("URIs:\\s+\\S+/debian/?")) {
            return line.substring(5).strip();
          }
        }
      }
    } catch (IOException e) {
      // no deb822 sources: the default
    }
    return "http://deb.debian.org/debian";
  }

  /** Debian 12 main from this machine's mirror and the Kubernetes repository made by {@link #kubernetesRepository}. */
  public static BundleSources sources(Path kubernetesRepository) {
    return BundleSources.of(debianSource(), local(kubernetesRepository));
  }

  /** As {@link #sources(Path)}, and the repository of {@link #containerdRepository}, as a site with Docker's has it. */
  public static BundleSources sources(Path kubernetesRepository, Path containerdRepository) {
    return BundleSources.of(debianSource(), local(kubernetesRepository), local(containerdRepository));
  }

  private static String local(Path repository) {
    return "deb [signed-by=" + repository.resolve(PackageBundle.KEY) + "] file:" + repository + " ./";
  }

  /** Debian 12 main from this machine's mirror, signed by Debian's archive key. */
  public static String debianSource() {
    return "deb [signed-by=" + BundleSources.DEBIAN_KEYRING + "] " + debianMirror() + " bookworm main";
  }

  /**
   * Makes a bundle a machine's package source, as a host prepared for it has it: the bundle's key in
   * {@code /etc/apt/keyrings/kubesmith-bundle.gpg} and a signed-by source for {@code url} (where the
   * bundle is served), written into the machine's own files ({@code upper}, its root as it sees it).
   */
  public static void aptSource(Path upper, Path bundle, String url) {
    try {
      Files.createDirectories(upper.resolve("etc/apt/keyrings"));
      Files.copy(bundle.resolve(PackageBundle.KEY), upper.resolve("etc/apt/keyrings/kubesmith-bundle.gpg"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(upper.resolve("etc/apt/sources.list.d"));
      Files.writeString(upper.resolve("etc/apt/sources.list.d/kubesmith-bundle.list"),
          "deb [signed-by=/etc/apt/keyrings/kubesmith-bundle.gpg] " + url + " ./\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A static file server for what {@code root} supplies (read at every request, so a test may swap
   * it), on {@code ip} (a sandbox address of this machine) and a free port; stop it when done.
   */
  public static HttpServer serve(Supplier<Path> root, String ip) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(ip, 0), 0);
      server.createContext("/", ex -> {
        Path dir = root.get();
        Path f = dir.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
        if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
          ex.sendResponseHeaders(404, -1);
        } else {
          ex.sendResponseHeaders(200, Files.size(f));
          try (OutputStream out = ex.getResponseBody()) {
            Files.copy(f, out);
          }
        }
        ex.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve a bundle on " + ip, e);
    }
  }
}
