package io.stepwise.it.durable;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Durable workflows whose manual retry ({@code autoRetry = false}) waits in memory, synchronous and
 * asynchronous:
 *
 * <pre>
 * group:  create, then the group "prepare" of charge (maxRetries 2, autoRetry = false) and label, then confirm
 * parent: create, then ship, which runs the child "parcel": pack, label (maxRetries 2, autoRetry = false)
 * nowait: create, email (noWait), charge (maxRetries 2, autoRetry = false), confirm
 * </pre>
 *
 * The manual step fails on its first {@code failures} attempts; the group's label, if {@code labelFails},
 * fails for good (once the test opens its gate, see {@link #holdLabel}). Every step but confirm is
 * compensated. What the steps did is kept outside the store.
 */
final class ManualRetryGroupWorkflows {
  private ManualRetryGroupWorkflows() {}

  static final Map<String, List<String>> EFFECTS = new ConcurrentHashMap<>();
  /** The gate the group's label waits at before its work, by order id; none: it works at once. */
  private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

  public record Order(String id, int failures, boolean labelFails) {}

  static List<String> effects(String id) {
    return EFFECTS.getOrDefault(id, List.of());
  }

  /** The group's label of this order waits until the returned gate is opened. */
  static CountDownLatch holdLabel(String id) {
    return GATES.computeIfAbsent(id, k -> new CountDownLatch(1));
  }

  static String did(String id, String what) {
    EFFECTS.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(what);
    return what;
  }

  /** The order id of a compensation's run: a child's transaction id is the parent's, then {@code /step}. */
  static String orderOf(StepContext ctx) {
    String id = ctx.transactionId();
    return id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
  }

  static String manual(String step, Order order, StepContext ctx) {
    did(order.id(), step + "#" + ctx.attempt());
    if (ctx.attempt() <= order.failures()) {
      throw new IllegalStateException(step + " failed on attempt " + ctx.attempt());
    }
    return step + "-" + ctx.attempt();
  }

  static String label(Order order) {
    CountDownLatch gate = GATES.get(order.id());
    try {
      if (gate != null && !gate.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate of label");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    did(order.id(), "label");
    if (order.labelFails()) {
      throw new IllegalStateException("label failed for good");
    }
    return "label";
  }

  static void undo(String what, StepContext ctx) {
    did(orderOf(ctx), "undo:" + what);
  }

  @Workflow("durable-manual-group")
  public static final class Group {
    @Step("create")
    String create(@Input Order order) {
      return did(order.id(), "create");
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    @Parallel("prepare")
    String charge(@From("create") String created, @Input Order order, StepContext ctx) {
      return manual("charge", order, ctx);
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      undo(charged, ctx);
    }

    @Step("label")
    @Parallel("prepare")
    String label(@From("create") String created, @Input Order order) {
      return ManualRetryGroupWorkflows.label(order);
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      undo(label, ctx);
    }

    @Step("confirm")
    String confirm(@From("charge") String charged, @From("label") String label, @Input Order order) {
      return did(order.id(), "confirm " + charged + " " + label);
    }
  }

  @Workflow("durable-manual-group-async")
  public static final class GroupAsync {
    @Step("create")
    CompletableFuture<String> create(@Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "create"));
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    @Parallel("prepare")
    CompletableFuture<String> charge(@From("create") String created, @Input Order order, StepContext ctx) {
      return CompletableFuture.supplyAsync(() -> manual("charge", order, ctx));
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      undo(charged, ctx);
    }

    @Step("label")
    @Parallel("prepare")
    CompletableFuture<String> label(@From("create") String created, @Input Order order) {
      return CompletableFuture.supplyAsync(() -> ManualRetryGroupWorkflows.label(order));
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      undo(label, ctx);
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("charge") String charged, @From("label") String label,
        @Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "confirm " + charged + " " + label));
    }
  }

  @Workflow("durable-manual-parent")
  public static final class Parent {
    @Step("create")
    String create(@Input Order order) {
      return did(order.id(), "create");
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step("ship")
    @ChildWorkflow(Parcel.class)
    Order ship(@From("create") String created, @Input Order order) {
      return order;
    }

    @Step("confirm")
    String confirm(@From("ship") String parcel, @Input Order order) {
      return did(order.id(), "confirm " + parcel);
    }
  }

  @Workflow("durable-manual-parent-async")
  public static final class ParentAsync {
    @Step("create")
    CompletableFuture<String> create(@Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "create"));
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step("ship")
    @ChildWorkflow(ParcelAsync.class)
    Order ship(@From("create") String created, @Input Order order) {
      return order;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("ship") String parcel, @Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "confirm " + parcel));
    }
  }

  @Workflow("durable-manual-parcel")
  public static final class Parcel {
    @Step("pack")
    String pack(@Input Order order) {
      return did(order.id(), "pack");
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      undo(box, ctx);
    }

    @Step(value = "label", maxRetries = 2, autoRetry = false)
    String label(@From("pack") String box, @Input Order order, StepContext ctx) {
      return manual("label", order, ctx);
    }
  }

  @Workflow("durable-manual-parcel-async")
  public static final class ParcelAsync {
    @Step("pack")
    CompletableFuture<String> pack(@Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "pack"));
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      undo(box, ctx);
    }

    @Step(value = "label", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> label(@From("pack") String box, @Input Order order, StepContext ctx) {
      return CompletableFuture.supplyAsync(() -> manual("label", order, ctx));
    }
  }

  @Workflow("durable-manual-nowait")
  public static final class NoWait {
    @Step("create")
    String create(@Input Order order) {
      return did(order.id(), "create");
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step(value = "email", noWait = true)
    String email(@Input Order order) {
      return did(order.id(), "email");
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    String charge(@From("create") String created, @Input Order order, StepContext ctx) {
      return manual("charge", order, ctx);
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      undo(charged, ctx);
    }

    @Step("confirm")
    String confirm(@From("charge") String charged, @Input Order order) {
      return did(order.id(), "confirm " + charged);
    }
  }

  @Workflow("durable-manual-nowait-async")
  public static final class NoWaitAsync {
    @Step("create")
    CompletableFuture<String> create(@Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "create"));
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      undo(created, ctx);
    }

    @Step(value = "email", noWait = true)
    CompletableFuture<String> email(@Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "email"));
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> charge(@From("create") String created, @Input Order order, StepContext ctx) {
      return CompletableFuture.supplyAsync(() -> manual("charge", order, ctx));
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      undo(charged, ctx);
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("charge") String charged, @Input Order order) {
      return CompletableFuture.supplyAsync(() -> did(order.id(), "confirm " + charged));
    }
  }
}
