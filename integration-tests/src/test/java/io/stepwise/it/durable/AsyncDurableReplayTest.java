package io.stepwise.it.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.DurableReplayTest.DyingStore;
import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replay of an asynchronous workflow through its generated runner: stages completed on other
 * threads, a hook whose handler is not called again, a tolerated failure restored with its error,
 * an asynchronous child replayed from its own record and compensated as a unit.
 */
class AsyncDurableReplayTest {
  final InMemoryRunStore memory = new InMemoryRunStore();
  final String order = "a-" + UUID.randomUUID();
  final List<String> hooked = new CopyOnWriteArrayList<>();

  @AfterEach
  void openGates() {
    DurableWorkflows.GATES.values().forEach(CountDownLatch::countDown);
  }

  AsyncDurableWorkflows_OrderAsyncRunner runner(WorkflowEngine engine) {
    return AsyncDurableWorkflows_OrderAsyncRunner.create(Container.empty(), engine).onCreated(
        (created, ctx) -> hooked.add("hook " + created), (created, ctx) -> hooked.add("undo:hook " + created));
  }

  void interruptAt(String step, OrderInput input) throws Exception {
    DyingStore dying = new DyingStore(memory);
    WorkflowEngine first = WorkflowEngine.builder().store(dying).build();
    AsyncDurableWorkflows_OrderAsyncRunner runner = runner(first);
    first.start();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = new CountDownLatch(1);
    DurableWorkflows.GATES.put(order + ":" + step, gate);
    DurableWorkflows.REACHED.put(order + ":" + step, reached);
    CompletableFuture<WorkflowResult<String>> running =
        runner.runAsync(input, RunOptions.builder().transactionId(order).throwOnError(false).build());
    assertTrue(reached.await(10, TimeUnit.SECONDS), step + " was not reached");
    dying.die();
    gate.countDown();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, running::join).getCause());
    DurableWorkflows.GATES.remove(order + ":" + step);
    DurableWorkflows.EVENTS.remove(order);
    hooked.clear();
  }

  WorkflowEngine.Recovery resume() throws Exception {
    WorkflowEngine second = WorkflowEngine.builder().store(memory).build();
    runner(second);
    second.start();
    return second.recovery().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aResumedRunTakesItsRecordedHookCallToleratedFailureAndChild() throws Exception {
    interruptAt("confirm", new OrderInput(order, false, "gift-wrap"));

    WorkflowEngine.Recovery recovery = resume();

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("confirm"), DurableWorkflows.events(order));
    assertEquals(List.of(), hooked, "the hook's call was recorded: its handler is not called again");
    var end = memory.load(RunTypes.untyped("durable-order-async"), order).orElseThrow().end().orElseThrow();
    assertEquals("confirmed booking-" + order + " unwrapped", end.result());
    assertEquals("gift-wrap", end.errors().get(0).step(), "the tolerated failure, restored with the run");
    assertEquals("gift-wrap failed for " + order, end.errors().get(0).error().message());
  }

  @Test
  void aFailureAfterTheRestartUndoesTheReplayedChildTheHooksCallAndTheFirstStep() throws Exception {
    interruptAt("confirm", new OrderInput(order, false, "confirm"));

    WorkflowEngine.Recovery recovery = resume();

    assertEquals(1, recovery.reverted(), recovery.toString());
    assertEquals(List.of("confirm", "undo:book", "undo:create"), DurableWorkflows.events(order));
    assertEquals(List.of("undo:hook order-" + order), hooked,
        "the replayed hook call is compensated with its recorded input");
    assertEquals(RunStatus.REVERTED, memory.find(order).orElseThrow().status());
  }

  @Test
  void aRepeatedTransactionIdOfAnEndedAsyncRunReturnsTheSameErrors() {
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    AsyncDurableWorkflows_OrderAsyncRunner runner = runner(engine);
    engine.start();
    OrderInput input = new OrderInput(order, false, "gift-wrap");
    RunOptions options = RunOptions.builder().transactionId(order).build();
    WorkflowResult<String> first = runner.run(input, options);
    DurableWorkflows.EVENTS.remove(order);
    hooked.clear();

    WorkflowResult<String> again = runner.run(input, options);

    assertEquals(WorkflowStatus.DONE, again.status());
    assertEquals(first.result(), again.result());
    assertEquals(List.of(), DurableWorkflows.events(order));
    assertEquals(List.of(), hooked);
    StepError error = again.errors().get(0);
    assertEquals("gift-wrap", error.step());
    assertEquals(first.errors().get(0).cause().getMessage(), error.cause().getMessage());
  }
}
