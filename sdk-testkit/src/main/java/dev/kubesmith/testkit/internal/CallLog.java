package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.Call;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the stubs' record file: {@code <epoch.micros> TAB <host> TAB <exit> TAB <argv0> TAB <arg> ...}. */
final class CallLog {
  private CallLog() {}

  static List<Call> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stub calls " + file + ": " + e.getMessage(), e);
    }
    List<Call> calls = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      if (f.length < 4) {
        continue;  // a line being written right now
      }
      List<String> argv = new ArrayList<>();
      for (int i = 3; i < f.length; i++) {
        argv.add(unescape(f[i]));
      }
      calls.add(new Call(time(f[0]), f[1], Integer.parseInt(f[2]), argv));
    }
    return calls;
  }

  static Instant time(String epoch) {
    BigDecimal micros = new BigDecimal(epoch.replace(',', '.')).movePointRight(6);
    long value = micros.longValue();
    return Instant.ofEpochSecond(value / 1_000_000, (value % 1_000_000) * 1_000);
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
