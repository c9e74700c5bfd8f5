package io.stepwise.processor.model;

/** An argument of a generated call. */
public sealed interface Arg {
  /** The workflow's input. */
  record Input() implements Arg {}

  /** The output of an earlier step, held in a local variable. */
  record Local(String name) implements Arg {}

  /** The {@code StepContext}. */
  record Context() implements Arg {}

  /** The {@code java.sql.Connection} of a transactional step. */
  record Connection() implements Arg {}

  /** The compensation input, in a compensation. */
  record CompensationInput() implements Arg {}
}
