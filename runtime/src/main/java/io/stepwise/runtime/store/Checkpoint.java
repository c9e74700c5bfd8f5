package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a run's append-only record: what became of one step (or of its condition, or of its
 * compensation), with its data. Its {@link #kind()} says which parts it has.
 *
 * <p>The {@linkplain #sequence() sequence number} orders the checkpoints of a run: the engine numbers
 * them in the order it makes them, which is also the order in which the steps of a parallel group
 * completed (and so the reverse of the order in which they are compensated). A store keeps each
 * number once and gives the checkpoints back in its order.
 *
 * <p>Times are kept to the microsecond.
 */
public final class Checkpoint {
  private final int sequence;
  private final CheckpointKind kind;
  private final int position;
  private final String stepName;
  private final int attempts;
  private final Instant started;
  private final Instant ended;
  private final Object output;
  private final boolean hasCompensationInput;
  private final Object compensationInput;
  private final StoredError error;

  private Checkpoint(Builder b) {
    this.sequence = b.sequence;
    this.kind = b.kind;
    this.position = b.position;
    this.stepName = b.stepName;
    this.attempts = b.attempts;
    this.ended = b.ended == null ? Times.now() : b.ended;
    this.started = b.started == null ? this.ended : b.started;
    this.output = b.output;
    this.hasCompensationInput = b.hasCompensationInput || kind == CheckpointKind.STEP_COMPLETED;
    this.compensationInput = b.compensationInput;
    this.error = b.error;
  }

  /**
   * Starts a checkpoint.
   *
   * @param sequence its number in the run, from 0, unique in the run
   * @param kind what it records
   * @param position the step's index in the workflow's declaration order, from 0
   * @param stepName the step's name, as in {@code @Step("...")}
   */
  public static Builder builder(int sequence, CheckpointKind kind, int position, String stepName) {
    return new Builder(sequence, kind, position, stepName);
  }

  /** Its number in the run: checkpoints are ordered by it. */
  public int sequence() {
    return sequence;
  }

  public CheckpointKind kind() {
    return kind;
  }

  /** The index of the step in the workflow's declaration order, from 0. */
  public int position() {
    return position;
  }

  /** The step's name, as in {@code @Step("...")}. */
  public String stepName() {
    return stepName;
  }

  /** How many times the step (or its compensation) was tried; 0 where nothing was tried. */
  public int attempts() {
    return attempts;
  }

  /** When the step's (or compensation's) first attempt started. */
  public Instant started() {
    return started;
  }

  /** When the step (or compensation) ended; when a condition was decided. */
  public Instant ended() {
    return ended;
  }

  /** The step's output if {@link CheckpointKind#STEP_COMPLETED} (null for a {@code void} step); else null. */
  public Object output() {
    return output;
  }

  /**
   * Whether it has a compensation input: always for {@link CheckpointKind#STEP_COMPLETED}, and for
   * a failed or tolerated step that handed one.
   */
  public boolean hasCompensationInput() {
    return hasCompensationInput;
  }

  /** The compensation input, if {@link #hasCompensationInput()}; else null. */
  public Object compensationInput() {
    return compensationInput;
  }

  /** The error, for the kinds that {@linkplain CheckpointKind#hasError() have one}. */
  public Optional<StoredError> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint that
        && sequence == that.sequence
        && kind == that.kind
        && position == that.position
        && stepName.equals(that.stepName)
        && attempts == that.attempts
        && started.equals(that.started)
        && ended.equals(that.ended)
        && Objects.equals(output, that.output)
        && hasCompensationInput == that.hasCompensationInput
        && Objects.equals(compensationInput, that.compensationInput)
        && Objects.equals(error, that.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sequence, kind, position, stepName, attempts, started, ended, output, compensationInput,
        error);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Checkpoint{#").append(sequence).append(' ').append(kind)
        .append(" step ").append(position).append(" '").append(stepName).append("', attempts=").append(attempts);
    if (kind.hasOutput()) {
      sb.append(", output=").append(output);
    }
    if (hasCompensationInput) {
      sb.append(", compensationInput=").append(compensationInput);
    }
    if (error != null) {
      sb.append(", error=").append(error.toException());
    }
    return sb.append('}').toString();
  }

  /** Builds a {@link Checkpoint}; {@link #build()} checks that it has the parts its kind needs. */
  public static final class Builder {
    private final int sequence;
    private final CheckpointKind kind;
    private final int position;
    private final String stepName;
    private int attempts;
    private Instant started;
    private Instant ended;
    private Object output;
    private boolean hasCompensationInput;
    private Object compensationInput;
    private StoredError error;

    private Builder(int sequence, CheckpointKind kind, int position, String stepName) {
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
      }
      if (position < 0) {
        throw new IllegalArgumentException("position must be >= 0, was " + position);
      }
      this.sequence = sequence;
      this.kind = Objects.requireNonNull(kind, "kind");
      this.position = position;
      this.stepName = RunTypes.checkName(stepName, "stepName");
    }

    /** How many times the step (or compensation) was tried; default 0. */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /** When the first attempt started; default: {@link #ended}. */
    public Builder started(Instant started) {
      this.started = Times.micros(Objects.requireNonNull(started, "started"));
      return this;
    }

    /** When it ended; default: when {@link #build()} is called. */
    public Builder ended(Instant ended) {
      this.ended = Times.micros(Objects.requireNonNull(ended, "ended"));
      return this;
    }

    /** The step's output (null for a {@code void} step); only for {@link CheckpointKind#STEP_COMPLETED}. */
    public Builder output(Object output) {
      if (!kind.hasOutput()) {
        throw new IllegalArgumentException("a " + kind + " checkpoint has no output; only STEP_COMPLETED has one");
      }
      this.output = output;
      return this;
    }

    /**
     * The compensation input: for {@link CheckpointKind#STEP_COMPLETED} (default null), and for
     * {@link CheckpointKind#STEP_FAILED} or {@link CheckpointKind#STEP_TOLERATED} when the step handed
     * one.
     */
    public Builder compensationInput(Object compensationInput) {
      if (!kind.mayHaveCompensationInput()) {
        throw new IllegalArgumentException("a " + kind + " checkpoint has no compensation input; only "
            + "STEP_COMPLETED, STEP_FAILED and STEP_TOLERATED may have one");
      }
      this.hasCompensationInput = true;
      this.compensationInput = compensationInput;
      return this;
    }

    /** The error: required for the kinds that {@linkplain CheckpointKind#hasError() have one}, refused otherwise. */
    public Builder error(StoredError error) {
      if (!kind.hasError()) {
        throw new IllegalArgumentException("a " + kind + " checkpoint has no error; only ATTEMPT_FAILED, "
            + "STEP_TOLERATED, STEP_FAILED and COMPENSATION_FAILED have one");
      }
      this.error = Objects.requireNonNull(error, "error");
      return this;
    }

    /** The error of {@code exception}: see {@link #error(StoredError)}. */
    public Builder error(Throwable exception) {
      return error(StoredError.of(exception));
    }

    /**
     * @throws IllegalStateException if the kind needs an error and none was given, or it started
     *     after it ended
     */
    public Checkpoint build() {
      if (kind.hasError() && error == null) {
        throw new IllegalStateException("a " + kind + " checkpoint needs an error (step '" + stepName + "')");
      }
      Checkpoint checkpoint = new Checkpoint(this);
      if (checkpoint.started.isAfter(checkpoint.ended)) {
        throw new IllegalStateException("checkpoint of step '" + stepName + "' started at " + checkpoint.started
            + ", after it ended at " + checkpoint.ended);
      }
      return checkpoint;
    }
  }
}
