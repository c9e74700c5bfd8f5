package io.stepwise.runtime.internal;

import io.stepwise.runtime.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Builds the runners of a runner's child workflows, from the runner's container. Not API. */
public final class ChildRunners {
  private ChildRunners() {}

  /**
   * The runner of a child workflow, built by {@code create} (the child runner's {@code create}) from
   * its parent's container. A parent created without a container ({@code new XRunner(workflow)}, or
   * {@code Container.empty()}) whose child needs a service fails here, when it is created, with a
   * message that names the child, the service and the fix.
   */
  public static <R> R create(Function<Container, R> create, Container container, Class<?> parentRunner,
      String childWorkflow, Class<?> childClass) {
    try {
      return create.apply(container);
    } catch (NoServiceException e) {
      List<String> children = new ArrayList<>();
      children.add("'" + childWorkflow + "' (" + name(childClass) + ")");
      children.addAll(e.children());
      String runner = name(parentRunner);
      String through = children.size() == 1 ? ""
          : ", through its own child workflow " + String.join(", then ", children.subList(1, children.size())) + ",";
      throw new NoServiceException(e.type(), children, runner + " was created without a container (new " + runner
          + "(workflow), or Container.empty()), but its child workflow " + children.get(0) + through
          + " needs a service of type " + e.type().getName() + ", and a child workflow is built from its parent's"
          + " container: create it with " + runner + ".create(container) or new " + runner
          + "(workflow, container)", e);
    }
  }

  /** The class's name without its package: {@code Outer.Inner} for a nested class. */
  private static String name(Class<?> type) {
    String canonical = type.getCanonicalName() != null ? type.getCanonicalName() : type.getName();
    String pkg = type.getPackageName();
    return pkg.isEmpty() ? canonical : canonical.substring(pkg.length() + 1);
  }
}
