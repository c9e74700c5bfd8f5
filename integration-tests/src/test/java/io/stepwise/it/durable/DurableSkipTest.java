package io.stepwise.it.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunError;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A durable run whose step failed with {@code skipOnPermanentFailure} ({@link DurableSkipWorkflows}),
 * synchronous and asynchronous: the skipped steps are recorded as skipped, and a run resumed after
 * the crash of its process never invokes them, whether their skips were recorded or not (the
 * recorded failure skips them again); a later failure compensates the completed steps only.
 */
class DurableSkipTest {
  static final List<CheckpointKind> SKIPPED_RUN = List.of(CheckpointKind.STEP_COMPLETED,
      CheckpointKind.STEP_TOLERATED, CheckpointKind.STEP_SKIPPED, CheckpointKind.STEP_SKIPPED,
      CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED);

  final InMemoryRunStore memory = new InMemoryRunStore();
  final String order = "s-" + UUID.randomUUID();

  @AfterEach
  void openGates() {
    DurableWorkflows.GATES.values().forEach(CountDownLatch::countDown);
  }

  /** Registers the workflow of the path with {@code engine}: a function that runs an input. */
  static Function<OrderInput, CompletableFuture<WorkflowResult<String>>> runner(boolean async, WorkflowEngine engine,
      RunOptions options) {
    if (async) {
      DurableSkipWorkflows_SkipAsyncRunner runner = DurableSkipWorkflows_SkipAsyncRunner.create(Container.empty(), engine);
      return input -> runner.runAsync(input, options);
    }
    DurableSkipWorkflows_SkipRunner runner = DurableSkipWorkflows_SkipRunner.create(Container.empty(), engine);
    return input -> runner.runAsync(input, options);
  }

  RunOptions options() {
    return RunOptions.builder().transactionId(order).throwOnError(false).build();
  }

  /** Runs the order on a store that dies while {@code step} is held (or as {@code dying} decides). */
  void runUntilTheStoreDies(boolean async, OrderInput input, String step, RunStore store, Runnable die)
      throws Exception {
    WorkflowEngine first = WorkflowEngine.builder().store(store).build();
    Function<OrderInput, CompletableFuture<WorkflowResult<String>>> run = runner(async, first, options());
    first.start();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = new CountDownLatch(1);
    if (step != null) {
      DurableWorkflows.GATES.put(order + ":" + step, gate);
      DurableWorkflows.REACHED.put(order + ":" + step, reached);
    }
    CompletableFuture<WorkflowResult<String>> running = run.apply(input);
    if (step != null) {
      assertTrue(reached.await(10, TimeUnit.SECONDS), step + " was not reached");
      die.run();
      gate.countDown();
    }
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, running::join).getCause());
    DurableWorkflows.GATES.remove(order + ":" + step);
    DurableWorkflows.EVENTS.remove(order);
  }

  WorkflowEngine.Recovery resume(boolean async) throws Exception {
    WorkflowEngine second = WorkflowEngine.builder().store(memory).build();
    runner(async, second, options());
    second.start();
    return second.recovery().get(10, TimeUnit.SECONDS);
  }

  StoredRun record(boolean async) {
    return memory.load(RunTypes.untyped(async ? "durable-skip-async" : "durable-skip"), order).orElseThrow();
  }

  static List<CheckpointKind> kinds(StoredRun run) {
    return run.checkpoints().stream().map(Checkpoint::kind).toList();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aResumedRunNeverInvokesTheStepsItsFailureSkipped(boolean async) throws Exception {
    DurableReplayTest.DyingStore dying = new DurableReplayTest.DyingStore(memory);
    runUntilTheStoreDies(async, new OrderInput(order, false, "charge"), "confirm", dying, dying::die);
    assertEquals(SKIPPED_RUN.subList(0, 4), kinds(record(async)), "the skips were recorded before the crash");

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("confirm", "archive"), DurableWorkflows.events(order));
    StoredRun stored = record(async);
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals("confirmed order-" + order + " no gift", stored.end().orElseThrow().result());
    assertEquals(SKIPPED_RUN, kinds(stored));
    assertEquals(List.of("charge"), stored.end().orElseThrow().errors().stream().map(RunError::step).toList());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRunThatStoppedBeforeItsSkipsWereRecordedSkipsThemWhenResumed(boolean async) throws Exception {
    DiesAfterTheFailure dying = new DiesAfterTheFailure(memory);
    runUntilTheStoreDies(async, new OrderInput(order, false, "charge"), null, dying, null);
    assertEquals(SKIPPED_RUN.subList(0, 2), kinds(record(async)), "only the failure was recorded");

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("confirm", "archive"), DurableWorkflows.events(order), "neither gift nor wrap");
    assertEquals(SKIPPED_RUN, kinds(record(async)));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRunResumedBeforeItsSkipsWereRecordedIsRevertedWithoutTheSkippedSteps(boolean async) throws Exception {
    DiesAfterTheFailure dying = new DiesAfterTheFailure(memory);
    runUntilTheStoreDies(async, new OrderInput(order, false, "charge"), null, dying, null);
    assertEquals(1, resume(async).done());
    DurableWorkflows.EVENTS.remove(order);

    WorkflowEngine third = WorkflowEngine.builder().store(memory).build();
    WorkflowResult<String> reverted;
    if (async) {
      DurableSkipWorkflows_SkipAsyncRunner runner = DurableSkipWorkflows_SkipAsyncRunner.create(Container.empty(), third);
      third.start();
      reverted = runner.revertAsync(order).get(10, TimeUnit.SECONDS);
    } else {
      DurableSkipWorkflows_SkipRunner runner = DurableSkipWorkflows_SkipRunner.create(Container.empty(), third);
      third.start();
      reverted = runner.revert(order);
    }

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertEquals(List.of("charge"), reverted.errors().stream().map(StepError::step).toList());
    assertEquals(List.of("undo:confirm", "undo:create"), DurableWorkflows.events(order), "neither gift nor wrap");
    assertEquals(RunStatus.REVERTED, record(async).status());
    third.close();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aLaterFailureAfterTheRestartCompensatesTheCompletedStepsNotTheSkippedOnes(boolean async) throws Exception {
    DurableReplayTest.DyingStore dying = new DurableReplayTest.DyingStore(memory);
    runUntilTheStoreDies(async, new OrderInput(order, false, "charge,archive"), "confirm", dying, dying::die);

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.reverted(), recovery.toString());
    assertEquals(List.of("confirm", "archive", "undo:confirm", "undo:create"), DurableWorkflows.events(order));
    assertEquals(RunStatus.REVERTED, record(async).status());
  }

  /** A store whose process dies right after it recorded a tolerated failure: nothing later is written. */
  static final class DiesAfterTheFailure extends ForwardingRunStore {
    private volatile boolean dead;

    DiesAfterTheFailure(RunStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      if (dead) {
        return CompletableFuture.failedFuture(new RunStoreException("the process died"));
      }
      dead = update.checkpoints().stream().anyMatch(c -> c.kind() == CheckpointKind.STEP_TOLERATED);
      return super.append(types, transactionId, update);
    }
  }
}
