package io.stepwise.processor.collect;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/**
 * A {@code @Step} method, as written. {@code index} is its position among the workflow's steps.
 * {@code async} is whether the method returns a {@code CompletionStage} (or a subtype, such as
 * {@code CompletableFuture}); {@link #returns} then describes what the stage completes with. Only
 * {@code @Step} methods may be asynchronous: for a {@code @Hook} or {@code @ChildWorkflow} method
 * it is an error. {@code skippedBy} names an earlier step whose {@code skipOnPermanentFailure} may
 * skip this one (the earliest, if several may): a fact of the workflow, not of the method.
 */
public record StepDecl(
    int index,
    ExecutableElement method,
    AnnotationMirror mirror,
    String name,
    AnnotationValue nameValue,
    int maxRetries,
    AnnotationValue maxRetriesValue,
    Returns returns,
    List<ParamDecl> params,
    Optional<WhenDecl> when,
    Options options,
    Optional<ParallelDecl> parallel,
    boolean async,
    Optional<String> skippedBy) {

  /** {@code @When("method")} on a step. */
  public record WhenDecl(AnnotationMirror mirror, String methodName, AnnotationValue value) {}

  /** {@code @Parallel("group")} on a step. */
  public record ParallelDecl(AnnotationMirror mirror, String group, AnnotationValue value) {}

  /**
   * The retry, timeout and failure options of {@code @Step}, as written. A value is null where the
   * attribute is not given.
   */
  public record Options(
      String retryInterval, AnnotationValue retryIntervalValue,
      double backoff, AnnotationValue backoffValue,
      String maxRetryInterval, AnnotationValue maxRetryIntervalValue,
      String timeout, AnnotationValue timeoutValue,
      boolean retryOnTimeout, AnnotationValue retryOnTimeoutValue,
      boolean continueOnPermanentFailure, AnnotationValue continueValue,
      boolean skipOnPermanentFailure, AnnotationValue skipValue,
      String skipUntil, AnnotationValue skipUntilValue,
      boolean skippable, AnnotationValue skippableValue,
      boolean noWait, AnnotationValue noWaitValue,
      boolean autoRetry, AnnotationValue autoRetryValue) {}

  /** The {@code java.sql.Connection} parameters: one makes the step transactional, more are an error. */
  public List<ParamDecl> connectionParams() {
    return params.stream().filter(param -> param.binding() instanceof Binding.Connection).toList();
  }

  public boolean isConditional() {
    return when.isPresent();
  }

  /** Whether this is a {@code @Hook} rather than a {@code @Step}. */
  public boolean isHook() {
    return returns instanceof Returns.Hook;
  }

  /** "Step" or "Hook", for messages about the annotation. */
  public String annotationName() {
    return isHook() ? "Hook" : "Step";
  }

  /** Whether a tolerated failure leaves the step without an output. */
  public boolean toleratesFailure() {
    return options.continueOnPermanentFailure() || options.skipOnPermanentFailure();
  }

  /**
   * Whether the step may end without an output (skipped by its condition, by itself, or by an
   * earlier step's {@code skipOnPermanentFailure}; or a tolerated failure), so that a {@code @From}
   * of it must be {@code Optional}.
   */
  public boolean mayHaveNoOutput() {
    return isConditional() || toleratesFailure() || options.skippable() || skippedBy.isPresent();
  }

  /** Why the step may have no output, for messages: "has @When". */
  public String whyNoOutput() {
    if (isConditional()) {
      return "has @When";
    }
    if (toleratesFailure()) {
      return options.skipOnPermanentFailure() ? "has skipOnPermanentFailure" : "has continueOnPermanentFailure";
    }
    if (options.skippable()) {
      return "has skippable = true";
    }
    return "is skipped when step '" + skippedBy.orElseThrow() + "' fails, because that step has skipOnPermanentFailure";
  }

  /** This step, which an earlier step's {@code skipOnPermanentFailure} may skip. */
  public StepDecl skippedBy(String step) {
    return new StepDecl(index, method, mirror, name, nameValue, maxRetries, maxRetriesValue, returns, params, when,
        options, parallel, async, Optional.of(step));
  }
}
