package io.cxpulse.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LOG_FORMAT=json}: every log line on standard output becomes one JSON object (logback's
 * JsonEncoder) with the time, level, thread, logger, formatted message, key-value pairs, the MDC
 * — where {@link HttpObservability} puts the request id — and the exception if any. The default
 * {@code text} keeps logback.xml's human format.
 */
public final class StructuredLogs {
  static final String APPENDER = "json";

  private StructuredLogs() {}

  /** Switches the process's logging to JSON lines when {@code format} is {@code json}. Idempotent. */
  public static void apply(String format) {
    if ("json".equals(format) && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      apply(context);
    }
  }

  static synchronized void apply(LoggerContext context) {
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root.getAppender(APPENDER) != null) return;
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setEncoder(encoder(context));
    appender.start();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  static JsonEncoder encoder(Context context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    // Leave out what a log shipper does not need on every line: the logback context and its
    // properties, sequence numbers, the unformatted message and its arguments.
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }
}
