package io.stepwise.processor.validate;

import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.ValidationReport;
import io.stepwise.processor.graph.ChildCheck;
import io.stepwise.processor.graph.ChildWorkflows;
import io.stepwise.processor.graph.ConditionCheck;
import io.stepwise.processor.graph.NoWaitCheck;
import io.stepwise.processor.graph.ParallelCheck;
import io.stepwise.processor.graph.ResultCheck;
import io.stepwise.processor.graph.SkipCheck;
import io.stepwise.processor.graph.StepGraph;
import io.stepwise.processor.graph.TypeRules;
import io.stepwise.processor.graph.WiringCheck;
import javax.lang.model.util.Elements;

/**
 * Validates one workflow: the class, each member, then the whole graph. Pure: returns a report and
 * prints nothing. Every mistake is reported once, on the narrowest element; a check skips what an
 * earlier check already found wrong, so one mistake gives one error.
 */
public final class WorkflowValidator {
  private final WorkflowShapeValidator shape;
  private final MemberValidator members;
  private final TypeRules typeRules;
  private final ChildWorkflows children;
  private final ChildCheck childCheck;
  private final ConditionCheck conditions = new ConditionCheck();
  private final ResultCheck result = new ResultCheck();
  private final ParallelCheck parallel = new ParallelCheck();
  private final SkipCheck skips = new SkipCheck();
  private final NoWaitCheck noWaits = new NoWaitCheck();

  public WorkflowValidator(TypeRules typeRules, Elements elements, ChildWorkflows children) {
    this.shape = new WorkflowShapeValidator(elements);
    this.members = new MemberValidator(typeRules);
    this.typeRules = typeRules;
    this.children = children;
    this.childCheck = new ChildCheck(children, typeRules);
    children.validateWith(this::validate);
  }

  public ValidationReport validate(WorkflowDecl decl, StepGraph graph) {
    ValidationReport report = new ValidationReport();
    if (!shape.validate(decl, graph, report)) {
      return report;
    }
    members.validate(decl, graph, report);
    conditions.check(graph, report);
    new WiringCheck(typeRules, children).check(graph, report); // re-entrant: a child is validated inside
    childCheck.check(graph, report);
    result.check(graph, report);
    parallel.check(graph, report);
    skips.check(graph, report);
    noWaits.check(graph, report);
    return report;
  }

  /** {@code @Input}/{@code @From} on a method outside any workflow class. */
  public static void reportMisplacedWiring(javax.lang.model.element.ExecutableElement method, ValidationReport report) {
    MemberValidator.reportMisplacedWiring(method, report);
  }
}
