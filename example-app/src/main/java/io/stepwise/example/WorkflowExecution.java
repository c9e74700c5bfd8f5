package io.stepwise.example;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.StoredError;
import io.stepwise.runtime.store.StoredRun;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The record of one workflow run, as the engine keeps it ({@code WorkflowEngine.timeline}): what
 * {@code GET /admin/workflows/executions/{transaction_id}} shows.
 *
 * @param transactionId the run's transaction id
 * @param workflowName the workflow's name, for example {@code "create-restock-order"}
 * @param status {@code invoking} while steps run, {@code compensating} while a failure is undone,
 *     {@code waiting} while a step waits for a manual retry, then {@code done}, {@code reverted} (a step failed, the completed steps were undone) or
 *     {@code failed} (a compensation failed too: some work is not undone)
 * @param startedAt when the run began
 * @param finishedAt when it ended; {@code null} while it runs
 * @param steps the steps that have a record, in the workflow's order
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
   * @param status {@code invoking} (an attempt failed, another follows), {@code waiting} (for a manual
   *     retry), {@code done}, {@code failed},
   *     {@code skipped}, {@code reverted} (done, then compensated) or {@code compensation_failed}
   * @param attempts how many times the step was tried
   * @param startedAt when its first attempt started; null if it never ran
   * @param finishedAt when it ended (done, failed or skipped); null while it runs
   * @param compensatedAt when its compensation ended (reverted or compensation_failed); else null
   * @param errors what went wrong, at most one per phase; safe to show ({@link PublicErrors})
   */
  public record Step(String name, String status, int attempts, OffsetDateTime startedAt, OffsetDateTime finishedAt,
      OffsetDateTime compensatedAt, List<Error> errors) {
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

  /** The execution that the engine's record of a run tells: each checkpoint, folded into its step. */
  public static WorkflowExecution of(StoredRun run) {
    TreeMap<Integer, StepBuilder> steps = new TreeMap<>();
    for (Checkpoint checkpoint : run.checkpoints()) {
      StepBuilder step = steps.computeIfAbsent(checkpoint.position(), p -> new StepBuilder(checkpoint.stepName()));
      step.add(checkpoint);
    }
    List<Step> list = new ArrayList<>(steps.size());
    for (StepBuilder step : steps.values()) {
      list.add(step.build());
    }
    RunHeader header = run.header();
    String status = switch (header.status()) {
      case RUNNING -> "invoking";
      default -> header.status().name().toLowerCase(Locale.ROOT);
    };
    return new WorkflowExecution(run.transactionId(), header.workflowName(), status, time(header.created()),
        header.ended().map(WorkflowExecution::time).orElse(null), list);
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** Only the message of an error that {@link PublicErrors} would show; anything else is the generic one. */
  private static String message(StoredError error) {
    boolean expected = error.type().equals(RestockException.class.getName())
        || error.type().equals(StoreUnavailableException.class.getName());
    return expected && error.message() != null ? error.message() : PublicErrors.UNEXPECTED;
  }

  /** A step's checkpoints, folded as they come. */
  private static final class StepBuilder {
    private final String name;
    private String status = "invoking";
    private int attempts;
    private Instant started;
    private Instant finished;
    private Instant compensated;
    private Error invokeError;
    private Error compensateError;

    StepBuilder(String name) {
      this.name = name;
    }

    void add(Checkpoint checkpoint) {
      switch (checkpoint.kind()) {
        case CONDITION_MET, REVERT_BEGUN -> { } // not an outcome of the step: a condition met, a revert begun
        case STEP_SKIPPED -> {
          status = "skipped";
          finished = checkpoint.ended();
        }
        case ATTEMPT_FAILED -> invoked(checkpoint, "invoking", false);
        case STEP_WAITING -> invoked(checkpoint, "waiting", false); // for a manual retry (autoRetry = false)
        case RETRY_DECIDED -> status = "invoking";
        case FAILURE_DECIDED -> { } // the step's failure follows, with its error
        case STEP_COMPLETED -> invoked(checkpoint, "done", true);
        case STEP_FAILED, STEP_TOLERATED -> invoked(checkpoint, "failed", true);
        case COMPENSATED -> {
          status = "reverted";
          compensated = checkpoint.ended();
        }
        case COMPENSATION_FAILED -> {
          status = "compensation_failed";
          compensated = checkpoint.ended();
          compensateError = new Error("compensate", message(checkpoint.error().orElseThrow()));
        }
      }
    }

    private void invoked(Checkpoint checkpoint, String newStatus, boolean ended) {
      status = newStatus;
      attempts = Math.max(attempts, checkpoint.attempts());
      if (started == null || checkpoint.started().isBefore(started)) {
        started = checkpoint.started();
      }
      finished = ended ? checkpoint.ended() : null;
      invokeError = checkpoint.error().map(error -> new Error("invoke", message(error))).orElse(null);
    }

    Step build() {
      List<Error> errors = new ArrayList<>(2);
      if (invokeError != null) {
        errors.add(invokeError);
      }
      if (compensateError != null) {
        errors.add(compensateError);
      }
      return new Step(name, status, attempts, time(started), time(finished), time(compensated), errors);
    }
  }
}
