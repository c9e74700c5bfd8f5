package io.stepwise.benchmarks;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;

/**
 * The logging the benchmarks run with: slf4j over java.util.logging (slf4j-jdk14), the
 * {@code io.stepwise} loggers at SEVERE (slf4j's {@code error}). Nothing is printed (the failure
 * path's WARN and INFO lines stay below the level), but every log call of the runtime still runs up
 * to its level check, and its MDC puts go to a real MDC: slf4j's {@link BasicMDCAdapter}, a
 * thread-local HashMap like logback's and log4j's (slf4j-simple 2.x has a no-op MDC).
 */
final class QuietLogging {
  /** java.util.logging holds its loggers weakly: keep the configured one. */
  private static final Logger STEPWISE = Logger.getLogger("io.stepwise");

  private QuietLogging() {}

  static void install() {
    STEPWISE.setLevel(Level.SEVERE);
    if (!(MDC.getMDCAdapter() instanceof BasicMDCAdapter)) {
      throw new IllegalStateException("benchmark set-up check failed: expected slf4j's BasicMDCAdapter, got "
          + MDC.getMDCAdapter() + "; is slf4j-jdk14 the only slf4j provider on the class path?");
    }
  }
}
