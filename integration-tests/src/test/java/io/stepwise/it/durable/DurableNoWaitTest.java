package io.stepwise.it.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A durable run with a {@code noWait} step ({@link DurableNoWaitWorkflows}), synchronous and
 * asynchronous: its completion is recorded as any step's, a resumed run does not run it again once
 * it is recorded (and compensates it in its place when a later step fails), and runs it again when
 * it is not, as any step (at least once).
 */
class DurableNoWaitTest {
  final InMemoryRunStore memory = new InMemoryRunStore();
  final String order = "n-" + UUID.randomUUID();

  @AfterEach
  void openGates() {
    DurableWorkflows.GATES.values().forEach(CountDownLatch::countDown);
  }

  static Function<OrderInput, CompletableFuture<WorkflowResult<String>>> runner(boolean async, WorkflowEngine engine,
      RunOptions options) {
    if (async) {
      DurableNoWaitWorkflows_NoWaitAsyncRunner runner =
          DurableNoWaitWorkflows_NoWaitAsyncRunner.create(Container.empty(), engine);
      return input -> runner.runAsync(input, options);
    }
    DurableNoWaitWorkflows_NoWaitRunner runner = DurableNoWaitWorkflows_NoWaitRunner.create(Container.empty(), engine);
    return input -> runner.runAsync(input, options);
  }

  RunOptions options() {
    return RunOptions.builder().transactionId(order).throwOnError(false).build();
  }

  Optional<StoredRun> record(boolean async) {
    return memory.load(RunTypes.untyped(async ? "durable-nowait-async" : "durable-nowait"), order);
  }

  boolean recorded(boolean async, String step) {
    return record(async).map(run -> run.checkpoints().stream()
        .anyMatch(c -> c.kind() == CheckpointKind.STEP_COMPLETED && c.stepName().equals(step))).orElse(false);
  }

  /**
   * Runs the order until {@code step} is reached, then, once {@code recordedFirst} is recorded (if
   * given), lets the process die: nothing more is written, and the run stops.
   */
  void runUntilTheStoreDies(boolean async, OrderInput input, String step, String recordedFirst) throws Exception {
    DurableReplayTest.DyingStore dying = new DurableReplayTest.DyingStore(memory);
    WorkflowEngine first = WorkflowEngine.builder().store(dying).build();
    Function<OrderInput, CompletableFuture<WorkflowResult<String>>> run = runner(async, first, options());
    first.start();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = new CountDownLatch(1);
    DurableWorkflows.GATES.put(order + ":" + step, gate);
    DurableWorkflows.REACHED.put(order + ":" + step, reached);
    CompletableFuture<WorkflowResult<String>> running = run.apply(input);
    assertTrue(reached.await(10, TimeUnit.SECONDS), step + " was not reached");
    if (recordedFirst != null) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!recorded(async, recordedFirst) && System.nanoTime() < end) {
        Thread.sleep(5);
      }
      assertTrue(recorded(async, recordedFirst), recordedFirst + " was recorded before the crash");
    }
    dying.die();
    gate.countDown();
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

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aResumedRunDoesNotRunARecordedNoWaitStepAgain(boolean async) throws Exception {
    runUntilTheStoreDies(async, new OrderInput(order, false, null), "confirm", "email");

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("confirm"), DurableWorkflows.events(order), "neither create nor email runs again");
    StoredRun stored = record(async).orElseThrow();
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals("confirmed order-" + order, stored.end().orElseThrow().result());
    assertEquals(List.of("create", "email", "confirm"), stored.checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.STEP_COMPLETED).map(Checkpoint::stepName).toList());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aLaterFailureAfterTheRestartCompensatesTheRecordedNoWaitStepInItsPlace(boolean async) throws Exception {
    runUntilTheStoreDies(async, new OrderInput(order, false, "confirm"), "confirm", "email");

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.reverted(), recovery.toString());
    assertEquals(List.of("confirm", "undo:email", "undo:create"), DurableWorkflows.events(order));
    assertEquals(RunStatus.REVERTED, record(async).orElseThrow().status());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aNoWaitStepThatWasNotRecordedRunsAgain(boolean async) throws Exception {
    runUntilTheStoreDies(async, new OrderInput(order, false, null), "email", null);

    WorkflowEngine.Recovery recovery = resume(async);

    assertEquals(1, recovery.done(), recovery.toString());
    assertTrue(DurableWorkflows.events(order).contains("email"), "email runs again: " + DurableWorkflows.events(order));
    assertEquals(RunStatus.DONE, record(async).orElseThrow().status());
  }
}
