package io.stepwise.processor.collect;

import io.stepwise.processor.diag.ElementFormatter;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.TypeElement;

/**
 * Finds types that javac could not resolve (yet) in the child workflows a workflow runs through
 * {@code @ChildWorkflow}, directly or through other children. Such a child waits for a later round,
 * and so must its parent: judged now, the parent would see the child's input and result as error
 * types, and its runner would call a child runner that is not generated in this round, or never.
 */
final class UnresolvedChildren {
  private UnresolvedChildren() {}

  /** "PaymentClient in child workflow Shipment", if a child of {@code workflow} has an unresolved type. */
  static Optional<String> find(TypeElement workflow) {
    Set<String> seen = new HashSet<>();
    seen.add(workflow.getQualifiedName().toString());
    return find(workflow, seen);
  }

  private static Optional<String> find(TypeElement workflow, Set<String> seen) {
    for (TypeElement child : WorkflowCollector.childWorkflows(workflow)) {
      if (!seen.add(child.getQualifiedName().toString())) {
        continue; // already looked at, or a cycle (ChildWorkflowCycle)
      }
      Optional<String> missing = Unresolved.find(child).or(() -> UnresolvedAnnotations.inOwnAnnotations(child));
      if (missing.isPresent()) {
        return Optional.of(missing.get() + " in child workflow " + ElementFormatter.nestedName(child));
      }
      Optional<String> deeper = find(child, seen);
      if (deeper.isPresent()) {
        return deeper;
      }
    }
    return Optional.empty();
  }
}
