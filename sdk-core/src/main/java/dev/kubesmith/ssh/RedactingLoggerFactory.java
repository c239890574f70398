package dev.kubesmith.ssh;

import net.schmizz.sshj.common.LoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * sshj's loggers, made safe for secrets: sshj logs each command as sent ({@code Will request to exec
 * `kubeadm join ... --token ...`}) at debug, and whole packets at trace. Messages pass through the
 * build's {@link Redactor}; trace is never enabled, since a hex dump of a packet cannot be redacted.
 * Internal to the connector:
 *
 * <pre>{@code
 * DefaultConfig config = new DefaultConfig();
 * config.setLoggerFactory(new RedactingLoggerFactory(redactor));
 * }</pre>
 */
final class RedactingLoggerFactory implements LoggerFactory {
  private final Redactor redactor;

  RedactingLoggerFactory(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public Logger getLogger(String name) {
    return new RedactingLogger(org.slf4j.LoggerFactory.getLogger(name), redactor);
  }

  @Override
  public Logger getLogger(Class<?> clazz) {
    return getLogger(clazz.getName());
  }

  /** Formats, redacts, then hands the text to the real logger at the same level (never trace). */
  private static final class RedactingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient Logger delegate;
    private final transient Redactor redactor;

    RedactingLogger(Logger delegate, Redactor redactor) {
      this.delegate = delegate;
      this.redactor = redactor;
      this.name = delegate.getName();
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable error) {
      if (level == Level.TRACE) {
        return;
      }
      String text = MessageFormatter.basicArrayFormat(pattern, args);
      if (error != null) {
        // the message of an exception may quote a command too; its stack trace adds nothing secret
        text = text + ": " + error.getClass().getName() + ": " + error.getMessage();
      }
      String safe = redactor.redact(text);
      switch (level) {
        case DEBUG -> delegate.debug(safe);
        case INFO -> delegate.info(safe);
        case WARN -> delegate.warn(safe);
        default -> delegate.error(safe);
      }
    }
  }
}
