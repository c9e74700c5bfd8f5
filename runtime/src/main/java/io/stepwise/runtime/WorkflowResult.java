package io.stepwise.runtime;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one workflow run.
 *
 * @param <R> the workflow's result type
 */
public final class WorkflowResult<R> {
  private final String workflowName;
  private final String transactionId;
  private final WorkflowStatus status;
  private final R result;
  private final List<StepError> errors;

  public WorkflowResult(
      String workflowName, String transactionId, WorkflowStatus status, R result, List<StepError> errors) {
    this.workflowName = Objects.requireNonNull(workflowName, "workflowName");
    this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
    this.status = Objects.requireNonNull(status, "status");
    this.result = result;
    this.errors = List.copyOf(errors);
  }

  /**
   * The workflow's result: the output of its result step if {@link #status()} is DONE; else {@code
   * Optional.empty()} where the result type is an {@code Optional} (the result step is conditional,
   * tolerates failures, or returns one), and {@code null} for any other type.
   */
  public R result() {
    return result;
  }

  public WorkflowStatus status() {
    return status;
  }

  /** Whether the run ended {@link WorkflowStatus#DONE}. */
  public boolean isDone() {
    return status == WorkflowStatus.DONE;
  }

  public String transactionId() {
    return transactionId;
  }

  public String workflowName() {
    return workflowName;
  }

  /** Every error of the run, in the order they happened: the failed step first, then compensations. */
  public List<StepError> errors() {
    return errors;
  }

  @Override
  public String toString() {
    return "WorkflowResult{workflow=" + workflowName + ", transactionId=" + transactionId
        + ", status=" + status + ", result=" + result + ", errors=" + errors + "}";
  }
}
