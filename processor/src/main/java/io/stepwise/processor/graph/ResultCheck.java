package io.stepwise.processor.graph;

import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.Suggestions;
import io.stepwise.processor.diag.ValidationReport;

/** {@code @Workflow(result = "...")} names a step of the workflow. */
public final class ResultCheck {

  public void check(StepGraph graph, ValidationReport report) {
    WorkflowDecl decl = graph.decl();
    if (!decl.resultStep().isEmpty() && graph.step(decl.resultStep()).isEmpty()) {
      report.error(Diag.RESULT_UNKNOWN_STEP, decl.type(), decl.mirror(), decl.resultValue(), decl.resultStep(),
          decl.name(), decl.resultStep(), Suggestions.didYouMean(decl.resultStep(), graph.stepNames()));
    }
  }
}
