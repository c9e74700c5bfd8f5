package io.stepwise.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The value types of the store SPI at their limits: what each accepts and refuses (with which
 * message), its defaults, and its equals and toString where stores and logs rely on them.
 */
class StoreValueContractsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");
  private static final String LONG = "x".repeat(255);

  private static void refused(Class<? extends Throwable> type, String message, Executable call) {
    assertEquals(message, assertThrows(type, call).getMessage());
  }

  private static Checkpoint.Builder completed() {
    return Checkpoint.builder(3, CheckpointKind.STEP_COMPLETED, 2, "charge").attempts(1).started(T0)
        .ended(T0.plusMillis(1)).output("out").compensationInput("comp");
  }

  @Test
  void checkpointBuilderChecksItsNumbersAndTimes() {
    refused(IllegalArgumentException.class, "sequence must be >= 0, was -1",
        () -> Checkpoint.builder(-1, CheckpointKind.COMPENSATED, 0, "s"));
    refused(IllegalArgumentException.class, "position must be >= 0, was -1",
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, -1, "s"));
    refused(IllegalArgumentException.class, "attempts must be >= 0, was -1",
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "s").attempts(-1));
    refused(IllegalArgumentException.class, "a STEP_SKIPPED checkpoint has no error; only ATTEMPT_FAILED, "
        + "STEP_TOLERATED, STEP_FAILED and COMPENSATION_FAILED have one",
        () -> Checkpoint.builder(0, CheckpointKind.STEP_SKIPPED, 0, "s").error(new StoredError("X", "m")));
    assertThrows(NullPointerException.class,
        () -> Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "s").error((StoredError) null));
    assertThrows(NullPointerException.class, () -> Checkpoint.builder(0, null, 0, "s"));

    Checkpoint zero = Checkpoint.builder(0, CheckpointKind.CONDITION_MET, 0, "s").attempts(0).started(T0).ended(T0)
        .build();
    assertEquals(0, zero.sequence());
    assertEquals(0, zero.position());
    assertEquals(0, zero.attempts());
    assertEquals(CheckpointKind.CONDITION_MET, zero.kind());
    assertEquals("s", zero.stepName());
    assertEquals(T0, zero.started(), "it may start and end at the same time");
    assertFalse(zero.hasCompensationInput());
    assertNull(zero.output());

    refused(IllegalStateException.class, "checkpoint of step 's' started at 2026-12-01T10:00:00.123457Z, after it "
        + "ended at 2026-12-01T10:00:00.123456Z",
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "s").started(T0.plusNanos(1000)).ended(T0).build());

    Instant before = Instant.now().minusNanos(1000);
    Checkpoint now = Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "s").build();
    assertFalse(now.ended().isBefore(before));
    assertFalse(now.ended().isAfter(Instant.now()));
    assertEquals(0, now.ended().getNano() % 1000, "kept to the microsecond");

    Checkpoint tolerated = Checkpoint.builder(0, CheckpointKind.STEP_TOLERATED, 0, "s").error(new StoredError("X", "m"))
        .compensationInput(null).build();
    assertTrue(tolerated.hasCompensationInput(), "handed a null compensation input");
    Checkpoint attempt = Checkpoint.builder(0, CheckpointKind.ATTEMPT_FAILED, 0, "s").attempts(2)
        .error(new IllegalStateException("boom")).build();
    assertEquals(Optional.of(new StoredError("java.lang.IllegalStateException", "boom")), attempt.error());
  }

  @Test
  void checkpointsAreEqualWhenEveryPartIs() {
    Checkpoint checkpoint = completed().build();
    assertEquals("out", checkpoint.output());
    assertEquals("comp", checkpoint.compensationInput());
    assertEquals(checkpoint, completed().build());
    assertEquals(checkpoint.hashCode(), completed().build().hashCode());
    assertNotEquals(checkpoint, null);
    assertNotEquals(checkpoint, "Checkpoint");
    List<Checkpoint> others = List.of(
        Checkpoint.builder(4, CheckpointKind.STEP_COMPLETED, 2, "charge").attempts(1).started(T0)
            .ended(T0.plusMillis(1)).output("out").compensationInput("comp").build(),
        Checkpoint.builder(3, CheckpointKind.STEP_TOLERATED, 2, "charge").attempts(1).started(T0)
            .ended(T0.plusMillis(1)).compensationInput("comp").error(new StoredError("X", null)).build(),
        Checkpoint.builder(3, CheckpointKind.STEP_COMPLETED, 1, "charge").attempts(1).started(T0)
            .ended(T0.plusMillis(1)).output("out").compensationInput("comp").build(),
        Checkpoint.builder(3, CheckpointKind.STEP_COMPLETED, 2, "pay").attempts(1).started(T0)
            .ended(T0.plusMillis(1)).output("out").compensationInput("comp").build(),
        completed().attempts(2).build(),
        completed().started(T0.plusNanos(1000)).build(),
        completed().ended(T0.plusMillis(2)).build(),
        completed().output("other").build(),
        completed().compensationInput("other").build());
    for (Checkpoint other : others) {
      assertNotEquals(checkpoint, other, other.toString());
    }
    Checkpoint failed = Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "s").started(T0).ended(T0)
        .error(new StoredError("X", "a")).build();
    Checkpoint failedWithInput = Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "s").started(T0).ended(T0)
        .error(new StoredError("X", "a")).compensationInput(null).build();
    assertNotEquals(failed, failedWithInput, "a null compensation input handed is not none");
    assertNotEquals(Checkpoint.builder(0, CheckpointKind.STEP_SKIPPED, 0, "s").ended(T0).build(),
        Checkpoint.builder(0, CheckpointKind.CONDITION_MET, 0, "s").ended(T0).build());
    assertNotEquals(failed, Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "s").started(T0).ended(T0)
        .error(new StoredError("X", "b")).build());
  }

  @Test
  void checkpointsPrintTheirParts() {
    assertEquals("Checkpoint{#3 STEP_COMPLETED step 2 'charge', attempts=1, output=out, compensationInput=comp}",
        completed().build().toString());
    assertEquals("Checkpoint{#0 STEP_FAILED step 1 'ship', attempts=2, compensationInput=null, "
        + "error=com.acme.Lost: gone}", Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 1, "ship").attempts(2)
        .compensationInput(null).error(new StoredError("com.acme.Lost", "gone")).build().toString());
    assertEquals("Checkpoint{#1 COMPENSATED step 0 'reserve', attempts=0}",
        Checkpoint.builder(1, CheckpointKind.COMPENSATED, 0, "reserve").build().toString());
  }

  @Test
  void checkpointKindsSayWhichPartsTheyHave() {
    assertEquals(Set.of(CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_TOLERATED, CheckpointKind.STEP_FAILED,
        CheckpointKind.COMPENSATION_FAILED, CheckpointKind.STEP_WAITING, CheckpointKind.FAILURE_DECIDED),
        kinds(CheckpointKind::hasError));
    assertEquals(Set.of(CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_WAITING, CheckpointKind.RETRY_DECIDED,
        CheckpointKind.FAILURE_DECIDED), kinds(CheckpointKind::isAttempt));
    assertEquals(Set.of(CheckpointKind.STEP_COMPLETED), kinds(CheckpointKind::hasOutput));
    assertEquals(Set.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_TOLERATED, CheckpointKind.STEP_FAILED),
        kinds(CheckpointKind::mayHaveCompensationInput));
  }

  private static Set<CheckpointKind> kinds(java.util.function.Predicate<CheckpointKind> has) {
    return Set.copyOf(List.of(CheckpointKind.values()).stream().filter(has).toList());
  }

  @Test
  void namesAreNonBlankAndAtMost255Characters() {
    refused(IllegalArgumentException.class, "transactionId must not be null or blank",
        () -> NewRun.builder(null, "fp"));
    refused(IllegalArgumentException.class, "fingerprint must not be null or blank", () -> NewRun.builder("tx", " "));
    refused(IllegalArgumentException.class, "parentTransactionId must have at most 255 characters, has 256: "
        + "x".repeat(40) + "...", () -> NewRun.builder("tx", "fp").parentTransactionId(LONG + "x"));
    refused(IllegalArgumentException.class, "workflowName must not be null or blank",
        () -> RunTypes.builder("", String.class, String.class));
    refused(IllegalArgumentException.class, "workflowName must not be null or blank", () -> RunTypes.untyped(null));
    refused(IllegalArgumentException.class, "stepName must not be null or blank",
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, ""));
    refused(IllegalArgumentException.class, "workflowName must not be null or blank",
        () -> RunQuery.builder().workflowName("\t"));
    assertEquals(LONG, NewRun.builder(LONG, LONG).build().transactionId());
    assertEquals(LONG, RunTypes.untyped(LONG).workflowName());
  }

  @Test
  void aNewRunHasItsDefaultsAndKeepsTimesToTheMicrosecond() {
    Instant before = Instant.now().minusNanos(1000);
    NewRun plain = NewRun.builder("tx-1", "fp-1").build();
    assertEquals("tx-1", plain.transactionId());
    assertEquals("fp-1", plain.fingerprint());
    assertNull(plain.input());
    assertEquals(Optional.empty(), plain.deadline());
    assertEquals(Optional.empty(), plain.parentTransactionId());
    assertFalse(plain.created().isBefore(before));
    assertFalse(plain.created().isAfter(Instant.now()));
    assertEquals(0, plain.created().getNano() % 1000);

    NewRun full = NewRun.builder("tx-2", "fp-1").input(List.of(1)).parentTransactionId("tx-1")
        .deadline(T0.plusNanos(999)).created(T0.plusNanos(1)).build();
    assertEquals(Optional.of(T0), full.deadline());
    assertEquals(T0, full.created());
    assertEquals(Optional.of("tx-1"), full.parentTransactionId());
    assertEquals("NewRun{tx-2, fingerprint=fp-1, input=[1]}", full.toString());
    assertThrows(NullPointerException.class, () -> NewRun.builder("tx", "fp").deadline(null));
    assertThrows(NullPointerException.class, () -> NewRun.builder("tx", "fp").created(null));
  }

  @Test
  void anUpdateOfCompensationsOnlyMayFollowTheEnd() {
    Checkpoint compensated = Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "a").build();
    Checkpoint compensationFailed = Checkpoint.builder(1, CheckpointKind.COMPENSATION_FAILED, 1, "b")
        .error(new StoredError("X", null)).build();
    Checkpoint done = Checkpoint.builder(2, CheckpointKind.STEP_COMPLETED, 2, "c").build();
    RunEnd end = new RunEnd(RunStatus.FAILED, null, List.of(), T0);

    assertTrue(RunUpdate.of(compensated, compensationFailed).isCompensationsOnly());
    assertTrue(RunUpdate.of(compensationFailed).isCompensationsOnly());
    assertFalse(RunUpdate.of(compensated, done).isCompensationsOnly());
    assertFalse(RunUpdate.of(List.of(done)).isCompensationsOnly());
    assertFalse(RunUpdate.ending(List.of(compensated), end).isCompensationsOnly());

    RunUpdate endOnly = RunUpdate.ending(List.of(), end);
    assertEquals(List.of(), endOnly.checkpoints());
    assertEquals(Optional.of(end), endOnly.end());
    assertEquals(Optional.empty(), RunUpdate.of(compensated).end());
    assertEquals(Optional.empty(), RunUpdate.of(compensated, compensationFailed).newStatus());
    assertEquals(List.of(done, compensated), RunUpdate.of(done, compensated).checkpoints(), "in the order given");
    refused(IllegalArgumentException.class, "an update needs a checkpoint or the run's end",
        () -> RunUpdate.of());
    assertThrows(NullPointerException.class, () -> RunUpdate.ending(List.of(done), null));

    List<Checkpoint> given = new ArrayList<>(List.of(done));
    RunUpdate copied = RunUpdate.of(given);
    given.add(compensated);
    assertEquals(List.of(done), copied.checkpoints(), "the update keeps a copy");

    assertEquals("RunUpdate{[" + compensated + "]}", RunUpdate.of(compensated).toString());
    assertEquals("RunUpdate{[], end=" + end + "}", endOnly.toString());
  }

  @Test
  void aQueryMatchesEveryRunByDefaultAndChecksItsPage() {
    RunQuery all = RunQuery.builder().build();
    assertEquals(100, all.limit());
    assertEquals(0, all.offset());
    assertEquals(Optional.empty(), all.workflowName());
    assertEquals(Set.of(), all.statuses());
    assertEquals(Optional.empty(), all.createdFrom());
    assertEquals(Optional.empty(), all.createdBefore());
    assertEquals("RunQuery{workflow=null, statuses=[], created=[null, null), limit=100, offset=0}", all.toString());

    assertEquals(1, RunQuery.builder().limit(1).build().limit());
    assertEquals(RunQuery.MAX_LIMIT, RunQuery.builder().limit(10_000).build().limit());
    refused(IllegalArgumentException.class, "limit must be from 1 to 10000, was 0", () -> RunQuery.builder().limit(0));
    refused(IllegalArgumentException.class, "limit must be from 1 to 10000, was 10001",
        () -> RunQuery.builder().limit(10_001));
    refused(IllegalArgumentException.class, "offset must be >= 0, was -1", () -> RunQuery.builder().offset(-1));
    assertEquals(0, RunQuery.builder().offset(0).build().offset());
    assertThrows(NullPointerException.class, () -> RunQuery.builder().statuses(RunStatus.DONE, null));
    assertThrows(NullPointerException.class, () -> RunQuery.builder().createdFrom(null));
    assertThrows(NullPointerException.class, () -> RunQuery.builder().createdBefore(null));

    RunQuery query = RunQuery.builder().workflowName("w").statuses(RunStatus.DONE).statuses(RunStatus.FAILED)
        .createdFrom(T0.plusNanos(1)).createdBefore(T0.plusSeconds(1).plusNanos(999)).limit(5).offset(2).build();
    assertEquals(Set.of(RunStatus.FAILED), query.statuses(), "statuses replace those given before");
    assertEquals(Optional.of(T0), query.createdFrom(), "kept to the microsecond");
    assertEquals(Optional.of(T0.plusSeconds(1)), query.createdBefore());
    assertEquals(Optional.of("w"), query.workflowName());
    assertEquals("RunQuery{workflow=w, statuses=[FAILED], created=[" + T0 + ", " + T0.plusSeconds(1)
        + "), limit=5, offset=2}", query.toString());

    assertTrue(query.matches(header("w", RunStatus.FAILED, T0)), "createdFrom is inclusive");
    assertFalse(query.matches(header("w", RunStatus.FAILED, T0.minusNanos(1000))));
    assertTrue(query.matches(header("w", RunStatus.FAILED, T0.plusSeconds(1).minusNanos(1000))));
    assertFalse(query.matches(header("w", RunStatus.FAILED, T0.plusSeconds(1))), "createdBefore is exclusive");
    assertFalse(query.matches(header("v", RunStatus.FAILED, T0)));
    assertFalse(query.matches(header("w", RunStatus.DONE, T0)));
    assertTrue(all.matches(header("v", RunStatus.RUNNING, T0)));
  }

  private static RunHeader header(String workflow, RunStatus status, Instant created) {
    return new RunHeader("tx", workflow, "fp", null, status, null, created, created,
        status.isEnded() ? created : null);
  }

  @Test
  void runTypesGrowAndPrintTheirSteps() {
    RunTypes types = RunTypes.builder("w", String.class, Integer.class).step(20, Long.class, Void.class)
        .step(1, String.class, Types.parameterized(List.class, String.class)).build();
    assertEquals(Long.class, types.output(20, "late"));
    assertEquals(Void.class, types.compensationInput(20, "late"));
    assertEquals(Types.parameterized(List.class, String.class), types.compensationInput(1, "b"));
    assertEquals(String.class, types.input());
    assertEquals(Integer.class, types.result());
    assertFalse(types.isUntyped());
    assertEquals("RunTypes{w, input=java.lang.String, result=java.lang.Integer, 1=java.lang.String/"
        + "java.util.List<java.lang.String>, 20=java.lang.Long/java.lang.Void}", types.toString());
    String noStep = "Workflow 'w' declares no step at position %d (step 's') in its RunTypes, which declare positions "
        + "[1, 20]; the run was recorded by another definition of the workflow, or the RunTypes are incomplete";
    refused(RunStoreException.class, noStep.formatted(-1), () -> types.output(-1, "s"));
    refused(RunStoreException.class, noStep.formatted(0), () -> types.compensationInput(0, "s"));
    refused(RunStoreException.class, noStep.formatted(21), () -> types.output(21, "s"));
    refused(IllegalArgumentException.class, "position must be >= 0, was -1",
        () -> RunTypes.builder("w", String.class, String.class).step(-1, String.class, String.class));
    refused(IllegalArgumentException.class, "step position 9 of workflow 'w' is declared twice",
        () -> RunTypes.builder("w", String.class, String.class).step(9, String.class, String.class)
            .step(9, String.class, String.class));
    assertThrows(NullPointerException.class,
        () -> RunTypes.builder("w", String.class, String.class).step(0, null, String.class));
    assertThrows(NullPointerException.class,
        () -> RunTypes.builder("w", String.class, String.class).step(0, String.class, null));
    assertThrows(NullPointerException.class, () -> RunTypes.builder("w", null, String.class));
    assertThrows(NullPointerException.class, () -> RunTypes.builder("w", String.class, null));

    RunTypes none = RunTypes.builder("w", Void.class, Void.class).build();
    assertEquals("RunTypes{w, input=java.lang.Void, result=java.lang.Void}", none.toString());
    refused(RunStoreException.class, "Workflow 'w' declares no step at position 0 (step 's') in its RunTypes, which "
        + "declare positions []; the run was recorded by another definition of the workflow, or the RunTypes are "
        + "incomplete", () -> none.output(0, "s"));

    RunTypes untyped = RunTypes.untyped("w");
    assertEquals("RunTypes{w, untyped}", untyped.toString());
    assertEquals(Object.class, untyped.compensationInput(3, "s"));
    assertEquals(Object.class, untyped.input());
    assertEquals(Object.class, untyped.result());
  }

  @Test
  void aHeaderHasAnEndTimeExactlyWhenItsRunHasEnded() {
    refused(IllegalArgumentException.class, "a run that is DONE must have an end time",
        () -> new RunHeader("tx", "w", "fp", null, RunStatus.DONE, null, T0, T0, null));
    refused(IllegalArgumentException.class, "a run that is COMPENSATING must not have an end time",
        () -> new RunHeader("tx", "w", "fp", null, RunStatus.COMPENSATING, null, T0, T0, T0));
    assertThrows(NullPointerException.class, () -> new RunHeader(null, "w", "fp", null, RunStatus.RUNNING, null, T0,
        T0, null));

    RunHeader running = new RunHeader("tx", "w", "fp", null, RunStatus.RUNNING, null, T0, T0, null);
    assertEquals("RunHeader{w 'tx' RUNNING, fingerprint=fp, created=" + T0 + ", updated=" + T0 + "}",
        running.toString());
    RunHeader child = new RunHeader("tx", "w", "fp", "tx-p", RunStatus.DONE, T0, T0, T0, T0.plusSeconds(1));
    assertEquals("RunHeader{w 'tx' DONE, fingerprint=fp, parent=tx-p, created=" + T0 + ", updated=" + T0
        + ", ended=" + T0.plusSeconds(1) + "}", child.toString());
    assertEquals(Optional.of(T0), child.deadline());
    assertEquals(Optional.of(T0.plusSeconds(1)), child.ended());

    RunHeader same = new RunHeader("tx", "w", "fp", "tx-p", RunStatus.DONE, T0, T0, T0, T0.plusSeconds(1));
    assertEquals(child, same);
    assertEquals(child.hashCode(), same.hashCode());
    assertNotEquals(child, null);
    assertNotEquals(child, "tx");
    List<UnaryOperator<Object[]>> changes = List.of(
        a -> set(a, 0, "tx-2"), a -> set(a, 1, "w2"), a -> set(a, 2, "fp2"), a -> set(a, 3, null),
        a -> set(set(a, 4, RunStatus.FAILED), 8, T0.plusSeconds(1)), a -> set(a, 5, null),
        a -> set(a, 6, T0.minusSeconds(1)), a -> set(a, 7, T0.plusSeconds(2)), a -> set(a, 8, T0.plusSeconds(3)));
    for (UnaryOperator<Object[]> change : changes) {
      Object[] parts = change.apply(new Object[] {"tx", "w", "fp", "tx-p", RunStatus.DONE, T0, T0, T0,
          T0.plusSeconds(1)});
      RunHeader other = new RunHeader((String) parts[0], (String) parts[1], (String) parts[2], (String) parts[3],
          (RunStatus) parts[4], (Instant) parts[5], (Instant) parts[6], (Instant) parts[7], (Instant) parts[8]);
      assertNotEquals(child, other, other.toString());
    }
  }

  private static Object[] set(Object[] parts, int index, Object value) {
    parts[index] = value;
    return parts;
  }

  @Test
  void aStoredRunHasItsEndExactlyWhenItHasEndedAndItsCheckpointsInOrder() {
    RunHeader running = new RunHeader("tx", "w", "fp", null, RunStatus.RUNNING, null, T0, T0, null);
    RunHeader done = new RunHeader("tx", "w", "fp", null, RunStatus.DONE, null, T0, T0, T0);
    RunEnd end = new RunEnd(RunStatus.DONE, "r", List.of(), T0);
    refused(IllegalArgumentException.class, "a run that is DONE must have an end",
        () -> new StoredRun(done, null, List.of(), null));
    refused(IllegalArgumentException.class, "a run that is RUNNING must not have an end",
        () -> new StoredRun(running, null, List.of(), end));
    Checkpoint first = Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "a").ended(T0).build();
    Checkpoint second = Checkpoint.builder(1, CheckpointKind.COMPENSATED, 0, "a").ended(T0).build();
    refused(IllegalArgumentException.class, "checkpoints must be in increasing sequence order",
        () -> new StoredRun(running, null, List.of(second, first), null));
    assertThrows(IllegalArgumentException.class, () -> new StoredRun(running, null, List.of(first, first), null));

    StoredRun stored = new StoredRun(done, "in", List.of(first, second), end);
    assertEquals(List.of(first, second), stored.checkpoints());
    assertEquals("tx", stored.transactionId());
    assertEquals(RunStatus.DONE, stored.status());
    assertSame(done, stored.header());
    assertEquals("in", stored.input());
    assertEquals(Optional.of(end), stored.end());
    assertEquals("StoredRun{" + done + ", input=in, checkpoints=[" + first + ", " + second + "], end=" + end + "}",
        stored.toString());
    assertEquals("StoredRun{" + running + ", input=null, checkpoints=[]}",
        new StoredRun(running, null, List.of(), null).toString());

    BeginResult existing = BeginResult.existing(stored, false);
    assertFalse(existing.isCreated());
    assertFalse(existing.sameInput());
    assertSame(stored, existing.existing().orElseThrow());
    assertTrue(BeginResult.existing(stored, true).sameInput());
    assertEquals("BeginResult{existing=" + done + ", sameInput=false}", existing.toString());
    assertEquals("BeginResult{created}", BeginResult.created().toString());
    assertThrows(NullPointerException.class, () -> BeginResult.existing(null, true));
  }

  @Test
  void endsAndErrorsCheckWhatTheyAreGiven() {
    RunEnd end = new RunEnd(RunStatus.REVERTED, null, new ArrayList<>(), T0.plusNanos(999));
    assertEquals(T0, end.ended(), "kept to the microsecond");
    refused(IllegalArgumentException.class, "a run cannot end RUNNING; it ends DONE, REVERTED or FAILED",
        () -> new RunEnd(RunStatus.RUNNING, null, List.of(), T0));
    assertThrows(NullPointerException.class, () -> new RunEnd(null, null, List.of(), T0));
    assertThrows(NullPointerException.class, () -> new RunEnd(RunStatus.DONE, null, List.of(), null));

    StoredError error = new StoredError("X", "m");
    assertEquals(0, new RunError("s", StepPhase.INVOKE, 0, error).attempts());
    refused(IllegalArgumentException.class, "attempts must be >= 0, was -1",
        () -> new RunError("s", StepPhase.INVOKE, -1, error));
    assertThrows(NullPointerException.class, () -> new RunError(null, StepPhase.INVOKE, 0, error));
    assertThrows(NullPointerException.class, () -> new RunError("s", null, 0, error));
    assertThrows(NullPointerException.class, () -> new RunError("s", StepPhase.INVOKE, 0, null));
    refused(IllegalArgumentException.class, "type must not be blank", () -> new StoredError(" ", "m"));
    assertThrows(NullPointerException.class, () -> new StoredError(null, "m"));
    assertThrows(NullPointerException.class, () -> new RestoredException(null, "m"));

    IllegalStateException cause = new IllegalStateException("db down");
    RunStoreException wrapped = new RunStoreException("could not write", cause);
    assertEquals("could not write", wrapped.getMessage());
    assertSame(cause, wrapped.getCause());
    refused(IllegalStateException.class, "a run that is COMPENSATING has not ended, so it has no WorkflowStatus",
        RunStatus.COMPENSATING::toWorkflowStatus);
  }
}
