package io.stepwise.runtime.store;

/**
 * A run store could not do what it was asked: a value it cannot encode or decode (the message names
 * the workflow, the run, the step and the Java type, and the encoder's reason), a checkpoint that
 * contradicts the record (appended to a run that has ended, or under a sequence number already
 * used), or a failure of the store's database.
 *
 * <p>The static factories give every store the same wording for the same contradiction.
 */
public class RunStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunStoreException(String message) {
    super(message);
  }

  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Something was appended to run {@code transactionId}, which the store does not hold. */
  public static RunStoreException noSuchRun(String workflowName, String transactionId) {
    return new RunStoreException("There is no run '" + transactionId + "' of workflow '" + workflowName
        + "' in the store: it was never begun, or it was purged; begin a run before appending to it");
  }

  /** Something was appended to run {@code transactionId} after its end was recorded. */
  public static RunStoreException runEnded(String workflowName, String transactionId, RunStatus status) {
    return new RunStoreException("Run '" + transactionId + "' of workflow '" + workflowName
        + "' has already ended " + status + ", so nothing more can be appended to it");
  }

  /** An append to a run that waits for a manual retry: only {@link RunStore#endWait} reopens it. */
  public static RunStoreException runWaits(String workflowName, String transactionId) {
    return new RunStoreException("Run '" + transactionId + "' of workflow '" + workflowName
        + "' waits for a manual retry (" + RunStatus.WAITING + "), so nothing can be appended to it until "
        + "RunStore.endWait records the application's decision");
  }

  /** A checkpoint reused the sequence number of one that the run already has. */
  public static RunStoreException duplicateSequence(String workflowName, String transactionId, Checkpoint checkpoint) {
    return new RunStoreException("Run '" + transactionId + "' of workflow '" + workflowName
        + "' already has a checkpoint with sequence number " + checkpoint.sequence() + ", so " + checkpoint.kind()
        + " of step '" + checkpoint.stepName() + "' was not recorded; give each checkpoint of a run its own number");
  }

  /** A transaction id given for workflow {@code expected} belongs to a run of workflow {@code actual}. */
  public static RunStoreException otherWorkflow(String transactionId, String expected, String actual) {
    return new RunStoreException("Transaction id '" + transactionId + "' belongs to a run of workflow '" + actual
        + "', not of workflow '" + expected + "'; a transaction id names one run of one workflow: use another one");
  }
}
