package io.stepwise.runtime.internal;

import java.util.Objects;

/**
 * The static description of one step: its name, retries, retry delays, timeout and what a failure
 * means for the run. Not API.
 */
public final class StepSpec {
  /** What a step's failure (after its retries) does to the run. */
  public enum OnFailure {
    /** The run stops and the completed steps are compensated: the default. */
    COMPENSATE,
    /** {@code continueOnPermanentFailure}: the error is recorded and the run goes on; the step has no output. */
    CONTINUE,
    /**
     * {@code skipOnPermanentFailure}: the error is recorded, the run is not compensated, and the steps
     * after the failed one are skipped, up to its {@link #skipUntil() skipUntil step} or to the end.
     */
    SKIP
  }

  private final String name;
  private final int maxRetries;
  private final long retryIntervalMillis;
  private final double backoff;
  private final long maxRetryIntervalMillis;
  private final long timeoutMillis;
  private final boolean retryOnTimeout;
  /** False: a failed attempt waits for the application's retry or fail ({@code @Step(autoRetry = false)}). */
  private final boolean autoRetry;
  private final OnFailure onFailure;
  /** The step a {@link OnFailure#SKIP} failure skips to ({@code skipUntil}); null: to the end. */
  private final String skipUntil;
  /** Whether the step may skip itself ({@code @Step(skippable = true)}, {@code StepResponse.skip()}). */
  private final boolean skippable;
  /**
   * Where a run goes on after this step's {@link OnFailure#SKIP} failure: the position of its resume-at
   * step, or the number of steps (none runs); set by {@link WorkflowSpec#of}, as {@link #position}.
   */
  int resumePosition;
  /**
   * Where the step stands in the last {@link WorkflowSpec} made with it: a hint that saves a run
   * looking the step up ({@code Execution.position}, which checks it). Not part of the step's value.
   */
  int position;

  private StepSpec(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    if (b.maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries of step '" + name + "' must be >= 0, was " + b.maxRetries);
    }
    if (b.retryIntervalMillis < 0 || b.maxRetryIntervalMillis < 0 || b.timeoutMillis < 0) {
      throw new IllegalArgumentException("durations of step '" + name + "' must be >= 0");
    }
    if (!(b.backoff >= 1.0) || Double.isInfinite(b.backoff)) {
      throw new IllegalArgumentException("backoff of step '" + name + "' must be a finite number >= 1, was " + b.backoff);
    }
    this.maxRetries = b.maxRetries;
    this.retryIntervalMillis = b.retryIntervalMillis;
    this.backoff = b.backoff;
    this.maxRetryIntervalMillis = b.maxRetryIntervalMillis;
    this.timeoutMillis = b.timeoutMillis;
    this.retryOnTimeout = b.retryOnTimeout;
    this.autoRetry = b.autoRetry;
    this.onFailure = Objects.requireNonNull(b.onFailure, "onFailure");
    if (b.skipUntil != null && onFailure != OnFailure.SKIP) {
      throw new IllegalArgumentException("step '" + name + "' resumes at '" + b.skipUntil
          + "' after a failure, which needs onFailure(SKIP)");
    }
    this.skipUntil = b.skipUntil;
    this.skippable = b.skippable;
  }

  /** A step with {@code maxRetries} immediate retries, no timeout, that fails the run when it fails. */
  public static StepSpec of(String name, int maxRetries) {
    return builder(name).maxRetries(maxRetries).build();
  }

  public static Builder builder(String name) {
    return new Builder(name);
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

  /** The timeout of one attempt in milliseconds; 0 means none. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /**
   * Whether an attempt that timed out is retried like any failed attempt (true, the default), or
   * fails the step at once, as in Medusa ({@code @Step(retryOnTimeout = false)}).
   */
  public boolean retryOnTimeout() {
    return retryOnTimeout;
  }

  /**
   * Whether a failed attempt is retried after its pause (true, the default), or waits for the
   * application to retry or fail the step ({@code @Step(autoRetry = false)}).
   */
  public boolean autoRetry() {
    return autoRetry;
  }

  public OnFailure onFailure() {
    return onFailure;
  }

  /**
   * The step at which the run goes on after this step failed with {@link OnFailure#SKIP} ({@code
   * @Step(skipUntil)}); null if the steps after it are skipped to the end.
   */
  public String skipUntil() {
    return skipUntil;
  }

  /** Whether the step may skip itself by returning {@code StepResponse.skip()} ({@code @Step(skippable = true)}). */
  public boolean skippable() {
    return skippable;
  }

  /**
   * The pause before retry number {@code retry} (1 for the first retry): the retry interval,
   * multiplied by the backoff for each earlier retry, capped by the maximum interval.
   */
  public long retryDelayMillis(int retry) {
    if (retryIntervalMillis == 0) {
      return 0;
    }
    double delay = retryIntervalMillis * Math.pow(backoff, retry - 1);
    long cap = maxRetryIntervalMillis > 0 ? maxRetryIntervalMillis : Long.MAX_VALUE;
    return delay >= cap ? cap : (long) delay;
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds a {@link StepSpec}; generated code sets only what the annotation gives. */
  public static final class Builder {
    private final String name;
    private int maxRetries;
    private long retryIntervalMillis;
    private double backoff = 1.0;
    private long maxRetryIntervalMillis;
    private long timeoutMillis;
    private boolean retryOnTimeout = true;
    private boolean autoRetry = true;
    private OnFailure onFailure = OnFailure.COMPENSATE;
    private String skipUntil;
    private boolean skippable;

    private Builder(String name) {
      this.name = name;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder retryInterval(long millis) {
      this.retryIntervalMillis = millis;
      return this;
    }

    public Builder backoff(double backoff) {
      this.backoff = backoff;
      return this;
    }

    public Builder maxRetryInterval(long millis) {
      this.maxRetryIntervalMillis = millis;
      return this;
    }

    public Builder timeout(long millis) {
      this.timeoutMillis = millis;
      return this;
    }

    public Builder retryOnTimeout(boolean retryOnTimeout) {
      this.retryOnTimeout = retryOnTimeout;
      return this;
    }

    public Builder autoRetry(boolean autoRetry) {
      this.autoRetry = autoRetry;
      return this;
    }

    public Builder onFailure(OnFailure onFailure) {
      this.onFailure = onFailure;
      return this;
    }

    /**
     * The step at which the run goes on after a {@link OnFailure#SKIP} failure of this one: the steps
     * between are skipped. Without it, every step after this one is.
     */
    public Builder skipUntil(String step) {
      this.skipUntil = Objects.requireNonNull(step, "step");
      return this;
    }

    /** The step may skip itself: {@code StepResponse.skip()}. */
    public Builder skippable() {
      this.skippable = true;
      return this;
    }

    public StepSpec build() {
      return new StepSpec(this);
    }
  }
}
