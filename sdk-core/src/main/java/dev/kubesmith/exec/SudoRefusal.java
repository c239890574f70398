package dev.kubesmith.exec;

import java.util.regex.Pattern;

/** sudo's own refusals: kubesmith runs {@code sudo -n}, which never asks for a password but says it wanted one. */
final class SudoRefusal {
  private static final Pattern REFUSED = Pattern.compile(
      "(?m)^sudo: (a password is required|a terminal is required.*|.* is not in the sudoers file.*|"
          + "Sorry, user .* may not run sudo .*)$");

  private SudoRefusal() {}

  static boolean in(String stderr) {
    return stderr != null && REFUSED.matcher(stderr).find();
  }

  /** What the user does about it, for a message. */
  static String fix(String host) {
    return "the SSH user of " + host + " may not run commands as root without a password (kubesmith runs sudo -n,"
        + " which never asks for one): on " + host + ", as root, allow it, e.g. echo '<user> ALL=(ALL) NOPASSWD:ALL'"
        + " > /etc/sudoers.d/<user> && chmod 0440 /etc/sudoers.d/<user>; or SSH as root (Ssh.user(\"root\"), --ssh-user root);"
        + " then run the build again";
  }
}
