package io.stepwise.runtime;

import java.util.Objects;

/** A workflow run, as {@link WorkflowListener} sees it at its beginning and when it compensates. */
public final class WorkflowEvent {
  private final String workflowName;
  private final String transactionId;

  public WorkflowEvent(String workflowName, String transactionId) {
    this.workflowName = Objects.requireNonNull(workflowName, "workflowName");
    this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
  }

  public String workflowName() {
    return workflowName;
  }

  public String transactionId() {
    return transactionId;
  }

  @Override
  public String toString() {
    return "WorkflowEvent{workflow=" + workflowName + ", transactionId=" + transactionId + "}";
  }
}
