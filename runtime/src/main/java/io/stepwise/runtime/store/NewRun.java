package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RunStore#begin} records of a run that starts: the header's fixed parts and the input.
 * The workflow's name comes with the {@link RunTypes}.
 */
public final class NewRun {
  private final String transactionId;
  private final String fingerprint;
  private final Object input;
  private final Instant deadline;
  private final String parentTransactionId;
  private final Instant created;

  private NewRun(Builder b) {
    this.transactionId = b.transactionId;
    this.fingerprint = b.fingerprint;
    this.input = b.input;
    this.deadline = b.deadline;
    this.parentTransactionId = b.parentTransactionId;
    this.created = b.created == null ? Times.now() : b.created;
  }

  /**
   * Starts a new run's record.
   *
   * @param transactionId the run's transaction id: non-blank, at most 255 characters
   * @param fingerprint the fingerprint of the workflow's definition (computed by the processor), by
   *     which a run recorded by another definition is recognised: non-blank, at most 255 characters
   */
  public static Builder builder(String transactionId, String fingerprint) {
    return new Builder(transactionId, fingerprint);
  }

  public String transactionId() {
    return transactionId;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** The workflow's input; null for a workflow without input. */
  public Object input() {
    return input;
  }

  /** When the workflow's timeout expires, on the wall clock; empty for a run without a timeout. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The transaction id of the run whose step runs this one as a child workflow; empty for a top-level run. */
  public Optional<String> parentTransactionId() {
    return Optional.ofNullable(parentTransactionId);
  }

  /** When the run began. */
  public Instant created() {
    return created;
  }

  @Override
  public String toString() {
    return "NewRun{" + transactionId + ", fingerprint=" + fingerprint + ", input=" + input + "}";
  }

  /** Builds a {@link NewRun}. */
  public static final class Builder {
    private final String transactionId;
    private final String fingerprint;
    private Object input;
    private Instant deadline;
    private String parentTransactionId;
    private Instant created;

    private Builder(String transactionId, String fingerprint) {
      this.transactionId = RunTypes.checkName(transactionId, "transactionId");
      this.fingerprint = RunTypes.checkName(fingerprint, "fingerprint");
    }

    /** The workflow's input; default null (a workflow without input). */
    public Builder input(Object input) {
      this.input = input;
      return this;
    }

    /** When the workflow's timeout expires; default none. */
    public Builder deadline(Instant deadline) {
      this.deadline = Times.micros(Objects.requireNonNull(deadline, "deadline"));
      return this;
    }

    /** The parent run's transaction id, for a child workflow's run; default none. */
    public Builder parentTransactionId(String parentTransactionId) {
      this.parentTransactionId = RunTypes.checkName(parentTransactionId, "parentTransactionId");
      return this;
    }

    /** When the run began; default: when {@link #build()} is called. */
    public Builder created(Instant created) {
      this.created = Times.micros(Objects.requireNonNull(created, "created"));
      return this;
    }

    public NewRun build() {
      return new NewRun(this);
    }
  }
}
