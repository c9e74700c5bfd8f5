package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.RecordingListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A step that skips itself at run time ({@link StepResponse#skip()}, Medusa's): allowed only to a
 * step declared {@link StepSpec.Builder#skippable()}, which then has no output, is never compensated,
 * and is heard as skipped; any other step that skips fails for good, at once, saying what to declare.
 * Each test runs the synchronous path and the asynchronous one.
 */
class SkipItselfTest {
  static final StepSpec BOOK = StepSpec.of("book", 0);
  static final StepSpec SHIP = StepSpec.of("ship", 0);

  final List<String> events = new CopyOnWriteArrayList<>();
  final RecordingListener listener = new RecordingListener();

  /** book (compensated), then {@code gift}, which skips itself, then ship, which fails if {@code shipFails}. */
  WorkflowResult<String> run(boolean async, StepSpec gift, boolean shipFails) {
    WorkflowSpec spec = WorkflowSpec.of(1, "trip", BOOK, gift, SHIP);
    RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false).listener(listener).build();
    if (async) {
      return AsyncRun.submit(spec, options, Container.empty(), new RunRegistry(), "in", run ->
          run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"))
              .thenCompose(b -> run.<String, String>stepAsync(gift, Condition.ALWAYS,
                  ctx -> CompletableFuture.supplyAsync(() -> skip(ctx)), (c, ctx) -> events.add("undo-gift")))
              .thenCompose(g -> run.valueStep(SHIP, ctx -> ship(g, shipFails), null))).join();
    }
    WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), new RunRegistry(), "in");
    try {
      run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"));
      Optional<String> g = run.<String, String>step(gift, Condition.ALWAYS, this::skip, (c, ctx) -> events.add("undo-gift"));
      return run.done(run.valueStep(SHIP, ctx -> ship(g, shipFails), null));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  StepResponse<String, String> skip(StepContext ctx) {
    events.add("gift@" + ctx.attempt());
    return StepResponse.skip("no stock");
  }

  String ship(Optional<String> gift, boolean fails) {
    events.add("ship(" + gift + ")");
    if (fails) {
      throw new IllegalStateException("ship failed");
    }
    return "shipped";
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSkippableStepSkipsItselfAndTheRunGoesOnWithoutItsOutput(boolean async) {
    WorkflowResult<String> result = run(async, StepSpec.builder("gift").maxRetries(2).skippable().build(), false);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped", result.result());
    assertEquals(List.of("gift@1", "ship(Optional.empty)"), events);
    assertEquals(List.of("step-skipped:gift@1"), listener.lines("step-skipped:"));
    assertEquals(List.of("step-success:book@1=booked", "step-success:ship@1=shipped"), listener.lines("step-success:"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSkippedStepIsNotCompensatedWhenALaterStepFails(boolean async) {
    WorkflowResult<String> result = run(async, StepSpec.builder("gift").skippable().build(), true);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("gift@1", "ship(Optional.empty)", "undo-book(booked)"), events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStepNotDeclaredSkippableThatSkipsFailsForGoodAtOnceSayingWhatToDeclare(boolean async) {
    WorkflowResult<String> result = run(async, StepSpec.builder("gift").maxRetries(2).build(), false);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("gift@1", "undo-book(booked)"), events, "no retry, and the step is not compensated");
    StepError error = result.errors().get(0);
    assertEquals("gift", error.step());
    assertEquals(1, error.attempts());
    assertEquals("step 'gift' returned StepResponse.skip(no stock), but it is not declared skippable, so the steps "
        + "that take its output expect one; add skippable = true to its @Step (they then take Optional), or fail it "
        + "with StepResponse.permanentFailure(message)",
        assertInstanceOf(IllegalStateException.class, error.cause()).getMessage());
    assertEquals(List.of(), listener.lines("step-skipped:"));
  }
}
