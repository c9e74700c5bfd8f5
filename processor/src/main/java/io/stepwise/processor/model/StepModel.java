package io.stepwise.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.Optional;

/**
 * One step of a valid workflow, ready to write. Types are boxed ({@code Integer} for {@code int}).
 *
 * @param constant the name of the {@code StepSpec} constant
 * @param recorded the types of what a durable run records of the step
 * @param local the local variable that holds the output, if a later step or the result uses it
 * @param branch in a {@code @Parallel} group, the local that holds the step's branch, if it has a
 *     {@code local}
 * @param sources the steps whose outputs this step or its condition take through {@code @From}, in
 *     parameter order, without repeats
 * @param takesInput whether this step or its condition takes the workflow's {@code @Input}
 * @param optionalOutput whether the step may end without an output (a condition, a tolerated
 *     failure): its local is {@code Optional<O>}
 * @param options retry pauses, timeout and failure handling
 * @param group the {@code @Parallel} group of the step
 * @param async whether the step returns a {@code CompletionStage} (for a child: whether the child
 *     workflow is asynchronous), so that the run waits for it without a thread
 * @param transactional whether the step takes a {@code java.sql.Connection}: its work runs in the
 *     transaction that records its checkpoint ({@code transactionalStep})
 */
public record StepModel(
    String name,
    int maxRetries,
    String constant,
    Shape shape,
    TypeName output,
    TypeName compensationInput,
    Recorded recorded,
    Optional<String> local,
    Optional<String> branch,
    Call call,
    Optional<Call> condition,
    Optional<Call> compensation,
    java.util.List<String> sources,
    boolean takesInput,
    boolean optionalOutput,
    Options options,
    Optional<String> group,
    Optional<Child> child,
    Optional<Hook> hook,
    boolean async,
    boolean transactional) {

  /**
   * The types of what a durable run records of a step, as its {@code RunTypes} declare them (boxed):
   * the output and the compensation input of a {@code @Step} ({@code Void} for none, what a
   * {@code CompletionStage} completes with for an asynchronous one); a child workflow's result and
   * {@code Void} (the child's run is recorded as a run of its own); for a {@code @Hook}, {@code
   * Boolean} (whether a handler took the call) and the hook's input.
   */
  public record Recorded(TypeName output, TypeName compensationInput) {}

  /**
   * A {@code @Hook}: its handler lives in the runner field {@code slot}, registered with the
   * runner method {@code registration}; {@code input} is the hook's input type (boxed).
   */
  public record Hook(String slot, String registration, com.palantir.javapoet.TypeName input) {}

  /**
   * A step that runs a child workflow (the class {@code workflow}, named {@code workflowName}) through
   * the child's runner, held in the runner field {@code field}; {@code takesInput} is false when the
   * child has no input (the method returns void). {@code stages}: the child's step names in order,
   * a {@code @Parallel} group's together, for the diagram.
   */
  public record Child(com.palantir.javapoet.ClassName runner, String field, boolean takesInput, String workflowName,
      com.palantir.javapoet.ClassName workflow, java.util.List<java.util.List<String>> stages) {}

  /**
   * What the runtime's StepSpec needs beyond name and retries; 0 means unset. {@code skipUntil} is
   * the step a SKIP failure resumes at (the first of its {@code @Parallel} group): empty for the end.
   */
  public record Options(long retryIntervalMillis, double backoff, long maxRetryIntervalMillis, long timeoutMillis,
      boolean retryOnTimeout, String onFailure, Optional<String> skipUntil, boolean skippable, boolean autoRetry) {
    public static final Options DEFAULTS = new Options(0, 1.0, 0, 0, true, "COMPENSATE", Optional.empty(), false,
        true);

    public boolean isDefault() {
      return equals(DEFAULTS);
    }
  }

  /** How the step hands over its output. */
  public enum Shape {
    /** Returns {@code StepResponse<O, C>}. */
    RESPONSE,
    /** Returns a plain type, also its compensation input. */
    VALUE,
    /** Returns {@code void}. */
    VOID,
    /** Runs a child workflow: the method returns the child's input, the output is the child's result. */
    CHILD,
    /** A {@code @Hook}: the method returns the hook's input, the registered handler handles it. */
    HOOK
  }

  /** The type of the output's local: {@code Optional<O>} for a conditional step. */
  public boolean isConditional() {
    return condition.isPresent();
  }
}
