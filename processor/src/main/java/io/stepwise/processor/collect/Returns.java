package io.stepwise.processor.collect;

import javax.lang.model.type.TypeMirror;

/** What a step returns, as written. */
public sealed interface Returns {
  /** {@code void}, or a {@code CompletionStage<Void>}: no output, no compensation input. */
  record Void() implements Returns {}

  /** A plain type (or what a {@code CompletionStage} completes with): the output and the compensation input. */
  record Plain(TypeMirror output) implements Returns {}

  /** {@code StepResponse<O, C>}, or a {@code CompletionStage} of it. */
  record Response(TypeMirror output, TypeMirror compensationInput) implements Returns {}

  /**
   * {@code StepResponse} without type arguments, or with wildcards: an error. {@code type} is the
   * method's return type, which may be a {@code CompletionStage} of the {@code StepResponse}.
   */
  record BadResponse(TypeMirror type, boolean raw) implements Returns {}

  /**
   * A {@code CompletionStage} (or a subtype) whose output type cannot be read: an error.
   * {@code type} is the method's return type. A good stage is read as {@link Void},
   * {@link Plain} or {@link Response} of what it completes with, and marks the step
   * {@link StepDecl#async() async}.
   */
  record BadStage(TypeMirror type, Problem problem) implements Returns {
    /** What is wrong with the stage. */
    public enum Problem {
      /** No type argument: {@code CompletionStage}, a raw {@code CompletableFuture}. */
      RAW,
      /** {@code CompletionStage<?>} or {@code CompletionStage<? super T>}. */
      WILDCARD,
      /** A stage of a stage: {@code CompletionStage<CompletableFuture<T>>}. */
      NESTED
    }
  }

  /** A {@code @Hook} method: it returns the hook's input; the hook has no output. */
  record Hook(TypeMirror input) implements Returns {}

  /**
   * {@code @ChildWorkflow(Child.class)}: the method returns the child's input ({@code returned},
   * possibly {@code void}); the step's output is the child's result.
   */
  record Child(TypeMirror workflow, TypeMirror returned, javax.lang.model.element.AnnotationMirror mirror,
      javax.lang.model.element.AnnotationValue value) implements Returns {}
}
