package io.stepwise.processor.graph;

import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ValidationReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code @Parallel} groups: consecutive steps, at least two, none using another's output. A step
 * with an empty group name (ParallelNameEmpty) counts as a possible member of its neighbours' group.
 */
public final class ParallelCheck {

  public void check(StepGraph graph, ValidationReport report) {
    List<StepDecl> steps = graph.decl().steps();
    Map<String, List<StepDecl>> groups = new LinkedHashMap<>();
    Map<String, StepDecl> lastOfGroup = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      StepDecl step = steps.get(i);
      Optional<String> group = group(step);
      if (group.isEmpty()) {
        continue;
      }
      StepDecl last = lastOfGroup.get(group.get());
      if (last != null && last.index() != i - 1 && !allUnnamed(steps.subList(last.index() + 1, i))) {
        StepDecl between = steps.get(last.index() + 1);
        StepDecl.ParallelDecl parallel = step.parallel().get();
        report.error(Diag.PARALLEL_NOT_CONSECUTIVE, step.method(), parallel.mirror(), parallel.value(),
            step.name(), group.get(), between.name());
      }
      lastOfGroup.put(group.get(), step);
      groups.computeIfAbsent(group.get(), g -> new ArrayList<>()).add(step);
    }
    for (Map.Entry<String, List<StepDecl>> group : groups.entrySet()) {
      List<StepDecl> members = group.getValue();
      if (members.size() == 1) {
        if (unnamedNeighbour(steps, members.get(0).index())) {
          continue;
        }
        StepDecl.ParallelDecl parallel = members.get(0).parallel().get();
        report.error(Diag.PARALLEL_SINGLE_STEP, members.get(0).method(), parallel.mirror(), parallel.value(),
            group.getKey(), members.get(0).name());
        continue;
      }
      for (StepDecl member : members) {
        for (ParamDecl param : graph.wiredParams(member)) {
          if (param.binding() instanceof Binding.From from) {
            Optional<StepDecl> target = graph.step(from.step());
            if (target.isPresent() && target.get() != member && group(target.get()).equals(Optional.of(group.getKey()))
                && target.get().index() < member.index()) {
              report.error(Diag.PARALLEL_DEPENDENCY, param.element(), from.mirror(), from.value(), member.name(),
                  from.step(), group.getKey());
            }
          }
        }
      }
    }
  }

  /**
   * Whether every one of these steps has {@code @Parallel("")}. Such a step is ParallelNameEmpty's
   * error, and its group is unknown, most likely the group of the steps around it; so it neither
   * splits a group nor leaves one with a single step (see {@link #unnamedNeighbour}). Naming it
   * fixes the group: one mistake, one error.
   */
  private static boolean allUnnamed(List<StepDecl> between) {
    return between.stream().allMatch(ParallelCheck::unnamed);
  }

  /** Whether the step declared right before or right after has {@code @Parallel("")}. */
  private static boolean unnamedNeighbour(List<StepDecl> steps, int index) {
    return index > 0 && unnamed(steps.get(index - 1)) || index + 1 < steps.size() && unnamed(steps.get(index + 1));
  }

  private static boolean unnamed(StepDecl step) {
    return step.parallel().map(parallel -> parallel.group().isEmpty()).orElse(false);
  }

  /** The step's group, if it has a non-empty one. */
  static Optional<String> group(StepDecl step) {
    return step.parallel().map(StepDecl.ParallelDecl::group).filter(name -> !name.isEmpty());
  }
}
