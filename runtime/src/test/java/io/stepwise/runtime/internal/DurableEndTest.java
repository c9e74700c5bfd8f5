package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A durable run whose end the store does not record, synchronous ({@link WorkflowRun}) and
 * asynchronous ({@link AsyncRun}): a result the store cannot record fails the last step and the run
 * is compensated instead; a store that fails otherwise stops the run at its last checkpoint with
 * {@link WorkflowSuspendedException}, without compensating; and an asynchronous run whose record
 * refuses it ends with the store's answer, nothing run.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DurableEndTest {
  static final StepSpec RESERVE = JournalTest.RESERVE;
  static final StepSpec CHARGE = JournalTest.CHARGE;
  static final StepSpec SHIP = JournalTest.SHIP;
  /** {@link JournalTest}'s workflow: three steps of strings. */
  static final WorkflowSpec SPEC = JournalTest.SPEC;

  final InMemoryRunStore memory = new InMemoryRunStore();
  final List<String> events = new CopyOnWriteArrayList<>();
  /** What the store answers to the run's end, by the end's status; null records it. */
  volatile RuntimeException refuseDone;
  volatile RuntimeException refuseReverted;

  final RunStoreException dead = new RunStoreException("the database is gone");
  final UnrecordableValueException unrecordable =
      new UnrecordableValueException("the result cannot be recorded", new IllegalArgumentException("too long"));

  final class EndRefusingStore extends ForwardingRunStore {
    EndRefusingStore() {
      super(memory);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      RuntimeException refusal = update.end().map(end -> end.status() == RunStatus.DONE ? refuseDone : refuseReverted)
          .orElse(null);
      return refusal != null ? CompletableFuture.failedFuture(refusal) : super.append(types, transactionId, update);
    }
  }

  final RunRegistry runs = RunRegistry.of(WorkflowEngine.builder().store(new EndRefusingStore()).build(), SPEC,
      this::runAsync);

  String step(String name, String in) {
    events.add(name);
    return in + ">" + name;
  }

  void undo(String name, String output) {
    events.add("undo-" + name + "(" + output + ")");
  }

  WorkflowResult<String> run(String input, String tx) {
    WorkflowRun run = WorkflowRun.start(SPEC, options(tx), Container.empty(), runs, input);
    try {
      String reserved = run.valueStep(RESERVE, ctx -> step("reserve", input), (r, ctx) -> undo("reserve", r));
      String charged = run.valueStep(CHARGE, ctx -> step("charge", reserved), (c, ctx) -> undo("charge", c));
      return run.done(run.valueStep(SHIP, ctx -> step("ship", charged), (s, ctx) -> undo("ship", s)));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
    return AsyncRun.submit(SPEC, options, Container.empty(), runs, input, run ->
        run.valueStepAsync(RESERVE, ctx -> CompletableFuture.supplyAsync(() -> step("reserve", input)),
                (r, ctx) -> undo("reserve", r))
            .thenCompose(reserved -> run.valueStepAsync(CHARGE,
                ctx -> CompletableFuture.supplyAsync(() -> step("charge", reserved)), (c, ctx) -> undo("charge", c)))
            .thenCompose(charged -> run.valueStep(SHIP, ctx -> step("ship", charged), (s, ctx) -> undo("ship", s))));
  }

  static RunOptions options(String tx) {
    return RunOptions.builder().transactionId(tx).throwOnError(false).build();
  }

  static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(5, TimeUnit.SECONDS);
  }

  /** The run's failure: what the future failed with. */
  static Throwable failure(CompletableFuture<?> future) {
    return assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS)).getCause();
  }

  static final List<String> EVERY_STEP_THEN_UNDONE = List.of("reserve", "charge", "ship",
      "undo-ship(o>reserve>charge>ship)", "undo-charge(o>reserve>charge)", "undo-reserve(o>reserve)");

  void assertRevertedBecauseTheResultCannotBeRecorded(WorkflowResult<String> result, String tx) {
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(EVERY_STEP_THEN_UNDONE, events, "the last step's work is compensated with the rest");
    StepError error = result.errors().get(0);
    assertEquals("ship/INVOKE", error.step() + "/" + error.phase());
    assertSame(unrecordable, error.cause());
    assertEquals(1, result.errors().size(), "the failure is one error: " + result.errors());
    Checkpoint failed = memory.load(RunTypes.untyped(SPEC.name()), tx).orElseThrow().checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.STEP_FAILED).findFirst().orElseThrow();
    assertEquals("2 ship", failed.position() + " " + failed.stepName(), "recorded as the last step's failure");
    assertEquals(RunStatus.REVERTED, memory.find(tx).orElseThrow().status());
  }

  @Test
  void aSynchronousRunWhoseResultCannotBeRecordedIsCompensatedAndEndsReverted() {
    refuseDone = unrecordable;

    assertRevertedBecauseTheResultCannotBeRecorded(run("o", "tx-sync-unrecordable"), "tx-sync-unrecordable");
  }

  @Test
  void anAsynchronousRunWhoseResultCannotBeRecordedIsCompensatedAndEndsReverted() throws Exception {
    refuseDone = unrecordable;

    assertRevertedBecauseTheResultCannotBeRecorded(get(runAsync("o", options("tx-async-unrecordable"))),
        "tx-async-unrecordable");
  }

  @Test
  void aSynchronousRunWhoseStoreFailsAtTheEndStopsThereWithoutCompensating() {
    refuseDone = dead;
    try (LogCapture log = LogCapture.open()) {
      assertThrows(WorkflowSuspendedException.class, () -> run("o", "tx-sync-dead"));

      assertEquals(List.of("reserve", "charge", "ship"), events);
      assertEquals(RunStatus.RUNNING, memory.find("tx-sync-dead").orElseThrow().status());
      assertEquals(List.of(), log.lines("broke down"));
    }
    assertFalse(runs.cancel("tx-sync-dead"), "the stopped run left the registry");
  }

  @Test
  void anAsynchronousRunWhoseStoreFailsAtTheEndStopsThereWithoutCompensating() {
    refuseDone = dead;
    try (LogCapture log = LogCapture.open()) {
      assertInstanceOf(WorkflowSuspendedException.class, failure(runAsync("o", options("tx-async-dead"))));

      assertEquals(List.of("reserve", "charge", "ship"), events);
      assertEquals(RunStatus.RUNNING, memory.find("tx-async-dead").orElseThrow().status());
      assertEquals(List.of(), log.lines("broke down"));
    }
  }

  @Test
  void aSynchronousRunWhoseHaltedEndCannotBeRecordedThrowsTheStoresExceptionAfterCompensating() {
    refuseDone = unrecordable;
    refuseReverted = new UnrecordableValueException("the errors cannot be recorded", null);

    RuntimeException thrown = assertThrows(UnrecordableValueException.class, () -> run("o", "tx-sync-neither"));

    assertSame(refuseReverted, thrown);
    assertEquals(EVERY_STEP_THEN_UNDONE, events);
    assertFalse(runs.cancel("tx-sync-neither"), "the run left the registry");
  }

  @Test
  void anAsynchronousRunThatItsRecordRefusesEndsWithTheRefusalAndRunsNothing() throws Exception {
    assertEquals(WorkflowStatus.DONE, get(runAsync("o", options("tx-taken"))).status());
    events.clear();
    try (LogCapture log = LogCapture.open()) {
      Throwable refused = failure(runAsync("another input", options("tx-taken")));

      assertInstanceOf(IllegalArgumentException.class, refused);
      assertTrue(refused.getMessage().contains("already has a run with transaction id 'tx-taken' (DONE), with another input"),
          refused.getMessage());
      assertEquals(List.of(), events);
      assertEquals(List.of(), log.lines("broke down"), "a refusal is no bug");
    }
  }

  @Test
  void anAsynchronousDurableRunRecordsItsResultWithItsEnd() throws Exception {
    WorkflowResult<String> result = get(runAsync("o", options("tx-done")));

    assertEquals("o>reserve>charge>ship", result.result());
    assertEquals(RunStatus.DONE, memory.find("tx-done").orElseThrow().status());
    assertEquals("o>reserve>charge>ship", memory.load(JournalTest.TYPES, "tx-done").orElseThrow().end().orElseThrow().result());
  }

  @Test
  void anAsynchronousDurableRunThatBreaksDownRecordsNoEnd() {
    IllegalStateException bug = new IllegalStateException("generated code is broken");

    Throwable failed = failure(AsyncRun.submit(SPEC, options("tx-bug"), Container.empty(), runs, "o",
        run -> run.valueStep(RESERVE, ctx -> step("reserve", "o"), (r, ctx) -> undo("reserve", r))
            .thenApply(reserved -> {
              throw bug;
            })));

    assertSame(bug, failed);
    assertEquals(List.of("reserve"), events, "a run that broke down is not compensated");
    assertFalse(memory.find("tx-bug").map(run -> run.status().isEnded()).orElse(false),
        "a run that broke down has no end: the next WorkflowEngine.start() resumes it");
  }
}
