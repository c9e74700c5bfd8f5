package io.stepwise.crash;

import java.time.Instant;
import java.util.List;

/**
 * One line of the effect log: something a step, a compensation, a condition or a worker of a
 * {@link CrashChild} did, written by {@link EffectLog} before or as it happened.
 *
 * <p>A line has eight fields, separated by one space, {@code -} for none:
 * {@code micros generation kind transactionId step attempt token data}, where {@code micros} is the
 * wall-clock time in microseconds since the epoch, {@code generation} the number of the child JVM
 * that wrote it, and the rest depend on the kind (see {@link Kind}).
 *
 * @param position the line's index in the log: the order in which things happened
 */
record Effect(int position, long micros, int generation, Kind kind, String transactionId, String step, int attempt,
    String token, String data) {

  /** What a line records. */
  enum Kind {
    /** A worker calls the runner: {@code step} is the workflow's name, {@code data} the input's number. */
    START,
    /** The runner returned to the worker: {@code data} is the run's status, or {@code ERROR:<exception class>}. */
    END,
    /** A step is invoked: its attempt, and the token that names this invocation (and is its output). */
    INVOKE,
    /** The invocation {@code token} succeeded: it returns (or completes its stage) right after. */
    OK,
    /** The invocation {@code token} fails on purpose: it throws (or completes exceptionally) right after. */
    FAIL,
    /** A {@code @When} condition is evaluated: {@code data} is its decision. */
    WHEN,
    /** A compensation is invoked: its attempt, its own token, and its input in {@code data}. */
    COMPENSATE,
    /** The compensation {@code token} succeeded. */
    COMPENSATED,
    /** The compensation {@code token} fails on purpose (it is tried again). */
    UNCOMPENSATED
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  /** The line, without its end of line. */
  String line() {
    return String.join(" ", Long.toString(micros), Integer.toString(generation), kind.name(), transactionId,
        orDash(step), attempt == 0 ? "-" : Integer.toString(attempt), orDash(token), orDash(data));
  }

  /**
   * The effect of a complete line.
   *
   * @throws IllegalArgumentException if the line is not one that {@link #line()} writes
   */
  static Effect parse(int position, String line) {
    List<String> f = List.of(line.split(" ", -1));
    if (f.size() != 8) {
      throw new IllegalArgumentException("line " + (position + 1) + " of the effect log has " + f.size()
          + " fields, not 8: '" + line + "'");
    }
    return new Effect(position, Long.parseLong(f.get(0)), Integer.parseInt(f.get(1)), Kind.valueOf(f.get(2)),
        f.get(3), dash(f.get(4)), f.get(5).equals("-") ? 0 : Integer.parseInt(f.get(5)), dash(f.get(6)), dash(f.get(7)));
  }

  private static String orDash(String s) {
    if (s == null) {
      return "-";
    }
    if (s.isEmpty() || s.equals("-") || s.contains(" ") || s.contains("\n")) {
      throw new IllegalArgumentException("not a field of the effect log: '" + s + "'");
    }
    return s;
  }

  private static String dash(String s) {
    return s.equals("-") ? null : s;
  }

  @Override
  public String toString() {
    return "#" + (position + 1) + " " + line();
  }
}
