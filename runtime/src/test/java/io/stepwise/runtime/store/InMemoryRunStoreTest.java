package io.stepwise.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepPhase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link InMemoryRunStore} keeps the contract of {@link RunStore} as its javadoc states it. */
class InMemoryRunStoreTest {
  private static final String WORKFLOW = "restock";
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");
  private static final RunTypes TYPES = RunTypes.builder(WORKFLOW, String.class, String.class)
      .step(0, String.class, String.class).step(1, Void.class, Void.class).build();

  private final InMemoryRunStore store = new InMemoryRunStore();

  @AfterEach
  void close() {
    store.close();
  }

  private static NewRun run(String transactionId, Instant created) {
    return NewRun.builder(transactionId, "fp-1").input("in-" + transactionId).created(created).build();
  }

  private static Checkpoint completed(int sequence, int position) {
    return Checkpoint.builder(sequence, CheckpointKind.STEP_COMPLETED, position, "step-" + position)
        .ended(T0).output("out").build();
  }

  private static RunEnd end(RunStatus status, Instant ended) {
    return new RunEnd(status, "result", List.of(), ended);
  }

  private void begin(RunTypes types, NewRun run) {
    assertTrue(store.begin(types, run).join().isCreated());
  }

  private static Throwable failure(CompletableFuture<?> future) {
    assertTrue(future.isDone(), "futures complete before the method returns");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  @Test
  void beginRecordsARunningRunThatLoadsBackWithItsValuesThemselves() {
    List<String> input = new java.util.ArrayList<>(List.of("a"));
    NewRun run = NewRun.builder("tx-1", "fp-1").input(input).created(T0).deadline(T0.plusSeconds(60)).build();
    BeginResult result = store.begin(TYPES, run).join();
    assertTrue(result.isCreated());
    assertTrue(result.sameInput());
    assertEquals(Optional.empty(), result.existing());

    StoredRun stored = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(RunStatus.RUNNING, stored.status());
    assertEquals("tx-1", stored.transactionId());
    assertSame(input, stored.input(), "the store keeps the values themselves");
    assertEquals(List.of(), stored.checkpoints());
    assertEquals(Optional.empty(), stored.end());
    RunHeader header = stored.header();
    assertEquals(WORKFLOW, header.workflowName());
    assertEquals("fp-1", header.fingerprint());
    assertEquals(T0, header.created());
    assertEquals(Optional.of(T0.plusSeconds(60)), header.deadline());
    assertEquals(Optional.empty(), header.parentTransactionId());
    assertEquals(Optional.empty(), header.ended());
    assertFalse(header.updated().isBefore(header.created()));
    assertEquals(Optional.of(header), store.find("tx-1"));

    assertEquals(Optional.empty(), store.load(TYPES, "tx-2"));
    assertEquals(Optional.empty(), store.find("tx-2"));
    assertSame(input, store.load(RunTypes.untyped(WORKFLOW), "tx-1").orElseThrow().input(),
        "an untyped load gives the same objects");
  }

  @Test
  void beginOfARecordedTransactionIdGivesTheRecordAndWritesNothing() {
    begin(TYPES, run("tx-1", T0));
    store.append(TYPES, "tx-1", RunUpdate.of(completed(0, 0))).join();

    BeginResult same = store.begin(TYPES, run("tx-1", T0.plusSeconds(5))).join();
    assertFalse(same.isCreated());
    assertTrue(same.sameInput());
    StoredRun existing = same.existing().orElseThrow();
    assertEquals(T0, existing.header().created(), "the first run's record, not the second's");
    assertEquals(1, existing.checkpoints().size());

    BeginResult other = store.begin(TYPES, NewRun.builder("tx-1", "fp-1").input("other").build()).join();
    assertFalse(other.isCreated());
    assertFalse(other.sameInput());
    assertEquals("in-tx-1", store.load(TYPES, "tx-1").orElseThrow().input());
  }

  @Test
  void aTransactionIdOfAnotherWorkflowIsRefused() {
    begin(TYPES, run("tx-1", T0));
    RunTypes other = RunTypes.builder("ship", String.class, String.class).build();
    String message = "Transaction id 'tx-1' belongs to a run of workflow 'restock', not of workflow 'ship'; "
        + "a transaction id names one run of one workflow: use another one";

    Throwable begin = failure(store.begin(other, run("tx-1", T0)));
    assertInstanceOf(RunStoreException.class, begin);
    assertEquals(message, begin.getMessage());
    Throwable append = failure(store.append(other, "tx-1", RunUpdate.of(completed(0, 0))));
    assertInstanceOf(RunStoreException.class, append);
    assertEquals(message, append.getMessage());
    RunStoreException load = assertThrows(RunStoreException.class, () -> store.load(other, "tx-1"));
    assertEquals(message, load.getMessage());
    assertEquals(List.of(), store.load(TYPES, "tx-1").orElseThrow().checkpoints());
  }

  @Test
  void appendsComeBackInSequenceOrderAndSetTheStatus() {
    begin(TYPES, run("tx-1", T0));
    Instant before = store.find("tx-1").orElseThrow().updated();
    Checkpoint failed = Checkpoint.builder(1, CheckpointKind.STEP_FAILED, 1, "step-1").ended(T0)
        .error(new IllegalStateException("no")).build();
    Checkpoint first = completed(0, 0);
    store.append(TYPES, "tx-1", RunUpdate.of(failed)).join();
    store.append(TYPES, "tx-1", RunUpdate.of(first)).join();

    StoredRun stored = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(List.of(first, failed), stored.checkpoints());
    assertEquals(RunStatus.COMPENSATING, stored.status());
    assertFalse(stored.header().updated().isBefore(before));

    RunEnd end = end(RunStatus.REVERTED, T0.plusSeconds(1));
    Checkpoint compensated = Checkpoint.builder(2, CheckpointKind.COMPENSATED, 0, "step-0").ended(T0).build();
    store.append(TYPES, "tx-1", RunUpdate.ending(List.of(compensated), end)).join();
    StoredRun ended = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(RunStatus.REVERTED, ended.status());
    assertEquals(Optional.of(end), ended.end());
    assertEquals(Optional.of(T0.plusSeconds(1)), ended.header().ended());
    assertEquals(3, ended.checkpoints().size());
  }

  @Test
  void anEndedRunTakesOnlyCompensationsWhichLeaveItsStatus() {
    begin(TYPES, run("tx-1", T0));
    store.append(TYPES, "tx-1", RunUpdate.ending(List.of(completed(0, 0)), end(RunStatus.DONE, T0))).join();

    Throwable refused = failure(store.append(TYPES, "tx-1", RunUpdate.of(completed(1, 1))));
    assertInstanceOf(RunStoreException.class, refused);
    assertEquals("Run 'tx-1' of workflow 'restock' has already ended DONE, so nothing more can be appended to it",
        refused.getMessage());

    Checkpoint compensated = Checkpoint.builder(1, CheckpointKind.COMPENSATED, 0, "step-0").ended(T0).build();
    store.append(TYPES, "tx-1", RunUpdate.of(compensated)).join();
    StoredRun stored = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals(List.of(completed(0, 0), compensated), stored.checkpoints());
  }

  private static Checkpoint revertBegun(int sequence) {
    return Checkpoint.builder(sequence, CheckpointKind.REVERT_BEGUN, 1, "step-1").build();
  }

  @Test
  void aRevertBeginsOnlyOnARunThatEndedDoneAndOnlyOnce() {
    begin(TYPES, run("tx-1", T0));
    assertFalse(store.beginRevert(TYPES, "tx-1", revertBegun(0)).join(), "a running run is not reverted");
    store.append(TYPES, "tx-1", RunUpdate.ending(List.of(completed(0, 0)), end(RunStatus.DONE, T0))).join();

    assertTrue(store.beginRevert(TYPES, "tx-1", revertBegun(1)).join());
    assertFalse(store.beginRevert(TYPES, "tx-1", revertBegun(2)).join(), "another revert began it: false");

    StoredRun stored = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(RunStatus.COMPENSATING, stored.status());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.REVERT_BEGUN),
        stored.checkpoints().stream().map(Checkpoint::kind).toList());
    assertTrue(stored.end().isEmpty(), "the revert clears the end");
    assertInstanceOf(RunStoreException.class, failure(store.beginRevert(TYPES, "tx-9", revertBegun(0))));
    assertThrows(IllegalArgumentException.class, () -> store.beginRevert(TYPES, "tx-1", completed(3, 0)));
  }

  @Test
  void aWaitEndsOnlyOnARunThatWaitsAndOnlyOnce() {
    begin(TYPES, run("tx-1", T0));
    Checkpoint retry = Checkpoint.builder(2, CheckpointKind.RETRY_DECIDED, 1, "step-1").attempts(1).build();
    assertFalse(store.endWait(TYPES, "tx-1", retry).join(), "a running run does not wait");
    store.append(TYPES, "tx-1", RunUpdate.of(completed(0, 0), Checkpoint.builder(1, CheckpointKind.STEP_WAITING, 1,
        "step-1").attempts(1).ended(T0).error(new IllegalStateException("no")).build())).join();
    assertEquals(RunStatus.WAITING, store.find("tx-1").orElseThrow().status());

    assertTrue(store.endWait(TYPES, "tx-1", retry).join());
    assertFalse(store.endWait(TYPES, "tx-1", Checkpoint.builder(3, CheckpointKind.FAILURE_DECIDED, 1, "step-1")
        .attempts(1).error(new IllegalStateException("no")).build()).join(), "the retry ended it already");

    assertEquals(RunStatus.RUNNING, store.find("tx-1").orElseThrow().status());
    assertEquals(3, store.load(TYPES, "tx-1").orElseThrow().checkpoints().size());
    assertThrows(IllegalArgumentException.class, () -> store.endWait(TYPES, "tx-1", completed(4, 0)));
  }

  @Test
  void anAppendToARunNeverBegunFails() {
    Throwable e = failure(store.append(TYPES, "tx-9", RunUpdate.of(completed(0, 0))));
    assertInstanceOf(RunStoreException.class, e);
    assertEquals("There is no run 'tx-9' of workflow 'restock' in the store: it was never begun, or it was purged; "
        + "begin a run before appending to it", e.getMessage());
  }

  @Test
  void aReusedSequenceNumberFailsTheWholeUpdate() {
    begin(TYPES, run("tx-1", T0));
    store.append(TYPES, "tx-1", RunUpdate.of(completed(0, 0))).join();
    Checkpoint failed = Checkpoint.builder(1, CheckpointKind.STEP_FAILED, 1, "step-1").ended(T0)
        .error(new IllegalStateException("no")).build();
    Throwable e = failure(store.append(TYPES, "tx-1", RunUpdate.of(failed, completed(0, 1))));
    assertInstanceOf(RunStoreException.class, e);
    assertEquals("Run 'tx-1' of workflow 'restock' already has a checkpoint with sequence number 0, so "
        + "STEP_COMPLETED of step 'step-1' was not recorded; give each checkpoint of a run its own number",
        e.getMessage());
    StoredRun stored = store.load(TYPES, "tx-1").orElseThrow();
    assertEquals(List.of(completed(0, 0)), stored.checkpoints(), "nothing of the update is recorded");
    assertEquals(RunStatus.RUNNING, stored.status());
  }

  @Test
  void unfinishedGivesTheTopLevelRunsNotEndedOldestFirst() {
    begin(TYPES, run("tx-b", T0.plusSeconds(1)));
    begin(TYPES, run("tx-c", T0));
    begin(TYPES, run("tx-a", T0.plusSeconds(1)));
    begin(TYPES, run("tx-done", T0));
    store.append(TYPES, "tx-done", RunUpdate.ending(List.of(), end(RunStatus.DONE, T0))).join();
    Checkpoint failed = Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "step-0").ended(T0)
        .error(new IllegalStateException("no")).build();
    store.append(TYPES, "tx-b", RunUpdate.of(failed)).join();
    begin(TYPES, NewRun.builder("tx-child", "fp-1").parentTransactionId("tx-a").created(T0).build());
    begin(RunTypes.untyped("other"), run("tx-other", T0));

    assertEquals(List.of("tx-c", "tx-a", "tx-b"), store.unfinished(WORKFLOW));
    assertEquals(Optional.of("tx-a"), store.find("tx-child").orElseThrow().parentTransactionId());
    assertEquals(List.of("tx-other"), store.unfinished("other"));
    assertEquals(List.of(), store.unfinished("none"));
  }

  @Test
  void listFiltersByWorkflowStatusAndTimeAndPages() {
    for (int i = 0; i < 5; i++) {
      begin(TYPES, run("tx-" + i, T0.plusSeconds(i)));
    }
    begin(RunTypes.untyped("other"), run("tx-other", T0.plusSeconds(2)));
    store.append(TYPES, "tx-3", RunUpdate.ending(List.of(), end(RunStatus.FAILED, T0))).join();

    assertEquals(List.of("tx-0", "tx-1", "tx-2", "tx-other", "tx-3", "tx-4"), ids(RunQuery.builder().build()));
    assertEquals(List.of("tx-0", "tx-1", "tx-2", "tx-3", "tx-4"),
        ids(RunQuery.builder().workflowName(WORKFLOW).build()));
    assertEquals(List.of("tx-3"), ids(RunQuery.builder().statuses(RunStatus.FAILED, RunStatus.DONE).build()));
    assertEquals(List.of("tx-2", "tx-other", "tx-3"),
        ids(RunQuery.builder().createdFrom(T0.plusSeconds(2)).createdBefore(T0.plusSeconds(4)).build()));
    assertEquals(List.of("tx-1", "tx-2"), ids(RunQuery.builder().workflowName(WORKFLOW).offset(1).limit(2).build()));
    assertEquals(List.of(), ids(RunQuery.builder().offset(6).build()));
  }

  private List<String> ids(RunQuery query) {
    return store.list(query).stream().map(RunHeader::transactionId).toList();
  }

  @Test
  void purgeDeletesTheRunsThatEndedBeforeTheCutoff() {
    begin(TYPES, run("tx-early", T0));
    begin(TYPES, run("tx-late", T0));
    begin(TYPES, run("tx-at", T0));
    begin(TYPES, run("tx-running", T0));
    store.append(TYPES, "tx-early", RunUpdate.ending(List.of(), end(RunStatus.DONE, T0))).join();
    store.append(TYPES, "tx-at", RunUpdate.ending(List.of(), end(RunStatus.DONE, T0.plusSeconds(10)))).join();
    store.append(TYPES, "tx-late", RunUpdate.ending(List.of(), end(RunStatus.REVERTED, T0.plusSeconds(20)))).join();

    assertEquals(1, store.purgeEndedBefore(T0.plusSeconds(10)));
    assertEquals(Optional.empty(), store.find("tx-early"));
    assertTrue(store.find("tx-at").isPresent(), "ended at the cutoff, not before it");
    assertEquals(2, store.purgeEndedBefore(T0.plusSeconds(30)));
    assertEquals(List.of("tx-running"), ids(RunQuery.builder().build()));
    assertEquals(0, store.purgeEndedBefore(T0.plusSeconds(30)));
  }

  @Test
  void aClosedStoreRefusesCallsAndClosingTwiceDoesNothing() {
    begin(TYPES, run("tx-1", T0));
    store.close();
    store.close();
    List<Runnable> calls = List.of(
        () -> store.begin(TYPES, run("tx-2", T0)),
        () -> store.append(TYPES, "tx-1", RunUpdate.of(completed(0, 0))),
        () -> store.load(TYPES, "tx-1"),
        () -> store.find("tx-1"),
        () -> store.unfinished(WORKFLOW),
        () -> store.list(RunQuery.builder().build()),
        () -> store.purgeEndedBefore(T0),
        () -> store.beginRevert(TYPES, "tx-1", revertBegun(1)),
        () -> store.endWait(TYPES, "tx-1", Checkpoint.builder(1, CheckpointKind.RETRY_DECIDED, 0, "step-0").build()));
    for (Runnable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
      assertEquals("this InMemoryRunStore is closed", e.getMessage());
    }
  }

  @Test
  void aForwardingStoreForwardsEveryCall() {
    RunStore forwarding = new ForwardingRunStore(store) {};
    assertTrue(forwarding.begin(TYPES, run("tx-1", T0)).join().isCreated());
    forwarding.append(TYPES, "tx-1", RunUpdate.of(completed(0, 0))).join();
    assertEquals(1, forwarding.load(TYPES, "tx-1").orElseThrow().checkpoints().size());
    assertEquals(store.find("tx-1"), forwarding.find("tx-1"));
    assertEquals(List.of("tx-1"), forwarding.unfinished(WORKFLOW));
    assertEquals(1, forwarding.list(RunQuery.builder().build()).size());
    forwarding.append(TYPES, "tx-1", RunUpdate.ending(List.of(), end(RunStatus.DONE, T0))).join();
    assertEquals(1, forwarding.purgeEndedBefore(T0.plusSeconds(1)));
    assertEquals(Optional.empty(), store.find("tx-1"));
    forwarding.close();
    assertThrows(IllegalStateException.class, () -> store.find("tx-1"));
    assertThrows(NullPointerException.class, () -> new ForwardingRunStore(null) {});
  }

  @Test
  void anEndWithErrorsComesBackAsStepErrors() {
    begin(TYPES, run("tx-1", T0));
    RunError error = new RunError("step-0", StepPhase.COMPENSATE, 2, new StoredError("com.acme.Declined", "no"));
    store.append(TYPES, "tx-1", RunUpdate.ending(List.of(), new RunEnd(RunStatus.FAILED, null, List.of(error), T0)))
        .join();
    RunEnd end = store.load(TYPES, "tx-1").orElseThrow().end().orElseThrow();
    assertEquals(List.of(error), end.errors());
    assertEquals("com.acme.Declined: no", end.errors().get(0).toStepError().cause().toString());
    assertEquals(2, end.errors().get(0).toStepError().attempts());
  }
}
