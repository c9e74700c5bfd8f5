package io.stepwise.processor.model;

import java.util.List;
import java.util.Optional;

/**
 * Steps that run together, in the order the runner runs them: a single step, the consecutive
 * steps of a {@code @Parallel} group, or a {@code noWait} step, which the steps after it do not wait for.
 *
 * @param group the {@code @Parallel} group these steps form; empty for a single step
 * @param chained in an asynchronous runner, the parameter of the lambda that goes on after this
 *     stage: the step's local (for a step whose output no later step uses, a name of its own), or,
 *     after a group, the parameter of the lambda that its join completes
 */
public record Stage(List<StepModel> steps, Optional<Group> group, String chained) {

  /**
   * A {@code @Parallel} group: its name, and the local that holds the run's group. Or the group of one
   * {@code noWait} step ({@code noWait} true, named after the step), which the runner never joins:
   * the run waits for it when its steps are over.
   */
  public record Group(String name, String local, boolean noWait) {}

  /** The step of a single-step stage. */
  public StepModel step() {
    return steps.get(0);
  }
}
