package io.stepwise.it.durable;

import static io.stepwise.it.durable.RevertWorkflows.did;
import static io.stepwise.it.durable.RevertWorkflows.tripOf;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Workflows that end DONE with steps that did not complete, then reverted ({@code RevertSkipTest}):
 * a skipping failure that hands over partial work, the steps it skips, a step that skips itself, a
 * tolerated failure with partial work. Every step and compensation notes what it did under the
 * run's transaction id ({@link RevertWorkflows#effects}).
 */
public final class RevertSkipWorkflows {
  private RevertSkipWorkflows() {}

  /**
   * charge; reserve-gift fails for good with partial work (skipOnPermanentFailure, skipUntil ship);
   * wrap (skipped); ship; coupon (skips itself); note (fails with partial work, continueOnPermanentFailure);
   * confirm (the result).
   */
  @Workflow(value = "revert-skip", result = "confirm")
  public static final class Gift {
    @Step("charge")
    StepResponse<String, String> charge(@Input String trip) {
      did(trip, "charge");
      return new StepResponse<>("charge-" + trip, "charge-comp-" + trip);
    }

    @Compensate("charge")
    void refund(String compensation, StepContext ctx) {
      did(tripOf(ctx), "undo:charge(" + compensation + ")");
    }

    @Step(value = "reserve-gift", skipOnPermanentFailure = true, skipUntil = "ship")
    StepResponse<String, String> reserveGift(@Input String trip) {
      did(trip, "reserve-gift");
      return StepResponse.permanentFailure("out of stock", "hold-" + trip);
    }

    @Compensate("reserve-gift")
    void release(String hold, StepContext ctx) {
      did(tripOf(ctx), "undo:reserve-gift(" + hold + ")");
    }

    @Step("wrap")
    String wrap(@From("reserve-gift") Optional<String> gift, @Input String trip) {
      did(trip, "wrap");
      return "wrapped";
    }

    @Compensate("wrap")
    void unwrap(String wrapped, StepContext ctx) {
      did(tripOf(ctx), "undo:wrap(" + wrapped + ")");
    }

    @Step("ship")
    String ship(@Input String trip) {
      did(trip, "ship");
      return "ship-" + trip;
    }

    @Compensate("ship")
    void recall(String shipment, StepContext ctx) {
      did(tripOf(ctx), "undo:ship(" + shipment + ")");
    }

    @Step(value = "coupon", skippable = true)
    StepResponse<String, String> coupon(@Input String trip) {
      did(trip, "coupon");
      return StepResponse.skip("no coupon");
    }

    @Compensate("coupon")
    void revokeCoupon(String coupon, StepContext ctx) {
      did(tripOf(ctx), "undo:coupon(" + coupon + ")");
    }

    @Step(value = "note", continueOnPermanentFailure = true)
    StepResponse<String, String> note(@Input String trip) {
      did(trip, "note");
      return StepResponse.permanentFailure("printer jammed", "note-" + trip);
    }

    @Compensate("note")
    void shredNote(String note, StepContext ctx) {
      did(tripOf(ctx), "undo:note(" + note + ")");
    }

    @Step("confirm")
    String confirm(@From("ship") String shipment, @From("coupon") Optional<String> coupon) {
      return "confirmed " + shipment;
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(tripOf(ctx), "undo:confirm(" + confirmation + ")");
    }
  }

  /** {@link Gift}, asynchronous. */
  @Workflow(value = "revert-skip-async", result = "confirm")
  public static final class GiftAsync {
    @Step("charge")
    CompletionStage<StepResponse<String, String>> charge(@Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "charge");
        return new StepResponse<>("charge-" + trip, "charge-comp-" + trip);
      });
    }

    @Compensate("charge")
    void refund(String compensation, StepContext ctx) {
      did(tripOf(ctx), "undo:charge(" + compensation + ")");
    }

    @Step(value = "reserve-gift", skipOnPermanentFailure = true, skipUntil = "ship")
    CompletionStage<StepResponse<String, String>> reserveGift(@Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "reserve-gift");
        return StepResponse.permanentFailure("out of stock", "hold-" + trip);
      });
    }

    @Compensate("reserve-gift")
    void release(String hold, StepContext ctx) {
      did(tripOf(ctx), "undo:reserve-gift(" + hold + ")");
    }

    @Step("wrap")
    CompletionStage<String> wrap(@From("reserve-gift") Optional<String> gift, @Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "wrap");
        return "wrapped";
      });
    }

    @Compensate("wrap")
    void unwrap(String wrapped, StepContext ctx) {
      did(tripOf(ctx), "undo:wrap(" + wrapped + ")");
    }

    @Step("ship")
    CompletionStage<String> ship(@Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "ship");
        return "ship-" + trip;
      });
    }

    @Compensate("ship")
    void recall(String shipment, StepContext ctx) {
      did(tripOf(ctx), "undo:ship(" + shipment + ")");
    }

    @Step(value = "coupon", skippable = true)
    CompletionStage<StepResponse<String, String>> coupon(@Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "coupon");
        return StepResponse.skip("no coupon");
      });
    }

    @Compensate("coupon")
    void revokeCoupon(String coupon, StepContext ctx) {
      did(tripOf(ctx), "undo:coupon(" + coupon + ")");
    }

    @Step(value = "note", continueOnPermanentFailure = true)
    CompletionStage<StepResponse<String, String>> note(@Input String trip) {
      return CompletableFuture.supplyAsync(() -> {
        did(trip, "note");
        return StepResponse.permanentFailure("printer jammed", "note-" + trip);
      });
    }

    @Compensate("note")
    void shredNote(String note, StepContext ctx) {
      did(tripOf(ctx), "undo:note(" + note + ")");
    }

    @Step("confirm")
    CompletionStage<String> confirm(@From("ship") String shipment, @From("coupon") Optional<String> coupon) {
      return CompletableFuture.completedFuture("confirmed " + shipment);
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(tripOf(ctx), "undo:confirm(" + confirmation + ")");
    }
  }
  /** A child whose "stamp" fails with partial work and skips "fold": print, stamp, fold, post. */
  @Workflow(value = "revert-skip-docs", result = "post")
  public static final class Docs {
    @Step("print")
    String print(@Input String trip) {
      did(trip, "print");
      return "print-" + trip;
    }

    @Compensate("print")
    void shred(String printed, StepContext ctx) {
      did(tripOf(ctx), "undo:print(" + printed + ")");
    }

    @Step(value = "stamp", skipOnPermanentFailure = true, skipUntil = "post")
    StepResponse<String, String> stamp(@Input String trip) {
      did(trip, "stamp");
      return StepResponse.permanentFailure("no ink", "stamp-hold-" + trip);
    }

    @Compensate("stamp")
    void unstamp(String hold, StepContext ctx) {
      did(tripOf(ctx), "undo:stamp(" + hold + ")");
    }

    @Step("fold")
    String fold(@Input String trip) {
      did(trip, "fold");
      return "folded";
    }

    @Compensate("fold")
    void unfold(String folded, StepContext ctx) {
      did(tripOf(ctx), "undo:fold(" + folded + ")");
    }

    @Step("post")
    String post(@From("print") String printed) {
      return "post-" + printed;
    }

    @Compensate("post")
    void recall(String posted, StepContext ctx) {
      did(tripOf(ctx), "undo:post(" + posted + ")");
    }
  }

  /**
   * book; a group of insure (fails with partial work, skipOnPermanentFailure until docs) and seat;
   * notify (skipped); docs (the child {@link Docs}, which skips a step of its own); finish.
   */
  @Workflow(value = "revert-skip-group", result = "finish")
  public static final class Group {
    @Step("book")
    String book(@Input String trip) {
      did(trip, "book");
      return "book-" + trip;
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      did(tripOf(ctx), "undo:book(" + booking + ")");
    }

    @Step(value = "insure", skipOnPermanentFailure = true, skipUntil = "docs")
    @Parallel("extras")
    StepResponse<String, String> insure(@Input String trip) throws InterruptedException {
      Thread.sleep(200); // usually ends after seat, so that the record's order is not the steps' order
      did(trip, "insure");
      return StepResponse.permanentFailure("no insurer", "policy-hold-" + trip);
    }

    @Compensate("insure")
    void uninsure(String hold, StepContext ctx) {
      did(tripOf(ctx), "undo:insure(" + hold + ")");
    }

    @Step("seat")
    @Parallel("extras")
    String seat(@Input String trip) {
      did(trip, "seat");
      return "seat-" + trip;
    }

    @Compensate("seat")
    void releaseSeat(String seat, StepContext ctx) {
      did(tripOf(ctx), "undo:seat(" + seat + ")");
    }

    @Step("notify")
    String notify(@From("seat") String seat, @Input String trip) {
      did(trip, "notify");
      return "notified";
    }

    @Compensate("notify")
    void unnotify(String notified, StepContext ctx) {
      did(tripOf(ctx), "undo:notify(" + notified + ")");
    }

    @Step("docs")
    @ChildWorkflow(Docs.class)
    String docs(@Input String trip) {
      return trip;
    }

    @Step("finish")
    String finish(@From("docs") String posted, @From("seat") String seat) {
      return "finished " + posted + " " + seat;
    }

    @Compensate("finish")
    void unfinish(String finished, StepContext ctx) {
      did(tripOf(ctx), "undo:finish(" + finished + ")");
    }
  }
}
