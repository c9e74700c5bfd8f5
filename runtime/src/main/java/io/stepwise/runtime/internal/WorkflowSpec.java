package io.stepwise.runtime.internal;

import io.stepwise.runtime.store.RunTypes;
import java.util.List;
import java.util.Objects;

/** The static description of a workflow: its name and its steps in order. Not API. */
public final class WorkflowSpec {
  /**
   * The version of the contract between generated runners and this runtime. The processor writes
   * the version it generates for into each runner; {@link #of} refuses any other.
   */
  public static final int GENERATED_CODE_VERSION = 1;

  private final String name;
  private final List<StepSpec> steps;
  /** The steps as an array, for {@link #position}: a step's lookup is then an index and a comparison. */
  private final StepSpec[] order;
  private final long timeoutMillis;
  private final boolean optionalResult;
  /** The Java types of what its runs record; null for a spec made without them (hand-written tests). */
  private final RunTypes types;
  /** The fingerprint of the definition, computed by the processor; null with {@link #types}. */
  private final String fingerprint;

  private WorkflowSpec(String name, List<StepSpec> steps, long timeoutMillis, boolean optionalResult, RunTypes types,
      String fingerprint) {
    this.name = name;
    this.steps = steps;
    this.order = steps.toArray(new StepSpec[0]);
    this.timeoutMillis = timeoutMillis;
    this.optionalResult = optionalResult;
    this.types = types;
    this.fingerprint = fingerprint;
  }

  /**
   * @throws IllegalStateException if the runner was generated for another runtime version
   */
  public static WorkflowSpec of(int generatedCodeVersion, String name, StepSpec... steps) {
    if (generatedCodeVersion != GENERATED_CODE_VERSION) {
      throw new IllegalStateException("The runner of workflow '" + name
          + "' was generated for Stepwise runtime contract version " + generatedCodeVersion
          + ", but this stepwise-runtime implements version " + GENERATED_CODE_VERSION
          + "; use the same version of stepwise-processor and stepwise-runtime and rebuild");
    }
    for (int i = 0; i < steps.length; i++) {
      steps[i].position = i;
    }
    for (StepSpec step : steps) {
      step.resumePosition = resumePosition(name, steps, step);
    }
    return new WorkflowSpec(Objects.requireNonNull(name, "name"), List.of(steps), 0, false, null, null);
  }

  /**
   * Where a run goes on after {@code step} failed with {@code OnFailure.SKIP}: its skipUntil step's
   * position, or the number of steps.
   *
   * @throws IllegalArgumentException if the skipUntil step is not a later step of the workflow
   */
  private static int resumePosition(String workflow, StepSpec[] steps, StepSpec step) {
    if (step.skipUntil() == null) {
      return steps.length;
    }
    for (int i = step.position + 1; i < steps.length; i++) {
      if (steps[i].name().equals(step.skipUntil())) {
        return i;
      }
    }
    throw new IllegalArgumentException("step '" + step.name() + "' of workflow '" + workflow + "' resumes at '"
        + step.skipUntil() + "' after a failure, which is not a later step of the workflow");
  }

  /** This workflow with a timeout for the whole run, in milliseconds (0: none). */
  public WorkflowSpec withTimeout(long timeoutMillis) {
    if (timeoutMillis < 0) {
      throw new IllegalArgumentException("timeout of workflow '" + name + "' must be >= 0, was " + timeoutMillis);
    }
    return new WorkflowSpec(name, steps, timeoutMillis, optionalResult, types, fingerprint);
  }

  /**
   * This workflow with a result of type {@code Optional} (its result step is conditional, tolerates
   * failures, or returns an {@code Optional}): a run that does not end DONE has {@code
   * Optional.empty()} as its result, never null.
   */
  public WorkflowSpec withOptionalResult() {
    return new WorkflowSpec(name, steps, timeoutMillis, true, types, fingerprint);
  }

  /**
   * This workflow with the Java types of what its runs record (its input, result, and each step's
   * output and compensation input, by position) and the fingerprint of its definition, which the
   * processor computes from the steps' names, order, kinds and types: what a {@code WorkflowEngine}
   * needs to record and replay its runs.
   *
   * @throws IllegalArgumentException if the types are of another workflow, or leave out a step
   */
  public WorkflowSpec withTypes(RunTypes types, String fingerprint) {
    if (!types.workflowName().equals(name)) {
      throw new IllegalArgumentException("RunTypes of workflow '" + types.workflowName() + "' given to workflow '"
          + name + "'");
    }
    for (StepSpec step : steps) {
      types.output(step.position, step.name()); // throws if the step has no types
    }
    if (fingerprint == null || fingerprint.isBlank()) {
      throw new IllegalArgumentException("fingerprint of workflow '" + name + "' must not be blank");
    }
    return new WorkflowSpec(name, steps, timeoutMillis, optionalResult, types, fingerprint);
  }

  /** The types of what its runs record; null if the runner did not give them. */
  public RunTypes types() {
    return types;
  }

  /** The fingerprint of the workflow's definition; null if the runner did not give it. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Whether the workflow's result type is {@code Optional}; see {@link #withOptionalResult()}. */
  public boolean optionalResult() {
    return optionalResult;
  }

  /** The timeout of a whole run in milliseconds; 0 means none. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  public String name() {
    return name;
  }

  /**
   * The position of {@code step} among the steps: where a run keeps its record. {@link #of} notes
   * each step's position in the step itself, so the lookup is one comparison.
   *
   * @throws IllegalStateException if it is not a step of this workflow (the runner and its spec disagree)
   */
  int position(StepSpec step) {
    int hint = step.position;
    StepSpec[] order = this.order;
    if (hint < order.length && order[hint] == step) {
      return hint;
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) == step || steps.get(i).name().equals(step.name())) {
        return i;
      }
    }
    throw new IllegalStateException("step '" + step.name() + "' is not a step of workflow '" + name + "' " + steps
        + "; the runner and its WorkflowSpec disagree: generate the runner again with this version of Stepwise");
  }

  /** The steps, in declaration order. */
  public List<StepSpec> steps() {
    return steps;
  }

  @Override
  public String toString() {
    return name + steps;
  }
}
