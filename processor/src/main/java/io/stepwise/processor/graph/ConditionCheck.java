package io.stepwise.processor.graph;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.Suggestions;
import io.stepwise.processor.diag.ValidationReport;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;

/** Each {@code @When} names exactly one callable {@code boolean} method of the workflow class. */
public final class ConditionCheck {

  public void check(StepGraph graph, ValidationReport report) {
    for (StepDecl step : graph.decl().steps()) {
      if (step.when().isEmpty() || step.when().get().methodName().isEmpty()) {
        continue;
      }
      StepDecl.WhenDecl when = step.when().get();
      List<ExecutableElement> candidates = graph.conditionCandidates(step);
      String type = ElementFormatter.nestedName(graph.decl().type());
      if (candidates.isEmpty()) {
        report.error(Diag.UNKNOWN_CONDITION, step.method(), when.mirror(), when.value(), type, when.methodName(),
            Suggestions.didYouMean(when.methodName(), graph.plainMethodNames()));
        continue;
      }
      if (candidates.size() > 1) {
        report.error(Diag.AMBIGUOUS_CONDITION, step.method(), when.mirror(), when.value(), type, candidates.size(),
            when.methodName());
        continue;
      }
      ExecutableElement condition = candidates.get(0);
      String name = ElementFormatter.element(condition);
      if (Mirrors.has(condition, Names.STEP) || Mirrors.has(condition, Names.COMPENSATE)) {
        report.error(Diag.CONDITION_IS_STEP, step.method(), when.mirror(), when.value(), name,
            Mirrors.has(condition, Names.STEP) ? "a @Step" : "a @Compensate method");
        continue;
      }
      if (condition.getModifiers().contains(Modifier.PRIVATE)) {
        report.error(Diag.CONDITION_PRIVATE, condition, name);
      }
      if (!condition.getTypeParameters().isEmpty()) {
        report.error(Diag.CONDITION_GENERIC, condition, name, ElementFormatter.typeParameters(condition.getTypeParameters()));
      }
      if (condition.getReturnType().getKind() != TypeKind.BOOLEAN) {
        report.error(Diag.CONDITION_NOT_BOOLEAN, condition, name, ElementFormatter.type(condition.getReturnType()),
            TypeRules.isClass(condition.getReturnType(), "java.lang.Boolean")
                ? ". A Boolean may be null, which would mean neither 'run' nor 'skip': return primitive boolean"
                : "");
      }
    }
  }
}
