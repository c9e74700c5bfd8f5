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
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.NewRun;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replay through generated runners: a run interrupted (its store dies, as a killed process's does)
 * after its child workflow, or inside it, is resumed by a second engine without running a recorded
 * step again; a later failure compensates the replayed child as a unit, the group, the condition's
 * step and the first step. Real SIGKILLs on JDBC stores: the crash tests.
 */
class DurableReplayTest {
  final InMemoryRunStore memory = new InMemoryRunStore();
  final String order = "o-" + UUID.randomUUID();

  @AfterEach
  void openGates() {
    DurableWorkflows.GATES.values().forEach(CountDownLatch::countDown);
  }

  /** Holds {@code step} of this test's order until the store dies, and waits until it got there. */
  CompletableFuture<WorkflowResult<String>> runUntil(String step, OrderInput input) throws Exception {
    DyingStore dying = new DyingStore(memory);
    WorkflowEngine first = WorkflowEngine.builder().store(dying).build();
    DurableWorkflows_OrderRunner runner = DurableWorkflows_OrderRunner.create(Container.empty(), first);
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
    return running;
  }

  /** A second engine on the same record resumes the run; the events after the crash. */
  WorkflowEngine.Recovery resume() throws Exception {
    DurableWorkflows.EVENTS.remove(order);
    WorkflowEngine second = WorkflowEngine.builder().store(memory).build();
    DurableWorkflows_OrderRunner.create(Container.empty(), second);
    second.start();
    return second.recovery().get(10, TimeUnit.SECONDS);
  }

  StoredRun record(String transactionId) {
    return memory.load(RunTypes.untyped(transactionId.contains("/") ? "durable-parcel" : "durable-order"),
        transactionId).orElseThrow();
  }

  @Test
  void aRunInterruptedAfterItsChildGoesOnWithoutRunningAnyRecordedStep() throws Exception {
    runUntil("confirm", new OrderInput(order, true, null));

    WorkflowEngine.Recovery recovery = resume();

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("confirm"), DurableWorkflows.events(order));
    StoredRun stored = record(order);
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals("confirmed label-booking-" + order + " payment-order-" + order, stored.end().orElseThrow().result());
  }

  @Test
  void aLaterFailureAfterTheRestartCompensatesTheReplayedChildAsAUnitAndEveryRecordedStep() throws Exception {
    runUntil("confirm", new OrderInput(order, true, "confirm"));

    WorkflowEngine.Recovery recovery = resume();

    assertEquals(1, recovery.reverted(), recovery.toString());
    List<String> events = DurableWorkflows.events(order);
    assertEquals("confirm", events.get(0));
    assertEquals(List.of("undo:label", "undo:book"), events.subList(1, 3), "the child, as a unit, in reverse");
    assertEquals("undo:create", events.get(events.size() - 1));
    assertTrue(events.containsAll(List.of("undo:reserve", "undo:charge", "undo:express")), events.toString());
    assertEquals(7, events.size(), events.toString());
    // the child's compensations are in the child's own record
    List<CheckpointKind> child = record(order + "/ship").checkpoints().stream().map(Checkpoint::kind).toList();
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.COMPENSATED,
        CheckpointKind.COMPENSATED), child);
  }

  @Test
  void aRunInterruptedInsideItsChildResumesTheChildWhereItStopped() throws Exception {
    runUntil("label", new OrderInput(order, false, null));
    assertEquals(RunStatus.RUNNING, record(order + "/ship").status());

    WorkflowEngine.Recovery recovery = resume();

    assertEquals(1, recovery.done(), recovery.toString());
    assertEquals(List.of("label", "confirm"), DurableWorkflows.events(order),
        "'create', the group and the child's 'book' were recorded; 'express' was skipped and stays skipped");
    List<Checkpoint> checkpoints = record(order).checkpoints();
    assertEquals(CheckpointKind.STEP_SKIPPED, checkpoints.get(1).kind());
  }

  @Test
  void aFinishedOrderRepeatedReturnsItsResultAndRunsNothing() {
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    DurableWorkflows_OrderRunner runner = DurableWorkflows_OrderRunner.create(Container.empty(), engine);
    engine.start();
    OrderInput input = new OrderInput(order, false, null);
    RunOptions options = RunOptions.builder().transactionId(order).build();
    WorkflowResult<String> first = runner.run(input, options);
    DurableWorkflows.EVENTS.remove(order);

    WorkflowResult<String> again = runner.run(input, options);

    assertEquals(first.result(), again.result());
    assertEquals(WorkflowStatus.DONE, again.status());
    assertEquals(List.of(), DurableWorkflows.events(order));
  }

  @Test
  void theEngineGivesARunsTimelineAndListsRunsByWorkflowAndStatus() {
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    DurableWorkflows_OrderRunner runner = DurableWorkflows_OrderRunner.create(Container.empty(), engine);
    engine.start();
    runner.run(new OrderInput(order, true, null), RunOptions.builder().transactionId(order).build());
    String failing = order + "-x";
    runner.run(new OrderInput(failing, false, "charge"),
        RunOptions.builder().transactionId(failing).throwOnError(false).build());

    StoredRun timeline = engine.timeline(order).orElseThrow();
    assertEquals(RunStatus.DONE, timeline.status());
    assertEquals(new OrderInput(order, true, null), timeline.input()); // an in-memory store keeps the objects
    List<String> steps = timeline.checkpoints().stream().map(Checkpoint::stepName).toList();
    assertEquals(List.of("create", "express"), steps.subList(0, 2));
    assertEquals(java.util.Set.of("reserve", "charge"), java.util.Set.copyOf(steps.subList(2, 4)), "the group");
    assertEquals(List.of("ship", "confirm"), steps.subList(4, 6));
    assertEquals("confirmed label-booking-" + order + " payment-order-" + order, timeline.end().orElseThrow().result());
    timeline.checkpoints().forEach(c -> assertTrue(!c.started().isAfter(c.ended()), c.toString()));
    StoredRun failed = engine.timeline(failing).orElseThrow();
    assertEquals(RunStatus.REVERTED, failed.status());
    Checkpoint charge = failed.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.STEP_FAILED)
        .findFirst().orElseThrow();
    assertEquals("charge", charge.stepName());
    assertEquals("charge failed for " + failing, charge.error().orElseThrow().message());
    assertTrue(engine.timeline("no-such-run").isEmpty());

    List<String> reverted = engine.list(io.stepwise.runtime.store.RunQuery.builder().workflowName("durable-order")
        .statuses(RunStatus.REVERTED).build()).stream().map(h -> h.transactionId()).toList();
    assertTrue(reverted.contains(failing) && !reverted.contains(order), reverted.toString());
  }

  /** A store whose process dies: after {@link #die()}, every write fails. */
  static final class DyingStore extends ForwardingRunStore {
    private volatile boolean dead;

    DyingStore(RunStore store) {
      super(store);
    }

    void die() {
      dead = true;
    }

    @Override
    public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
      return dead ? CompletableFuture.failedFuture(new RunStoreException("the process died")) : super.begin(types, run);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      return dead ? CompletableFuture.failedFuture(new RunStoreException("the process died"))
          : super.append(types, transactionId, update);
    }
  }
}
