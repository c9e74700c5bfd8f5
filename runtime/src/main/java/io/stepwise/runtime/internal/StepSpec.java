package io.stepwise.runtime.internal;

import java.util.Objects;

/** The static description of one step: its name and retry count. Not API. */
public final class StepSpec {
  private final String name;
  private final int maxRetries;

  private StepSpec(String name, int maxRetries) {
    this.name = Objects.requireNonNull(name, "name");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries of step '" + name + "' must be >= 0, was " + maxRetries);
    }
    this.maxRetries = maxRetries;
  }

  public static StepSpec of(String name, int maxRetries) {
    return new StepSpec(name, maxRetries);
  }

  public String name() {
    return name;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /** How many times the step, or its compensation, is tried at most. */
  public int maxAttempts() {
    return maxRetries + 1;
  }

  @Override
  public String toString() {
    return name;
  }
}
