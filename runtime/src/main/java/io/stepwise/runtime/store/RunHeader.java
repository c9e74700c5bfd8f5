package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The header of a recorded run, without its values: what {@link RunStore#list} and {@link
 * RunStore#find} give, and the first part of a {@link StoredRun}.
 */
public final class RunHeader {
  private final String transactionId;
  private final String workflowName;
  private final String fingerprint;
  private final String parentTransactionId;
  private final RunStatus status;
  private final Instant deadline;
  private final Instant created;
  private final Instant updated;
  private final Instant ended;

  /**
   * For store implementations.
   *
   * @param parentTransactionId null for a top-level run
   * @param deadline null for a run without a timeout
   * @param ended null unless {@code status} {@linkplain RunStatus#isEnded() has ended}
   */
  public RunHeader(String transactionId, String workflowName, String fingerprint, String parentTransactionId,
      RunStatus status, Instant deadline, Instant created, Instant updated, Instant ended) {
    this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
    this.workflowName = Objects.requireNonNull(workflowName, "workflowName");
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.parentTransactionId = parentTransactionId;
    this.status = Objects.requireNonNull(status, "status");
    this.deadline = deadline;
    this.created = Objects.requireNonNull(created, "created");
    this.updated = Objects.requireNonNull(updated, "updated");
    this.ended = ended;
    if (status.isEnded() != (ended != null)) {
      throw new IllegalArgumentException("a run that is " + status + " must " + (ended == null ? "" : "not ")
          + "have an end time");
    }
  }

  public String transactionId() {
    return transactionId;
  }

  public String workflowName() {
    return workflowName;
  }

  /** The fingerprint of the definition that began the run. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The parent run's transaction id, for the run of a child workflow. */
  public Optional<String> parentTransactionId() {
    return Optional.ofNullable(parentTransactionId);
  }

  public RunStatus status() {
    return status;
  }

  /** When the workflow's timeout expires, if it has one. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** When the run began. */
  public Instant created() {
    return created;
  }

  /** When the store last wrote to the run's record. */
  public Instant updated() {
    return updated;
  }

  /** When the run ended, if it has. */
  public Optional<Instant> ended() {
    return Optional.ofNullable(ended);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunHeader that
        && transactionId.equals(that.transactionId)
        && workflowName.equals(that.workflowName)
        && fingerprint.equals(that.fingerprint)
        && Objects.equals(parentTransactionId, that.parentTransactionId)
        && status == that.status
        && Objects.equals(deadline, that.deadline)
        && created.equals(that.created)
        && updated.equals(that.updated)
        && Objects.equals(ended, that.ended);
  }

  @Override
  public int hashCode() {
    return Objects.hash(transactionId, workflowName, status, created, updated);
  }

  @Override
  public String toString() {
    return "RunHeader{" + workflowName + " '" + transactionId + "' " + status + ", fingerprint=" + fingerprint
        + (parentTransactionId == null ? "" : ", parent=" + parentTransactionId)
        + ", created=" + created + ", updated=" + updated + (ended == null ? "" : ", ended=" + ended) + "}";
  }
}
