package io.stepwise.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The value types of the store SPI check what they are given, and say what is wrong. */
class StoreValuesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456789Z");

  @Test
  void checkpointsHaveThePartsTheirKindNeeds() {
    Checkpoint completed = Checkpoint.builder(0, CheckpointKind.STEP_COMPLETED, 1, "create-items")
        .attempts(2).started(T0).ended(T0.plusMillis(5)).output(List.of("a")).compensationInput("c").build();
    assertEquals(List.of("a"), completed.output());
    assertTrue(completed.hasCompensationInput());
    assertEquals(Instant.parse("2026-12-01T10:00:00.123456Z"), completed.started(), "kept to the microsecond");
    assertEquals(Optional.empty(), completed.error());

    Checkpoint voidStep = Checkpoint.builder(1, CheckpointKind.STEP_COMPLETED, 2, "notify").build();
    assertTrue(voidStep.hasCompensationInput(), "a completed step always has a (possibly null) compensation input");
    assertNull(voidStep.compensationInput());
    assertEquals(voidStep.ended(), voidStep.started());

    Checkpoint failedWithPartialWork = Checkpoint.builder(2, CheckpointKind.STEP_FAILED, 3, "charge")
        .error(new IllegalStateException("declined")).compensationInput("auth-1").build();
    assertTrue(failedWithPartialWork.hasCompensationInput());
    assertEquals(new StoredError("java.lang.IllegalStateException", "declined"), failedWithPartialWork.error().get());
    Checkpoint failed = Checkpoint.builder(3, CheckpointKind.STEP_FAILED, 3, "charge").error(new StoredError("X", null))
        .build();
    assertFalse(failed.hasCompensationInput());

    IllegalArgumentException output = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "s").output("x"));
    assertEquals("a STEP_FAILED checkpoint has no output; only STEP_COMPLETED has one", output.getMessage());
    IllegalArgumentException compensation = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "s").compensationInput("x"));
    assertEquals("a COMPENSATED checkpoint has no compensation input; only STEP_COMPLETED, STEP_FAILED and "
        + "STEP_TOLERATED may have one", compensation.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.builder(0, CheckpointKind.STEP_SKIPPED, 0, "s").error(new RuntimeException()));
    IllegalStateException noError = assertThrows(IllegalStateException.class,
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATION_FAILED, 0, "ship").build());
    assertEquals("a COMPENSATION_FAILED checkpoint needs an error (step 'ship')", noError.getMessage());
    assertThrows(IllegalStateException.class,
        () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, "s").started(T0.plusSeconds(1)).ended(T0).build());
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder(-1, CheckpointKind.COMPENSATED, 0, "s"));
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder(0, CheckpointKind.COMPENSATED, 0, " "));
  }

  @Test
  void anUpdateSaysTheStatusItGivesItsRun() {
    Checkpoint done = Checkpoint.builder(0, CheckpointKind.STEP_COMPLETED, 0, "a").build();
    Checkpoint failed = Checkpoint.builder(1, CheckpointKind.STEP_FAILED, 1, "b").error(new RuntimeException()).build();
    assertEquals(Optional.empty(), RunUpdate.of(done).newStatus());
    assertEquals(Optional.of(RunStatus.COMPENSATING), RunUpdate.of(done, failed).newStatus());
    RunEnd end = new RunEnd(RunStatus.REVERTED, null, List.of(), T0);
    assertEquals(Optional.of(RunStatus.REVERTED), RunUpdate.ending(List.of(failed), end).newStatus());
    Checkpoint waits = Checkpoint.builder(1, CheckpointKind.STEP_WAITING, 1, "b").attempts(1)
        .error(new RuntimeException()).build();
    assertEquals(Optional.of(RunStatus.WAITING), RunUpdate.of(done, waits).newStatus());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> RunUpdate.of(done, done));
    assertEquals("two checkpoints of one update have sequence number 0; give each checkpoint of a run its own number",
        twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RunUpdate.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new RunEnd(RunStatus.COMPENSATING, null, List.of(), T0));
  }

  @Test
  void errorsComeBackAsStandIns() {
    StepError error = new StepError("charge", StepPhase.COMPENSATE, new IllegalStateException("card expired"), 3);
    RunEnd end = RunEnd.of(new WorkflowResult<>("checkout", "tx-1", WorkflowStatus.FAILED, null, List.of(error)));
    assertEquals(RunStatus.FAILED, end.status());
    RunError stored = end.errors().get(0);
    assertEquals(new RunError("charge", StepPhase.COMPENSATE, 3,
        new StoredError("java.lang.IllegalStateException", "card expired")), stored);

    StepError restored = stored.toStepError();
    assertEquals("charge", restored.step());
    assertEquals(StepPhase.COMPENSATE, restored.phase());
    assertEquals(3, restored.attempts());
    RestoredException cause = (RestoredException) restored.cause();
    assertEquals("java.lang.IllegalStateException", cause.originalType());
    assertEquals("card expired", cause.getMessage());
    assertEquals("java.lang.IllegalStateException: card expired", cause.toString());
    assertEquals(0, cause.getStackTrace().length);
    assertEquals("com.acme.Gone", new StoredError("com.acme.Gone", null).toException().toString());
  }

  @Test
  void runTypesNameTheMissingPosition() {
    RunTypes types = RunTypes.builder("checkout", String.class, Integer.class)
        .step(0, String.class, Void.class)
        .step(2, Types.parameterized(List.class, String.class), String.class)
        .build();
    assertEquals(Types.parameterized(List.class, String.class), types.output(2, "ship"));
    assertEquals(Void.class, types.compensationInput(0, "reserve"));
    RunStoreException missing = assertThrows(RunStoreException.class, () -> types.output(1, "charge"));
    assertEquals("Workflow 'checkout' declares no step at position 1 (step 'charge') in its RunTypes, which declare "
        + "positions [0, 2]; the run was recorded by another definition of the workflow, or the RunTypes are "
        + "incomplete", missing.getMessage());
    assertThrows(RunStoreException.class, () -> types.output(3, "later"));
    assertThrows(IllegalArgumentException.class,
        () -> RunTypes.builder("checkout", String.class, String.class).step(0, String.class, String.class)
            .step(0, String.class, String.class));
    RunTypes untyped = RunTypes.untyped("checkout");
    assertEquals(Object.class, untyped.output(7, "any"));
    assertTrue(untyped.isUntyped());
  }

  @Test
  void statusesMapToWorkflowStatuses() {
    for (WorkflowStatus status : WorkflowStatus.values()) {
      assertEquals(status, RunStatus.of(status).toWorkflowStatus());
      assertTrue(RunStatus.of(status).isEnded());
    }
    assertFalse(RunStatus.RUNNING.isEnded());
    assertFalse(RunStatus.COMPENSATING.isEnded());
    assertFalse(RunStatus.WAITING.isEnded());
    assertEquals(List.of(RunStatus.RUNNING, RunStatus.COMPENSATING),
        List.of(RunStatus.values()).stream().filter(RunStatus::isResumable).toList(), "a WAITING run is not resumed");
    assertThrows(IllegalStateException.class, RunStatus.RUNNING::toWorkflowStatus);
    assertThrows(IllegalStateException.class, RunStatus.WAITING::toWorkflowStatus);
  }
}
