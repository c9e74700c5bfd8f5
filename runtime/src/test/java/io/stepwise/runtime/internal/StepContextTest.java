package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.Probe.ContextSnapshot;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC.md: StepContext: transactionId(), workflowName(), stepName(), attempt() (1 on the first try), container(). */
class StepContextTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));

  @Test
  void everyStepAttemptAndCompensationGetsItsOwnContext() {
    Probe probe = new Probe().failInvoke("create-items", 1).failInvokeAlways("confirm").failCompensation("reserve-stock", 1);
    Container container = Container.of(probe, "unrelated service");
    RestockOrderWorkflowRunner runner = RestockOrderWorkflowRunner.create(container);

    WorkflowResult<Confirmation> result = runner.run(ACME,
        RunOptions.builder().transactionId("ctx-1").throwOnError(false).build());

    List<String> seen = new ArrayList<>();
    for (ContextSnapshot c : probe.contexts()) {
      assertEquals("ctx-1", c.transactionId(), c.toString());
      assertEquals(RestockOrderWorkflowRunner.WORKFLOW, c.workflowName(), c.toString());
      assertSame(container, c.container(), c.toString());
      seen.add(c.where() + " " + c.stepName() + " attempt=" + c.attempt() + " compensating=" + c.compensating());
    }
    assertEquals(List.of(
        "invoke:create-order create-order attempt=1 compensating=false",
        "invoke:create-items create-items attempt=1 compensating=false",
        "invoke:create-items create-items attempt=2 compensating=false",
        "invoke:audit audit attempt=1 compensating=false",
        "invoke:reserve-stock reserve-stock attempt=1 compensating=false",
        "invoke:notify-supplier notify-supplier attempt=1 compensating=false",
        "invoke:confirm confirm attempt=1 compensating=false",
        "compensate:notify-supplier notify-supplier attempt=1 compensating=true",
        "compensate:reserve-stock reserve-stock attempt=1 compensating=true",
        "compensate:reserve-stock reserve-stock attempt=2 compensating=true",
        "compensate:create-items create-items attempt=1 compensating=true",
        "compensate:create-order create-order attempt=1 compensating=true"), seen);
    assertEquals("ctx-1", result.transactionId());
  }

  @Test
  void contextIsTheContainerTheRunWasStartedWith() {
    StepSpec only = StepSpec.of("only", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "container-check", only);
    Container container = Container.of("a service");
    List<StepContext> contexts = new ArrayList<>();

    WorkflowRun run = WorkflowRun.start(spec, RunOptions.defaults(), container);
    String value = run.<String>valueStep(only, ctx -> {
      contexts.add(ctx);
      return ctx.container().resolve(String.class);
    }, null);
    WorkflowResult<String> result = run.done(value);

    assertEquals("a service", result.result());
    assertSame(container, contexts.get(0).container());
    assertEquals(result.transactionId(), run.transactionId());
  }

  @Test
  void contextOfAnEarlierAttemptKeepsItsAttemptNumber() {
    StepSpec flaky = StepSpec.of("flaky", 3);
    WorkflowSpec spec = WorkflowSpec.of(1, "flaky-workflow", flaky);
    List<StepContext> contexts = new ArrayList<>();

    WorkflowRun run = WorkflowRun.start(spec, RunOptions.defaults(), Container.empty());
    Integer attempts = run.<Integer>valueStep(flaky, ctx -> {
      contexts.add(ctx);
      if (ctx.attempt() < 4) {
        throw new IllegalStateException("not yet");
      }
      return ctx.attempt();
    }, null);
    run.done(attempts);

    assertEquals(4, attempts);
    assertEquals(List.of(1, 2, 3, 4), contexts.stream().map(StepContext::attempt).toList());
    StepContext first = contexts.get(0);
    assertEquals("flaky", first.stepName());
    assertEquals("flaky-workflow", first.workflowName());
    assertNotNull(first.transactionId());
    assertTrue(first.toString().contains("flaky"), first.toString());
  }
}
