package io.stepwise.processor.collect;

import javax.lang.model.type.TypeMirror;

/** What a step returns, as written. */
public sealed interface Returns {
  /** {@code void}. */
  record Void() implements Returns {}

  /** A plain type: the output and the compensation input. */
  record Plain(TypeMirror output) implements Returns {}

  /** {@code StepResponse<O, C>}. */
  record Response(TypeMirror output, TypeMirror compensationInput) implements Returns {}

  /** {@code StepResponse} without type arguments, or with wildcards: an error. */
  record BadResponse(TypeMirror type, boolean raw) implements Returns {}

  /** A {@code @Hook} method: it returns the hook's input; the hook has no output. */
  record Hook(TypeMirror input) implements Returns {}

  /**
   * {@code @ChildWorkflow(Child.class)}: the method returns the child's input ({@code returned},
   * possibly {@code void}); the step's output is the child's result.
   */
  record Child(TypeMirror workflow, TypeMirror returned, javax.lang.model.element.AnnotationMirror mirror,
      javax.lang.model.element.AnnotationValue value) implements Returns {}
}
