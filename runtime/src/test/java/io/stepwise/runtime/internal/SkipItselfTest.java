package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    return run(async, WorkflowSpec.of(1, "trip", BOOK, gift, SHIP), new RunRegistry(), shipFails);
  }

  WorkflowResult<String> run(boolean async, WorkflowSpec spec, RunRegistry runs, boolean shipFails) {
    StepSpec gift = spec.steps().get(1);
    RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false).listener(listener).build();
    if (async) {
      return AsyncRun.submit(spec, options, Container.empty(), runs, "in", run ->
          run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"))
              .thenCompose(b -> run.<String, String>stepAsync(gift, Condition.ALWAYS,
                  ctx -> CompletableFuture.supplyAsync(() -> skip(ctx)), (c, ctx) -> events.add("undo-gift")))
              .thenCompose(g -> run.valueStep(SHIP, ctx -> ship(g, shipFails), null))).join();
    }
    WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), runs, "in");
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

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aDurableRunRecordsTheSkipAndTheResumedRunDoesNotInvokeTheStepAgain(boolean async) throws Exception {
    RunTypes types = RunTypes.builder("trip", String.class, String.class)
        .step(0, String.class, String.class).step(1, String.class, String.class).step(2, String.class, String.class)
        .build();
    WorkflowSpec spec = WorkflowSpec.of(1, "trip", BOOK, StepSpec.builder("gift").skippable().build(), SHIP)
        .withTypes(types, "fp-1");
    InMemoryRunStore memory = new InMemoryRunStore();
    // the process dies as ship ends: its checkpoint is never written
    ForwardingRunStore dies = new ForwardingRunStore(memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes t, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().anyMatch(c -> c.stepName().equals("ship"))) {
          return CompletableFuture.failedFuture(new RunStoreException("the process was killed"));
        }
        return super.append(t, transactionId, update);
      }

      @Override
      public void close() {}
    };
    try (WorkflowEngine first = WorkflowEngine.builder().store(dies).build()) {
      RunRegistry runs = RunRegistry.<String, String>of(first, spec, (input, options) -> null);
      first.start();
      RuntimeException stopped = assertThrows(RuntimeException.class, () -> run(async, spec, runs, false));
      assertInstanceOf(WorkflowSuspendedException.class, WorkflowRun.unwrap(stopped));
    }
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_SKIPPED),
        memory.load(types, "t-1").orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList());
    events.clear();

    try (WorkflowEngine second = WorkflowEngine.builder().store(memory).build()) {
      AtomicReference<RunRegistry> runs = new AtomicReference<>();
      runs.set(RunRegistry.<String, String>of(second, spec, (input, options) ->
          CompletableFuture.supplyAsync(() -> run(async, spec, runs.get(), false))));
      second.start();
      assertEquals(new WorkflowEngine.Recovery(1, 1, 0, 0, 0, 0), second.recovery().get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of("ship(Optional.empty)"), events, "gift is not invoked again, and is still skipped");
  }
}
