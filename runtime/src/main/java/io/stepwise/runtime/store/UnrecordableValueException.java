package io.stepwise.runtime.store;

/**
 * A value that a store cannot record, or could not read back once recorded (a JSON store: Jackson
 * cannot write its type, or has no way to create it): a fault of the value's type, not of the
 * store's database, so trying again does not help. The message names the workflow, the run, the
 * step and the type, and how to fix the type. A step whose output cannot be recorded fails (and the
 * run compensates), rather than running again at every restart.
 */
public class UnrecordableValueException extends RunStoreException {
  private static final long serialVersionUID = 1L;

  public UnrecordableValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
