package io.stepwise.it.durable;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Workflows for durable runs whose values are JSON-friendly: an order with a condition, a parallel
 * group and a child workflow. Each step and compensation notes what it did under the order's id
 * (the run's transaction id is the order's id), and a test can hold a step at a gate.
 */
public final class DurableWorkflows {
  private DurableWorkflows() {}

  /** What was done, by order id, in order. */
  static final Map<String, List<String>> EVENTS = new ConcurrentHashMap<>();
  /** Gates that hold a step ("order:step") until opened; and latches counted down when it gets there. */
  static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch> REACHED = new ConcurrentHashMap<>();

  /** The order: its id, whether it goes express, and the step (or compensation) that fails, if any. */
  public record OrderInput(String id, boolean express, String failAt) {}

  /** The child's input. */
  public record ParcelRequest(String order) {}

  static List<String> events(String order) {
    return EVENTS.getOrDefault(order, List.of());
  }

  static void did(String order, String what, String failAt) {
    EVENTS.computeIfAbsent(order, k -> new CopyOnWriteArrayList<>()).add(what);
    CountDownLatch reached = REACHED.get(order + ":" + what);
    if (reached != null) {
      reached.countDown();
    }
    CountDownLatch gate = GATES.get(order + ":" + what);
    if (gate != null) {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (what.equals(failAt)) {
      throw new IllegalStateException(what + " failed for " + order);
    }
  }

  /** The order's id: the top-level run's transaction id, before a child's "/step". */
  static String orderOf(StepContext ctx) {
    String tx = ctx.transactionId();
    int slash = tx.indexOf('/');
    return slash < 0 ? tx : tx.substring(0, slash);
  }

  @Workflow("durable-parcel")
  public static final class Parcel {
    @Step("book")
    String book(@Input ParcelRequest request, StepContext ctx) {
      did(request.order(), "book", null);
      return "booking-" + request.order();
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      did(orderOf(ctx), "undo:book", null);
    }

    @Step("label")
    String label(@From("book") String booking, @Input ParcelRequest request) {
      did(request.order(), "label", null);
      return "label-" + booking;
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      did(orderOf(ctx), "undo:label", null);
    }
  }

  @Workflow(value = "durable-order", result = "confirm")
  public static final class Order {
    @Step("create")
    String create(@Input OrderInput input) {
      did(input.id(), "create", input.failAt());
      return "order-" + input.id();
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    boolean wantsExpress(@Input OrderInput input) {
      return input.express();
    }

    @Step("express")
    @When("wantsExpress")
    String express(@From("create") String order, @Input OrderInput input) {
      did(input.id(), "express", input.failAt());
      return "express-" + order;
    }

    @Compensate("express")
    void cancelExpress(String express, StepContext ctx) {
      did(orderOf(ctx), "undo:express", null);
    }

    @Step("reserve")
    @Parallel("pack")
    String reserve(@From("create") String order, @Input OrderInput input) {
      did(input.id(), "reserve", input.failAt());
      return "reservation-" + order;
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      did(orderOf(ctx), "undo:reserve", null);
    }

    @Step("charge")
    @Parallel("pack")
    String charge(@From("create") String order, @Input OrderInput input) {
      did(input.id(), "charge", input.failAt());
      return "payment-" + order;
    }

    @Compensate("charge")
    void refund(String payment, StepContext ctx) {
      did(orderOf(ctx), "undo:charge", null);
    }

    @Step("ship")
    @ChildWorkflow(Parcel.class)
    ParcelRequest ship(@From("reserve") String reservation, @Input OrderInput input) {
      return new ParcelRequest(input.id());
    }

    @Step("confirm")
    String confirm(@From("ship") String label, @From("charge") String payment, @Input OrderInput input) {
      did(input.id(), "confirm", input.failAt());
      return "confirmed " + label + " " + payment;
    }
  }
}
