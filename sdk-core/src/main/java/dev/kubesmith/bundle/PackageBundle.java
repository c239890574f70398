package dev.kubesmith.bundle;

import dev.kubesmith.internal.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Debian packages of an offline bundle: a flat apt repository signed with a key generated into
 * the bundle, holding the whole dependency closure of the packages asked for, and a manifest with
 * the SHA-256 of every file. The closure is computed by apt itself, on this (operator) machine,
 * with a throwaway configuration: an empty dpkg status (as if nothing were installed), its own
 * lists, cache and sources, so the machine's own apt state is never read or changed. This machine
 * must run the hosts' release (Debian 12 for Debian 12 hosts).
 *
 * <pre>{@code
 * Path bundle = PackageBundle.compute(List.of("haproxy", "keepalived"),
 *     List.of("deb http://deb.debian.org/debian bookworm main"), Path.of("bundle"));
 * PackageBundle.verify(bundle);   // throws naming every file that does not match the manifest
 * }</pre>
 *
 * <p>On a host: the public key {@value #KEY} goes to /etc/apt/keyrings/, and the source is
 * {@code deb [signed-by=/etc/apt/keyrings/kubesmith-bundle.gpg] <url of the bundle's directory> ./};
 * apt verifies InRelease with the key (no {@code trusted=yes}). Needs apt-get, dpkg-deb and gpg here.
 */
public final class PackageBundle {
  /** Every file of the bundle with its SHA-256, as {@code sha256sum} writes them. */
  public static final String MANIFEST = "MANIFEST.sha256";
  /** The public key that signed InRelease (binary, for apt's signed-by). */
  public static final String KEY = "kubesmith-bundle.gpg";
  /** The same public key, ASCII-armored (apt reads a signed-by file ending in .asc as such). */
  public static final String KEY_ASC = "kubesmith-bundle.asc";
  /** The directory of the .deb files. */
  public static final String POOL = "pool";
  private static final long TIMEOUT_MINUTES = 15;
  private static final String PACKAGE = "[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+:~*-]+)?";

  private PackageBundle() {}

  /**
   * Downloads the closure of {@code packages} from {@code sources} (sources.list lines, e.g. a
   * site's own mirror) into a new directory {@code out} and makes it a signed repository.
   *
   * @throws BundleException naming the package, source or tool when apt, dpkg-deb or gpg fails
   */
  public static Path compute(List<String> packages, List<String> sources, Path out) {
    return compute(packages, sources, out, Map.of());
  }

  /** As {@link #compute(List, List, Path)}, with more files (relative path to text) in the bundle and its manifest. */
  public static Path compute(List<String> packages, List<String> sources, Path out, Map<String, String> files) {
    return compute(packages, sources, out, repository -> files);
  }

  /**
   * As {@link #compute(List, List, Path, Map)}, the more files computed from the signed repository
   * once it is written (e.g. {@link #kubeadmImages}), before the manifest is.
   */
  public static Path compute(List<String> packages, List<String> sources, Path out,
      java.util.function.Function<Path, Map<String, String>> more) {
    if (packages.isEmpty() || packages.stream().anyMatch(p -> !p.matches(PACKAGE + "(\\|" + PACKAGE + ")*"))) {
      throw new BundleException("packages " + packages + ": give Debian package names (e.g. haproxy, or kubeadm=1.34.2-1.1,"
          + " or containerd.io|containerd for the first of them the sources have)");
    }
    return write(out, "bundle", work -> {
      List<Path> debs = download(packages, sources, work);
      writeRepository(out, debs);
      sign(out, work);
      for (Map.Entry<String, String> f : more.apply(out).entrySet()) {
        Path p = out.resolve(f.getKey()).normalize();
        if (!p.startsWith(out) || Files.exists(p)) {
          throw new BundleException("bundle file " + f.getKey() + " is outside the bundle or one of its own");
        }
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
    });
  }

  private interface Writing {
    void into(Path work) throws IOException;
  }

  /** Into a new or empty {@code out} only; {@code writing} gets a scratch directory, removed afterwards; then the manifest. */
  private static Path write(Path out, String what, Writing writing) {
    try {
      if (Files.exists(out) && (!Files.isDirectory(out) || !isEmpty(out))) {
        throw new BundleException(out + " is not an empty directory: kubesmith writes a " + what + " only into a new or empty one");
      }
      Files.createDirectories(out.resolve(POOL));
      Path work = Files.createTempDirectory("kubesmith-" + what);
      try {
        writing.into(work);
        writeManifest(out);
      } finally {
        deleteTree(work);
      }
      return out;
    } catch (IOException e) {
      throw new BundleException("cannot write the " + what + " into " + out + ": " + e.getMessage(), e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /**
   * A signed flat repository (with its manifest) of exactly these .deb files, e.g. a site's own
   * packages to name in {@link BundleSources}: {@code deb [signed-by=OUT/kubesmith-bundle.gpg] file:OUT ./}.
   */
  public static Path repository(List<Path> debs, Path out) {
    return write(out, "repository", work -> {
      writeRepository(out, debs);
      sign(out, work);
    });
  }

  /**
   * The images {@code kubeadm config images list} of the bundle's kubeadm names for a Kubernetes
   * version, run from the package (unpacked with dpkg-deb into a scratch directory, never
   * installed); empty when the bundle has no kubeadm or it lists nothing that looks like an image.
   */
  public static List<String> kubeadmImages(Path bundle, String kubernetesVersion) {
    Path deb;
    try (Stream<Path> s = Files.list(bundle.resolve(POOL))) {
      deb = s.filter(p -> p.getFileName().toString().startsWith("kubeadm_")).findFirst().orElse(null);
    } catch (IOException e) {
      throw new BundleException("cannot read the bundle " + bundle + ": " + e.getMessage(), e);
    }
    if (deb == null) {
      return List.of();
    }
    try {
      Path work = Files.createTempDirectory("kubesmith-kubeadm");
      try {
        run(List.of("dpkg-deb", "-x", deb.toString(), work.toString()), "dpkg-deb -x " + deb.getFileName());
        String out = run(List.of(work.resolve("usr/bin/kubeadm").toString(), "config", "images", "list",
            "--kubernetes-version", kubernetesVersion), "kubeadm config images list");
        return out.lines().map(String::strip).filter(l -> l.matches("[a-z0-9.-]+(:[0-9]+)?/\\S+[:@]\\S+")).toList();
      } finally {
        deleteTree(work);
      }
    } catch (IOException | BundleException e) {
      return List.of(); // e.g. a kubeadm for another architecture: the caller says the list is missing
    }
  }

  /**
   * Checks every file of the bundle against its manifest: a changed, missing or unlisted file is
   * refused, all of them named in one message.
   */
  public static void verify(Path bundle) {
    Path manifest = bundle.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new BundleException(bundle + " is not a kubesmith bundle: it has no " + MANIFEST
          + "; compute one with PackageBundle.compute (kubesmith bundle --out DIR)");
    }
    try {
      Map<String, String> listed = new TreeMap<>();
      for (String line : Files.readAllLines(manifest)) {
        int sep = line.indexOf("  ");
        if (sep != 64) {
          throw new BundleException(manifest + ": not a manifest line: " + line.substring(0, Math.min(80, line.length())));
        }
        listed.put(line.substring(sep + 2), line.substring(0, sep));
      }
      Map<String, String> there = digests(bundle);
      List<String> problems = new ArrayList<>();
      listed.forEach((file, sha) -> {
        String actual = there.get(file);
        if (actual == null) {
          problems.add(file + " is missing");
        } else if (!actual.equals(sha)) {
          problems.add(file + " changed (SHA-256 " + actual + ", the manifest says " + sha + ")");
        }
      });
      there.keySet().stream().filter(f -> !listed.containsKey(f)).forEach(f -> problems.add(f + " is not in the manifest"));
      if (!problems.isEmpty()) {
        throw new BundleException("the bundle " + bundle + " does not match its manifest: " + String.join("; ", problems)
            + ". Compute the bundle again (or copy it again from where it was computed); kubesmith installs nothing from it");
      }
    } catch (IOException e) {
      throw new BundleException("cannot read the bundle " + bundle + ": " + e.getMessage(), e);
    }
  }

  /** apt with a configuration of its own: nothing installed, its own sources, lists and cache. */
  private static List<Path> download(List<String> packages, List<String> sources, Path work) throws IOException {
    Path state = Files.createDirectories(work.resolve("state/lists/partial"));
    Path cache = Files.createDirectories(work.resolve("cache/archives/partial"));
    Path parts = Files.createDirectories(work.resolve("sources.list.d"));
    Path status = Files.writeString(work.resolve("status"), "");
    // apt uses file: archives in place and never puts them in its cache: copy: is file: that copies
    Path list = Files.writeString(work.resolve("sources.list"), String.join("\n", sources.stream()
        .map(l -> l.replaceAll("(?<=\\s)file:", "copy:")).toList()) + "\n");
    List<String> apt = new ArrayList<>(List.of("apt-get", "-q",
        "-o", "Dir::State::status=" + status, "-o", "Dir::State=" + state.getParent().getParent(),
        "-o", "Dir::Cache=" + cache.getParent().getParent(), "-o", "Dir::Etc::SourceList=" + list,
        "-o", "Dir::Etc::SourceParts=" + parts, "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root",
        "-o", "APT::Install-Recommends=false"));
    List<String> update = new ArrayList<>(apt);
    update.add("update");
    run(update, "apt-get update of the bundle's sources " + sources);
    List<String> chosen = new ArrayList<>();
    for (String p : packages) {
      chosen.add(p.contains("|") ? firstAvailable(p, apt) : p);
    }
    List<String> install = new ArrayList<>(apt);
    install.addAll(List.of("install", "--download-only", "-y"));
    install.addAll(chosen);
    run(install, "apt-get install --download-only " + String.join(" ", chosen));
    try (Stream<Path> s = Files.list(cache.getParent())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
    }
  }

  /**
   * The first of {@code a|b|...} the sources have a candidate of, as a host's script chooses between
   * them (prepare-host.sh takes Docker's containerd.io over the distribution's containerd when its
   * repository is there); the last one when none has, so apt's own error names it.
   */
  private static String firstAvailable(String alternatives, List<String> apt) {
    String[] names = alternatives.split("\\|");
    for (String name : names) {
      List<String> madison = new ArrayList<>(apt);
      madison.set(0, "apt-cache");
      madison.addAll(List.of("madison", name.replaceFirst("=.*", "")));
      if (!run(madison, "apt-cache madison " + name).isBlank()) {
        return name;
      }
    }
    return names[names.length - 1];
  }

  /** pool/*.deb, Packages (dpkg-deb's control fields with Filename, Size and SHA256) and Release. */
  private static void writeRepository(Path out, List<Path> debs) throws IOException {
    StringBuilder index = new StringBuilder();
    for (Path deb : debs) {
      Path target = out.resolve(POOL).resolve(deb.getFileName());
      Files.copy(deb, target, StandardCopyOption.REPLACE_EXISTING);
      String control = run(List.of("dpkg-deb", "--field", target.toString()), "dpkg-deb --field " + deb.getFileName());
      index.append(control.stripTrailing()).append('\n')
          .append("Filename: ").append(POOL).append('/').append(deb.getFileName()).append('\n')
          .append("Size: ").append(Files.size(target)).append('\n')
          .append("SHA256: ").append(Sha256.hex(Files.readAllBytes(target))).append("\n\n");
    }
    byte[] packages = index.toString().getBytes(StandardCharsets.UTF_8);
    Files.write(out.resolve("Packages"), packages);
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(ZonedDateTime.now(ZoneOffset.UTC));
    String release = "Origin: kubesmith\nLabel: kubesmith bundle\nSuite: kubesmith\nCodename: kubesmith\n"
        + "Date: " + date + "\nSHA256:\n " + Sha256.hex(packages) + " " + packages.length + " Packages\n";
    Files.writeString(out.resolve("Release"), release);
  }

  /** A key made for this bundle signs InRelease; only its public half is in the bundle. */
  private static void sign(Path out, Path work) throws IOException {
    Path home = Files.createDirectory(work.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    List<String> gpg = List.of("gpg", "--batch", "--quiet", "--homedir", home.toString());
    List<String> gen = new ArrayList<>(gpg);
    gen.addAll(List.of("--passphrase", "", "--quick-gen-key", "kubesmith bundle <bundle@kubesmith.invalid>",
        "ed25519", "sign", "never"));
    run(gen, "gpg --quick-gen-key (the bundle's signing key)");
    List<String> export = new ArrayList<>(gpg);
    export.addAll(List.of("--output", out.resolve(KEY).toString(), "--export"));
    run(export, "gpg --export");
    List<String> armored = new ArrayList<>(gpg);
    armored.addAll(List.of("--armor", "--output", out.resolve(KEY_ASC).toString(), "--export"));
    run(armored, "gpg --export --armor");
    List<String> clearsign = new ArrayList<>(gpg);
    clearsign.addAll(List.of("--output", out.resolve("InRelease").toString(), "--clearsign", out.resolve("Release").toString()));
    run(clearsign, "gpg --clearsign Release");
  }

  private static void writeManifest(Path out) throws IOException {
    StringBuilder m = new StringBuilder();
    digests(out).forEach((file, sha) -> m.append(sha).append("  ").append(file).append('\n'));
    Files.writeString(out.resolve(MANIFEST), m);
  }

  /** Every regular file under the bundle but the manifest, by path relative to it. */
  private static Map<String, String> digests(Path bundle) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(bundle)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = bundle.relativize(p).toString();
        if (!rel.equals(MANIFEST)) {
          out.put(rel, Sha256.hex(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  private static String run(List<String> argv, String what) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    pb.environment().put("LC_ALL", "C");
    try {
      Path err = Files.createTempFile("kubesmith-bundle", ".err");
      try {
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new BundleException(what + " did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        if (p.exitValue() != 0) {
          List<String> lines = Files.readAllLines(err);
          throw new BundleException(what + " failed (exit " + p.exitValue() + "): "
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
        }
        return stdout;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new BundleException(what + ": cannot run " + argv.get(0) + " (" + e.getMessage() + "); the bundle needs apt-get,"
          + " dpkg-deb and gpg on this machine, e.g. apt-get install gpg", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BundleException(what + " was interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      dev.kubesmith.internal.Trees.delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
