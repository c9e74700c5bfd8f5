package io.stepwise.example;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The record of one workflow run, as {@link ExecutionLog} keeps it: what
 * {@code GET /admin/workflows/executions/{transaction_id}} shows.
 *
 * @param transactionId the run's transaction id
 * @param workflowName the workflow's name, for example {@code "create-restock-order"}
 * @param status {@code invoking} while steps run, {@code compensating} while a failure is undone,
 *     then {@code done}, {@code reverted} (a step failed, the completed steps were undone) or
 *     {@code failed} (a compensation failed too: some work is not undone)
 * @param startedAt when the run began
 * @param finishedAt when it ended; {@code null} while it runs
 * @param steps the steps that began, in the order they began
 */
public record WorkflowExecution(
    String transactionId,
    String workflowName,
    String status,
    OffsetDateTime startedAt,
    OffsetDateTime finishedAt,
    List<Step> steps) {

  public WorkflowExecution {
    steps = List.copyOf(steps);
  }

  /**
   * A step of a run.
   *
   * @param name the step's name
   * @param status {@code invoking}, {@code done}, {@code failed}, {@code skipped}, {@code reverted}
   *     (done, then compensated) or {@code compensation_failed}
   * @param attempts how many times the step was tried
   * @param errors what went wrong, at most one per phase; safe to show ({@link PublicErrors})
   */
  public record Step(String name, String status, int attempts, List<Error> errors) {
    public Step {
      errors = List.copyOf(errors);
    }
  }

  /**
   * An error of a step.
   *
   * @param phase {@code invoke} (the step failed) or {@code compensate} (its compensation failed)
   * @param message what went wrong, safe to show
   */
  public record Error(String phase, String message) {}
}
