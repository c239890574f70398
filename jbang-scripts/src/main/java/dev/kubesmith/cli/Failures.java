package dev.kubesmith.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Problems found so far, each with the exit code it calls for; shared by the commands. */
final class Failures {
  private final List<String> messages = new ArrayList<>();
  private int exitCode = Integer.MAX_VALUE;

  void add(int code, String message) {
    messages.add(message);
    // Invalid input outranks a mirror or I/O failure: fix the input first.
    exitCode = Math.min(exitCode, code);
  }

  boolean any() {
    return !messages.isEmpty();
  }

  int count() {
    return messages.size();
  }

  int report(PrintWriter err) {
    messages.forEach(m -> err.println("error: " + m));
    return exitCode;
  }
}
