package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The "order-placed" hook of CheckoutWorkflow, through the generated runner's onOrderPlaced. */
class HookTest {

  private static Script script() {
    return new Script("tx-" + UUID.randomUUID());
  }

  @Test
  void withoutAHandlerTheHookDoesNothing() {
    Script script = script();
    WorkflowResult<String> result = CheckoutWorkflowRunner.create(Container.empty()).run(script, script.options());
    assertEquals(WorkflowStatus.DONE, result.status());
  }

  @Test
  void handlerReceivesTheHooksInputAtItsPlaceAmongTheSteps() {
    Script script = script();
    CheckoutWorkflowRunner runner = CheckoutWorkflowRunner.create(Container.empty())
        .onOrderPlaced((order, ctx) -> Script.of(ctx).call("hook " + order + " in " + ctx.stepName()));
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    List<String> journal = script.journal();
    int hook = journal.indexOf("hook order-" + script.id + " in order-placed");
    assertTrue(hook > journal.indexOf("order") && hook < journal.indexOf("book-carrier"), journal.toString());
  }

  @Test
  void handlersCompensationRunsWhenALaterStepFails() {
    Script script = script().failAlways("confirm");
    CheckoutWorkflowRunner runner = CheckoutWorkflowRunner.create(Container.empty())
        .onOrderPlaced((order, ctx) -> Script.of(ctx).call("hook " + order),
            (order, ctx) -> Script.of(ctx).call("undo:hook " + order));
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String order = "order-" + script.id;
    assertEquals(List.of("undo:print-label label-carrier-for-" + order, "undo:book-carrier carrier-for-" + order,
        "undo:hook " + order, "undo:order " + order),
        script.journal().stream().filter(s -> s.startsWith("undo:")).toList());
  }

  @Test
  void failingHandlerFailsTheRunAtTheHook() {
    Script script = script();
    CheckoutWorkflowRunner runner = CheckoutWorkflowRunner.create(Container.empty())
        .onOrderPlaced((order, ctx) -> {
          throw new IllegalStateException("ERP down");
        });
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("order-placed", result.errors().get(0).step());
    assertEquals("ERP down", result.errors().get(0).cause().getMessage());
    assertEquals(0, script.calls("book-carrier"));
  }

  @Test
  void aHookTakesAtMostOneHandler() {
    CheckoutWorkflowRunner runner = CheckoutWorkflowRunner.create(Container.empty()).onOrderPlaced((order, ctx) -> { });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.onOrderPlaced((order, ctx) -> { }));
    assertEquals("hook 'order-placed' of workflow 'checkout' already has a handler; a hook takes at most one", e.getMessage());
  }
}
