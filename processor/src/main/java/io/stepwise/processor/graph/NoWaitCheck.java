package io.stepwise.processor.graph;

import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ValidationReport;
import java.util.List;
import java.util.Optional;

/**
 * {@code @Step(noWait = true)}: the steps after such a step start while it runs, so it is not the
 * result step, nor the last step, nor in a {@code @Parallel} group (whose join waits for each of its
 * steps), and it does not skip the steps after it on a failure. That no {@code @From} takes its
 * output is {@link WiringCheck}'s.
 */
public final class NoWaitCheck {

  public void check(StepGraph graph, ValidationReport report) {
    WorkflowDecl decl = graph.decl();
    List<StepDecl> steps = decl.steps();
    Optional<StepDecl> result = graph.resultStep();
    for (StepDecl step : steps) {
      StepDecl.Options options = step.options();
      if (!options.noWait()) {
        continue;
      }
      if (step.parallel().isPresent()) {
        report.error(Diag.NO_WAIT_IN_PARALLEL, step.method(), step.mirror(), options.noWaitValue(), step.name(),
            step.parallel().get().group());
      } else if (result.isPresent() && result.get() == step) {
        report.error(Diag.NO_WAIT_RESULT, step.method(), step.mirror(), options.noWaitValue(), step.name(),
            decl.name(), decl.resultStep().isEmpty() ? "the last declared step" : "named by @Workflow(result)");
      } else if (step == steps.get(steps.size() - 1)) {
        report.error(Diag.NO_WAIT_LAST, step.method(), step.mirror(), options.noWaitValue(), step.name(), decl.name());
      }
      if (options.skipOnPermanentFailure()) {
        report.error(Diag.NO_WAIT_SKIP_ON_FAILURE, step.method(), step.mirror(), options.noWaitValue(), step.name());
      }
    }
  }
}
