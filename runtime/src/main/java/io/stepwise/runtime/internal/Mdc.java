package io.stepwise.runtime.internal;

import java.util.Map;
import org.slf4j.MDC;

/** The thread's slf4j MDC: the runtime's keys, and the MDC set for a stretch of work and given back after it. Not API. */
final class Mdc {
  /** The MDC key of the transaction id, set while a run is in progress. */
  static final String TRANSACTION_ID = "stepwise.transactionId";
  /** The MDC key of the workflow's name, set while a run is in progress. */
  static final String WORKFLOW = "stepwise.workflow";
  /** The MDC key of the step's name, set while a step, condition or compensation runs. */
  static final String STEP = "stepwise.step";

  private Mdc() {}

  /**
   * Runs {@code body} with {@code context} as the thread's whole MDC (none if null), then puts the
   * thread's own MDC back, whole: keys the body added (a step's own, say) do not stay on the thread.
   */
  static void with(Map<String, String> context, Runnable body) {
    Map<String, String> previous = set(context);
    try {
      body.run();
    } finally {
      set(previous);
    }
  }

  /** Work that gives a value, or throws. */
  interface Work<T> {
    T run() throws Exception;
  }

  /** As {@link #with}, for work that gives a value or throws: a step's on the run store's thread, say. */
  static <T> T call(Map<String, String> context, Work<T> work) throws Exception {
    Map<String, String> previous = set(context);
    try {
      return work.run();
    } finally {
      set(previous);
    }
  }

  /** Makes {@code context} the thread's whole MDC (none if null); gives the one it had. */
  private static Map<String, String> set(Map<String, String> context) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
    return previous;
  }

  /**
   * Sets the step's key, for a step's attempt, condition or compensation. It is not taken back
   * afterwards: the next step sets its own, and the run's end (or the end of an asynchronous run's
   * segment) gives the thread back the key it had before the run.
   */
  static void step(StepSpec step) {
    MDC.put(STEP, step.name());
  }

  /** Puts {@code value} back under {@code key}, or removes the key if it had none. */
  static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
