package io.stepwise.processor.collect;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;

/** How a parameter of a step or condition is wired, as written. */
public sealed interface Binding {
  /** {@code @Input}. */
  record Input(AnnotationMirror mirror) implements Binding {}

  /** {@code @From("step")}. */
  record From(String step, AnnotationMirror mirror, AnnotationValue value) implements Binding {}

  /** A {@code StepContext} parameter. */
  record Context() implements Binding {}

  /**
   * A {@code java.sql.Connection} parameter: a step's work runs with it in the transaction that
   * records the step's checkpoint. An error anywhere but on a synchronous {@code @Step}.
   */
  record Connection() implements Binding {}

  /** Neither: an error for steps and conditions, the data parameter for compensations. */
  record None() implements Binding {}

  /** Both {@code @Input} and {@code @From}: an error. */
  record Both(AnnotationMirror inputMirror) implements Binding {}
}
