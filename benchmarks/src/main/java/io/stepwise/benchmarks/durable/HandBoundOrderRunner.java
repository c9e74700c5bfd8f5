package io.stepwise.benchmarks.durable;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.internal.AsyncRuns;
import io.stepwise.runtime.internal.RunRegistry;
import io.stepwise.runtime.internal.StepSpec;
import io.stepwise.runtime.internal.WorkflowRun;
import io.stepwise.runtime.internal.WorkflowSpec;
import io.stepwise.runtime.store.RunTypes;
import java.util.concurrent.CompletableFuture;

/**
 * {@link OrderWorkflow}'s runner bound to an engine, written by hand on the runtime's internal API
 * as the generated one will be (the shape of the runner in the runtime's {@code JournalTest}), until
 * the processor generates {@code OrderWorkflowRunner.create(Container, WorkflowEngine)}.
 */
final class HandBoundOrderRunner {
  private static final StepSpec RESERVE = StepSpec.of("reserve", 0);
  private static final StepSpec CHARGE = StepSpec.of("charge", 0);
  private static final StepSpec SHIP = StepSpec.of("ship", 0);
  private static final RunTypes TYPES = RunTypes.builder("durable-order", DurableOrder.class, String.class)
      .step(0, String.class, String.class)
      .step(1, Long.class, Long.class)
      .step(2, String.class, String.class)
      .build();
  private static final WorkflowSpec SPEC = WorkflowSpec.of(WorkflowSpec.GENERATED_CODE_VERSION, "durable-order",
      RESERVE, CHARGE, SHIP).withTypes(TYPES, "hand-bound-1");

  private final OrderWorkflow workflow;
  private final RunRegistry runs;

  HandBoundOrderRunner(OrderWorkflow workflow, WorkflowEngine engine) {
    this.workflow = workflow;
    this.runs = RunRegistry.of(engine, SPEC, this::runAsync);
  }

  WorkflowResult<String> run(DurableOrder order, RunOptions options) {
    WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty(), runs, order);
    try {
      String reserved = run.valueStep(RESERVE, ctx -> workflow.reserve(order), (r, ctx) -> workflow.release(r));
      long charged = run.valueStep(CHARGE, ctx -> workflow.charge(reserved, order), (c, ctx) -> workflow.refund(c));
      String shipped = run.valueStep(SHIP, ctx -> workflow.ship(charged, order), (s, ctx) -> { });
      return run.done(shipped);
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  private CompletableFuture<WorkflowResult<String>> runAsync(DurableOrder order, RunOptions options) {
    return AsyncRuns.supply(options, runs, () -> run(order, options));
  }
}
