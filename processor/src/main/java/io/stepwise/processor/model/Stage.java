package io.stepwise.processor.model;

import java.util.List;
import java.util.Optional;

/**
 * Steps that run together, in the order the runner runs them: a single step, or the consecutive
 * steps of a {@code @Parallel} group.
 *
 * @param group the {@code @Parallel} group these steps form; empty for a single step
 * @param chained in an asynchronous runner, the parameter of the lambda that goes on after this
 *     stage: the step's local (for a step whose output no later step uses, a name of its own), or,
 *     after a group, the parameter of the lambda that its join completes
 */
public record Stage(List<StepModel> steps, Optional<Group> group, String chained) {

  /** A {@code @Parallel} group: its name, and the local that holds the run's group. */
  public record Group(String name, String local) {}

  /** The step of a single-step stage. */
  public StepModel step() {
    return steps.get(0);
  }
}
