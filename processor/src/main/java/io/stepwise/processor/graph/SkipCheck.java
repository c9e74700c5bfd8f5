package io.stepwise.processor.graph;

import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowCollector;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.Suggestions;
import io.stepwise.processor.diag.ValidationReport;
import java.util.Optional;
import javax.lang.model.element.AnnotationValue;

/**
 * Skipped steps: {@code @Step(skipUntil)} goes with {@code skipOnPermanentFailure} and names a step
 * after the failing one's {@code @Parallel} group; {@code @Step(skippable = true)} is on a step that
 * can return {@code StepResponse.skip()}. Which steps may be skipped, and so take {@code Optional},
 * is {@link StepDecl#mayHaveNoOutput()}, checked by {@link WiringCheck}.
 */
public final class SkipCheck {

  public void check(StepGraph graph, ValidationReport report) {
    for (StepDecl step : graph.decl().steps()) {
      StepDecl.Options options = step.options();
      if (options.skipUntilValue() != null) {
        checkSkipUntil(graph, step, options.skipUntilValue(), report);
      }
      if (options.skippable() && !(step.returns() instanceof Returns.Response)) {
        report.error(Diag.SKIPPABLE_NEEDS_RESPONSE, step.method(), step.mirror(), options.skippableValue(),
            ElementFormatter.element(step.method()), ElementFormatter.type(step.method().getReturnType()));
      }
    }
  }

  private static void checkSkipUntil(StepGraph graph, StepDecl step, AnnotationValue value, ValidationReport report) {
    if (!step.options().skipOnPermanentFailure()) {
      report.error(Diag.SKIP_UNTIL_WITHOUT_SKIP, step.method(), step.mirror(), value, step.name());
      return;
    }
    String named = step.options().skipUntil();
    Optional<StepDecl> target = graph.step(named);
    if (target.isEmpty()) {
      report.error(Diag.SKIP_UNTIL_UNKNOWN_STEP, step.method(), step.mirror(), value, named, graph.decl().name(),
          named, Suggestions.didYouMean(named, graph.stepNames()));
    } else if (target.get().index() <= step.index()) {
      report.error(Diag.SKIP_UNTIL_NOT_LATER, step.method(), step.mirror(), value, step.name(), named,
          target.get() == step ? "the step itself" : "declared before it", step.name());
    } else if (WorkflowCollector.sameGroup(step, target.get())) {
      report.error(Diag.SKIP_UNTIL_SAME_GROUP, step.method(), step.mirror(), value, step.name(), named,
          step.parallel().orElseThrow().group());
    }
  }
}
