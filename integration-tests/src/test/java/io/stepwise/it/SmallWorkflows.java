package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.ArrayList;
import java.util.List;

/** Nested workflows: runners named Outer_InnerRunner; no input (run()); a void result. */
public final class SmallWorkflows {
  private SmallWorkflows() {}

  /** No step takes @Input: the runner has run() and run(RunOptions); the last step is void. */
  @Workflow("tick")
  public static final class Tick {
    final List<String> log = new ArrayList<>();

    @Step("first")
    String first(StepContext ctx) {
      log.add("first " + ctx.workflowName() + " " + ctx.stepName());
      return "one";
    }

    @Step("second")
    void second(@From("first") String first) {
      log.add("second " + first);
    }

    @Compensate("second")
    void undoSecond() {
      log.add("undo second");
    }
  }

  /** A primitive input type. */
  @Workflow("square")
  static class Square {
    @Step("square")
    long square(@io.stepwise.annotations.Input int n) {
      return (long) n * n;
    }
  }
}
