package io.stepwise.processor.graph;

import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.StepDecl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fix a StepOrder error offers, when step {@code user} takes {@code @From} a step {@code used}
 * declared after it: a move of one of the two that compiles, or why neither does. A move is checked
 * on the workflow's order with one step moved: every step must still come after the steps it uses
 * (through its parameters or its condition's) that came before it, and every {@code @Parallel}
 * group that was consecutive must stay so.
 */
final class StepMoves {
  private final StepGraph graph;

  StepMoves(StepGraph graph) {
    this.graph = graph;
  }

  /** The sentence after the facts of the error: " Move 'x' above 'y', or use another step". */
  String fix(StepDecl user, StepDecl used) {
    Optional<String> group = ParallelCheck.group(user);
    if (group.isPresent() && group.equals(ParallelCheck.group(used))) {
      return " Both are in @Parallel group '" + group.get() + "', whose steps run at the same time and cannot use "
          + "each other's output: no order of the two compiles. Move one of them out of the group, or use another step";
    }
    Optional<List<StepDecl>> cycle = path(used, user, new ArrayList<>());
    if (cycle.isPresent()) {
      List<String> through = cycle.get().subList(1, cycle.get().size() - 1).stream().map(s -> "'" + s.name() + "'").toList();
      return " '" + used.name() + "' itself uses the output of '" + user.name() + "'"
          + (through.isEmpty() ? "" : " (through " + String.join(", ", through) + ")")
          + ", so neither can run first: no order of the steps compiles. Take the value from another step";
    }
    List<StepDecl> steps = graph.decl().steps();
    List<StepDecl> usedAbove = new ArrayList<>(steps);
    usedAbove.remove(used);
    usedAbove.add(runStart(usedAbove, usedAbove.indexOf(user)), used);
    Optional<String> whyNotAbove = breaks(steps, usedAbove);
    if (whyNotAbove.isEmpty()) {
      return " Move '" + used.name() + "' above " + place(user) + ", or use another step";
    }
    List<StepDecl> userBelow = new ArrayList<>(steps);
    userBelow.remove(user);
    userBelow.add(runEnd(userBelow, userBelow.indexOf(used)) + 1, user);
    Optional<String> whyNotBelow = breaks(steps, userBelow);
    if (whyNotBelow.isEmpty()) {
      return " Move '" + user.name() + "' below " + place(used) + ", or use another step";
    }
    return " Neither move compiles: with '" + used.name() + "' above '" + user.name() + "', " + whyNotAbove.get()
        + "; with '" + user.name() + "' below '" + used.name() + "', " + whyNotBelow.get()
        + ". Move more steps, or use another step";
  }

  /** "'step'", or "@Parallel group 'g'" for a step of a group, which a step is moved around as a whole. */
  private static String place(StepDecl step) {
    return ParallelCheck.group(step).map(group -> "@Parallel group '" + group + "'").orElse("'" + step.name() + "'");
  }

  /** What the new order breaks that the old one had right, if anything. */
  private Optional<String> breaks(List<StepDecl> before, List<StepDecl> after) {
    for (StepDecl step : after) {
      for (StepDecl dependency : dependencies(step)) {
        if (before.indexOf(dependency) < before.indexOf(step) && after.indexOf(dependency) > after.indexOf(step)) {
          return Optional.of("'" + step.name() + "' would come before '" + dependency.name() + "', whose output it uses");
        }
      }
    }
    for (StepDecl step : before) {
      Optional<String> group = ParallelCheck.group(step);
      if (group.isPresent() && consecutive(before, group.get()) && !consecutive(after, group.get())) {
        return Optional.of("@Parallel group '" + group.get() + "' would no longer be consecutive");
      }
    }
    return Optional.empty();
  }

  /** Whether the steps of the group follow one another in this order. */
  private static boolean consecutive(List<StepDecl> order, String group) {
    int first = -1;
    int last = -1;
    int count = 0;
    for (int i = 0; i < order.size(); i++) {
      if (ParallelCheck.group(order.get(i)).equals(Optional.of(group))) {
        first = first < 0 ? i : first;
        last = i;
        count++;
      }
    }
    return last - first + 1 == count;
  }

  /** The first index of the @Parallel group around index {@code i}, so that a step placed there does not split it. */
  private static int runStart(List<StepDecl> order, int i) {
    Optional<String> group = ParallelCheck.group(order.get(i));
    while (group.isPresent() && i > 0 && ParallelCheck.group(order.get(i - 1)).equals(group)) {
      i--;
    }
    return i;
  }

  /** The last index of the @Parallel group around index {@code i}. */
  private static int runEnd(List<StepDecl> order, int i) {
    Optional<String> group = ParallelCheck.group(order.get(i));
    while (group.isPresent() && i + 1 < order.size() && ParallelCheck.group(order.get(i + 1)).equals(group)) {
      i++;
    }
    return i;
  }

  /** A chain of steps from {@code from} to {@code to}, each using the output of the next; {@code seen} grows. */
  private Optional<List<StepDecl>> path(StepDecl from, StepDecl to, List<StepDecl> seen) {
    seen.add(from);
    for (StepDecl dependency : dependencies(from)) {
      if (dependency == to) {
        return Optional.of(List.of(from, to));
      }
      if (!seen.contains(dependency)) {
        Optional<List<StepDecl>> rest = path(dependency, to, seen);
        if (rest.isPresent()) {
          List<StepDecl> chain = new ArrayList<>(List.of(from));
          chain.addAll(rest.get());
          return Optional.of(chain);
        }
      }
    }
    return Optional.empty();
  }

  /** The steps whose output a step takes, through its own parameters and its condition's. */
  private List<StepDecl> dependencies(StepDecl step) {
    List<StepDecl> found = new ArrayList<>();
    for (ParamDecl param : graph.wiredParams(step)) {
      if (param.binding() instanceof Binding.From from) {
        graph.step(from.step()).filter(target -> target != step).ifPresent(found::add);
      }
    }
    return found;
  }
}
