package io.stepwise.runtime.internal;

/**
 * A completed run of a child workflow: its result, and the run whose completed steps the parent
 * compensates as a unit if it later fails. Not API.
 */
public final class ChildRun<R> {
  private final R result;
  private final Execution run;

  ChildRun(R result, Execution run) {
    this.result = result;
    this.run = run;
  }

  public R result() {
    return result;
  }

  Execution run() {
    return run;
  }

  @Override
  public String toString() {
    return "ChildRun{" + run.transactionId() + ", result=" + result + "}";
  }
}
