package io.stepwise.runtime.store;

import io.stepwise.runtime.WorkflowResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a run ended: the last part of its record, folded into its last write (see {@link RunUpdate}).
 *
 * @param status {@link RunStatus#DONE}, {@link RunStatus#REVERTED} or {@link RunStatus#FAILED}
 * @param result the workflow's result, as in {@link WorkflowResult#result()} (may be null)
 * @param errors the run's errors, in the order they happened
 * @param ended when the run ended, kept to the microsecond
 */
public record RunEnd(RunStatus status, Object result, List<RunError> errors, Instant ended) {
  public RunEnd {
    Objects.requireNonNull(status, "status");
    if (!status.isEnded()) {
      throw new IllegalArgumentException("a run cannot end " + status + "; it ends DONE, REVERTED or FAILED");
    }
    errors = List.copyOf(errors);
    ended = Times.micros(Objects.requireNonNull(ended, "ended"));
  }

  /** The end of the run whose outcome is {@code result}, ending now. */
  public static RunEnd of(WorkflowResult<?> result) {
    return new RunEnd(RunStatus.of(result.status()), result.result(),
        result.errors().stream().map(RunError::of).toList(), Instant.now());
  }
}
