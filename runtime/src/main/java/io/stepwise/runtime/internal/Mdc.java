package io.stepwise.runtime.internal;

import java.util.Map;
import org.slf4j.MDC;

/** The thread's slf4j MDC, set for a stretch of work and given back after it. Not API. */
final class Mdc {
  private Mdc() {}

  /**
   * Runs {@code body} with {@code context} as the thread's whole MDC (none if null), then puts the
   * thread's own MDC back, whole: keys the body added (a step's own, say) do not stay on the thread.
   */
  static void with(Map<String, String> context, Runnable body) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
    try {
      body.run();
    } finally {
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }
}
