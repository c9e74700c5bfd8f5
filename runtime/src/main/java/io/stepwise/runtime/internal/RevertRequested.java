package io.stepwise.runtime.internal;

import io.stepwise.runtime.WorkflowCancelledException;

/**
 * What halts a replayed run that ended {@code DONE} and is being reverted (see {@link
 * Reverts#revert}): its steps are over, and its completed steps are compensated as if a step after
 * the last had failed. It is not a step's failure: the halt does not list it in the run's errors.
 * Not API.
 */
final class RevertRequested extends WorkflowCancelledException {
  private static final long serialVersionUID = 1L;

  RevertRequested(String workflow, String transactionId) {
    super("workflow '" + workflow + "' (transaction " + transactionId + ") ended DONE and is reverted on request; "
        + "its completed steps are compensated");
  }
}
