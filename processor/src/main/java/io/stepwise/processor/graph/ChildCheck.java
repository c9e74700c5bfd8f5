package io.stepwise.processor.graph;

import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.ValidationReport;
import java.util.List;
import java.util.Optional;
import javax.lang.model.type.TypeKind;

/**
 * Steps with {@code @ChildWorkflow}: the child is a valid workflow that does not lead back here,
 * the method returns the child's input, and the step has no compensation of its own.
 */
public final class ChildCheck {
  private final ChildWorkflows children;
  private final TypeRules typeRules;

  public ChildCheck(ChildWorkflows children, TypeRules typeRules) {
    this.children = children;
    this.typeRules = typeRules;
  }

  public void check(StepGraph graph, ValidationReport report) {
    for (StepDecl step : graph.decl().steps()) {
      if (!(step.returns() instanceof Returns.Child child)) {
        continue;
      }
      graph.compensationOf(step).ifPresent(compensation -> reportCompensation(compensation, child, report));
      Optional<List<String>> cycle = child.workflow() == null ? Optional.empty()
          : children.cycle(graph.decl().type(), child.workflow());
      if (cycle.isPresent()) {
        report.error(Diag.CHILD_WORKFLOW_CYCLE, step.method(), child.mirror(), child.value(), step.name(),
            ElementFormatter.nestedName(graph.decl().type()) + " -> " + String.join(" -> ", cycle.get()));
        continue;
      }
      Optional<ChildWorkflows.Signature> signature = children.of(child.workflow());
      if (signature.isEmpty()) {
        report.error(Diag.CHILD_NOT_A_WORKFLOW, step.method(), child.mirror(), child.value(),
            child.workflow() == null ? "the value" : ElementFormatter.type(child.workflow()));
        continue;
      }
      ChildWorkflows.Signature sig = signature.get();
      if (!sig.valid()) {
        report.error(Diag.CHILD_WORKFLOW_INVALID, step.method(), child.mirror(), child.value(), sig.name(),
            ElementFormatter.nestedName(sig.type()));
        continue;
      }
      if (!visible(graph.decl().type(), sig.type())) {
        report.error(Diag.CHILD_NOT_VISIBLE, step.method(), child.mirror(), child.value(),
            ElementFormatter.nestedName(sig.type()));
        continue;
      }
      if (step.async()) {
        continue; // CompletionStageNotAllowed, reported on the method: one mistake, one error
      }
      boolean returnsVoid = child.returned().getKind() == TypeKind.VOID;
      boolean fits = sig.input().isEmpty() ? returnsVoid
          : !returnsVoid && typeRules.accepts(sig.input().get(), child.returned());
      if (!fits) {
        report.error(Diag.CHILD_INPUT_MISMATCH, step.method(), sig.name(),
            sig.input().map(ElementFormatter::type).orElse("no input, so the method must return void"),
            ElementFormatter.element(step.method()), ElementFormatter.type(child.returned()));
      }
    }
  }

  /** Whether the parent's runner, in the parent's package, can call the child's runner. */
  private static boolean visible(javax.lang.model.element.TypeElement parent, javax.lang.model.element.TypeElement child) {
    if (packageOf(parent).equals(packageOf(child))) {
      return true;
    }
    for (javax.lang.model.element.Element e = child; e instanceof javax.lang.model.element.TypeElement;
        e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(javax.lang.model.element.Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static String packageOf(javax.lang.model.element.Element element) {
    javax.lang.model.element.Element e = element;
    while (!(e instanceof javax.lang.model.element.PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((javax.lang.model.element.PackageElement) e).getQualifiedName().toString();
  }

  /**
   * The child is named as in the other messages, "workflow 'name' (Class)"; just the class if it is
   * not a workflow (ChildNotAWorkflow says so).
   */
  private void reportCompensation(CompensationDecl compensation, Returns.Child child, ValidationReport report) {
    String where = children.of(child.workflow())
        .map(sig -> "workflow '" + sig.name() + "' (" + ElementFormatter.nestedName(sig.type()) + ")")
        .orElse(child.workflow() == null ? "the child workflow" : ElementFormatter.type(child.workflow()));
    report.error(Diag.CHILD_COMPENSATION, compensation.method(), compensation.mirror(),
        ElementFormatter.element(compensation.method()), where);
  }
}
