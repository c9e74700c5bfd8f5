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
import io.stepwise.runtime.StepResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workflows that {@code RevertContract} runs to {@code DONE} and then reverts. Every step and
 * compensation appends what it did to a list outside the store (by trip id, the run's transaction
 * id), each compensation with the input it was given; a compensation can be held at a gate, or made
 * to fail.
 */
public final class RevertWorkflows {
  private RevertWorkflows() {}

  /**
   * What was done, by trip id, in order ("book-flight", "undo:book-flight(flight-comp-T)", ...): the
   * list of {@link DurableWorkflows#EVENTS}, whose gates ({@code DurableWorkflows.GATES}, "trip:what")
   * hold an effect too.
   */
  static final Map<String, List<String>> EFFECTS = DurableWorkflows.EVENTS;
  /** The compensation that fails every time it is tried ("undo:insure"), by trip id. */
  static final Map<String, String> FAILING = new ConcurrentHashMap<>();

  /** A trip: its id, and whether it wants a hotel (a conditional step). */
  public record Trip(String id, boolean hotel) {}

  /** The child's input. */
  public record Docs(String trip) {}

  static List<String> effects(String trip) {
    return DurableWorkflows.events(trip);
  }

  /** Notes {@code what}; a compensation whose name is the trip's {@link #FAILING} one throws. */
  static void did(String trip, String what) {
    String failing = FAILING.get(trip);
    DurableWorkflows.did(trip, what, failing != null && what.startsWith(failing + "(") ? what : null);
  }

  /** The trip's id: the top-level run's transaction id, before a child's "/step". */
  static String tripOf(StepContext ctx) {
    return DurableWorkflows.orderOf(ctx);
  }

  @Workflow("revert-docs")
  public static final class SendDocs {
    @Step("print")
    String print(@Input Docs docs) {
      did(docs.trip(), "print");
      return "print-" + docs.trip();
    }

    @Compensate("print")
    void shred(String printed, StepContext ctx) {
      did(tripOf(ctx), "undo:print(" + printed + ")");
    }

    @Step("post")
    String post(@From("print") String printed, @Input Docs docs) {
      did(docs.trip(), "post");
      return "post-" + printed;
    }

    @Compensate("post")
    void recall(String posted, StepContext ctx) {
      did(tripOf(ctx), "undo:post(" + posted + ")");
    }
  }

  /**
   * A synchronous trip: a step whose compensation input is not its output, a conditional step, a
   * parallel group, a step without a compensation, a child workflow, and a last step with one.
   */
  @Workflow(value = "revert-trip", result = "confirm")
  public static final class BookTrip {
    @Step("book-flight")
    StepResponse<String, String> bookFlight(@Input Trip trip) {
      did(trip.id(), "book-flight");
      return new StepResponse<>("flight-" + trip.id(), "flight-comp-" + trip.id());
    }

    @Compensate("book-flight")
    void cancelFlight(String compensation, StepContext ctx) {
      did(tripOf(ctx), "undo:book-flight(" + compensation + ")");
    }

    boolean wantsHotel(@Input Trip trip) {
      return trip.hotel();
    }

    @Step("hotel")
    @When("wantsHotel")
    String hotel(@Input Trip trip) {
      did(trip.id(), "hotel");
      return "hotel-" + trip.id();
    }

    @Compensate("hotel")
    void cancelHotel(String hotel, StepContext ctx) {
      did(tripOf(ctx), "undo:hotel(" + hotel + ")");
    }

    @Step(value = "insure", maxRetries = 1)
    @Parallel("extras")
    String insure(@From("book-flight") String flight, @Input Trip trip) {
      did(trip.id(), "insure");
      return "policy-" + flight;
    }

    @Compensate("insure")
    void cancelPolicy(String policy, StepContext ctx) {
      did(tripOf(ctx), "undo:insure(" + policy + ")");
    }

    @Step("seat")
    @Parallel("extras")
    String seat(@From("book-flight") String flight, @Input Trip trip) {
      did(trip.id(), "seat");
      return "seat-" + flight;
    }

    @Compensate("seat")
    void releaseSeat(String seat, StepContext ctx) {
      did(tripOf(ctx), "undo:seat(" + seat + ")");
    }

    @Step("notify")
    String notify(@From("seat") String seat, @Input Trip trip) {
      did(trip.id(), "notify");
      return "notified";
    }

    @Step("send-docs")
    @ChildWorkflow(SendDocs.class)
    Docs sendDocs(@Input Trip trip) {
      return new Docs(trip.id());
    }

    @Step("confirm")
    String confirm(@From("send-docs") String posted, @Input Trip trip) {
      did(trip.id(), "confirm");
      return "confirmed " + posted;
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(tripOf(ctx), "undo:confirm(" + confirmation + ")");
    }
  }

  /**
   * A ledger entry whose last step does its work in the store's transaction (a {@code Connection}
   * parameter): on a {@code JdbcRunStore} such a run's caller gets its result before its end is
   * written.
   */
  @Workflow(value = "revert-ledger", result = "post")
  public static final class Ledger {
    @Step("reserve")
    String reserve(@Input String trip) {
      did(trip, "reserve");
      return "reservation-" + trip;
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      did(tripOf(ctx), "undo:reserve(" + reservation + ")");
    }

    @Step("post")
    String post(@From("reserve") String reservation, Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
      }
      return "posted-" + reservation;
    }

    @Compensate("post")
    void unpost(String posted, StepContext ctx) {
      did(tripOf(ctx), "undo:post(" + posted + ")");
    }
  }

  /** An asynchronous trip: steps that complete on another thread, one without a compensation. */
  @Workflow(value = "revert-trip-async", result = "confirm")
  public static final class BookTripAsync {
    @Step("book-flight")
    CompletionStage<StepResponse<String, String>> bookFlight(@Input Trip trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip.id(), "book-flight");
        return new StepResponse<>("flight-" + trip.id(), "flight-comp-" + trip.id());
      });
    }

    @Compensate("book-flight")
    void cancelFlight(String compensation, StepContext ctx) {
      did(tripOf(ctx), "undo:book-flight(" + compensation + ")");
    }

    @Step("notify")
    CompletionStage<String> notify(@From("book-flight") String flight, @Input Trip trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip.id(), "notify");
        return "notified";
      });
    }

    @Step("confirm")
    CompletionStage<String> confirm(@From("book-flight") String flight, @Input Trip trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip.id(), "confirm");
        return "confirmed " + flight;
      });
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(tripOf(ctx), "undo:confirm(" + confirmation + ")");
    }
  }
}
