package io.stepwise.it.durable;

import static io.stepwise.it.durable.DurableWorkflows.did;
import static io.stepwise.it.durable.DurableWorkflows.orderOf;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * A durable order with a step that the steps after it do not wait for: create, email (noWait),
 * confirm (the result). Synchronous and asynchronous. The input's {@code failAt} names the step that fails.
 */
public final class DurableNoWaitWorkflows {
  private DurableNoWaitWorkflows() {}

  @Workflow("durable-nowait")
  public static final class NoWait {
    @Step("create")
    String create(@Input OrderInput input) {
      did(input.id(), "create", input.failAt());
      return "order-" + input.id();
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    @Step(value = "email", noWait = true)
    String email(@Input OrderInput input) {
      did(input.id(), "email", input.failAt());
      return "mail-" + input.id();
    }

    @Compensate("email")
    void unsend(String mail, StepContext ctx) {
      did(orderOf(ctx), "undo:email", null);
    }

    @Step("confirm")
    String confirm(@From("create") String order, @Input OrderInput input) {
      did(input.id(), "confirm", input.failAt());
      return "confirmed " + order;
    }
  }

  @Workflow("durable-nowait-async")
  public static final class NoWaitAsync {
    @Step("create")
    CompletableFuture<String> create(@Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        did(input.id(), "create", input.failAt());
        return "order-" + input.id();
      });
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    @Step(value = "email", noWait = true)
    CompletableFuture<String> email(@Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        did(input.id(), "email", input.failAt());
        return "mail-" + input.id();
      });
    }

    @Compensate("email")
    void unsend(String mail, StepContext ctx) {
      did(orderOf(ctx), "undo:email", null);
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("create") String order, @Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        did(input.id(), "confirm", input.failAt());
        return "confirmed " + order;
      });
    }
  }
}
