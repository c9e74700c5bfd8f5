package io.stepwise.it.durable;

import static io.stepwise.it.durable.ManualRetryGroupWorkflows.effects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.ManualRetryGroupWorkflows.Order;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Manual retries ({@code autoRetry = false}) of durable runs where the wait is not recorded and stays
 * in memory, through generated runners ({@link ManualRetryGroupWorkflows}), on one kind of store that
 * records waits: a member of a {@code @Parallel} group, a step of a child workflow, and a step of a run
 * that started a {@code noWait} step. Their failed attempt is recorded as {@code ATTEMPT_FAILED}, the
 * run stays {@code RUNNING}, and the {@code retryXxx}/{@code failXxx} of the process that runs it ends
 * the wait. What the steps did is kept outside the store ({@link ManualRetryGroupWorkflows#EFFECTS}).
 */
abstract class ManualRetryGroupContract {
  final String id = "order-" + UUID.randomUUID();
  private WorkflowEngine engine;
  private RunStore reader;
  private ManualRetryGroupWorkflows_GroupRunner group;
  private ManualRetryGroupWorkflows_GroupAsyncRunner groupAsync;
  private ManualRetryGroupWorkflows_ParentRunner parent;
  private ManualRetryGroupWorkflows_ParentAsyncRunner parentAsync;
  private ManualRetryGroupWorkflows_NoWaitRunner noWait;
  private ManualRetryGroupWorkflows_NoWaitAsyncRunner noWaitAsync;
  /** Runners of the child workflows, in this process, without the engine: what retries a child's step. */
  private final ManualRetryGroupWorkflows_ParcelRunner parcel =
      ManualRetryGroupWorkflows_ParcelRunner.create(Container.empty());
  private final ManualRetryGroupWorkflows_ParcelAsyncRunner parcelAsync =
      ManualRetryGroupWorkflows_ParcelAsyncRunner.create(Container.empty());
  /** Counted down when a step of the test's runs begins to wait. */
  private final CountDownLatch waiting = new CountDownLatch(1);

  /** A store on this test's record: each call another instance on the same record. */
  abstract RunStore newStore();

  @BeforeEach
  void startEngine() {
    engine = WorkflowEngine.builder().store(newStore()).shutdownTimeout(Duration.ofSeconds(2)).build();
    group = ManualRetryGroupWorkflows_GroupRunner.create(Container.empty(), engine);
    groupAsync = ManualRetryGroupWorkflows_GroupAsyncRunner.create(Container.empty(), engine);
    parent = ManualRetryGroupWorkflows_ParentRunner.create(Container.empty(), engine);
    parentAsync = ManualRetryGroupWorkflows_ParentAsyncRunner.create(Container.empty(), engine);
    noWait = ManualRetryGroupWorkflows_NoWaitRunner.create(Container.empty(), engine);
    noWaitAsync = ManualRetryGroupWorkflows_NoWaitAsyncRunner.create(Container.empty(), engine);
    engine.start();
  }

  @AfterEach
  void closeEngine() {
    engine.close();
    if (reader != null) {
      reader.close();
    }
  }

  private RunOptions options() {
    WorkflowListener listener = new WorkflowListener() {
      @Override
      public void onStepWaiting(StepContext step, Throwable error) {
        waiting.countDown();
      }
    };
    return RunOptions.builder().transactionId(id).throwOnError(false).listener(listener).build();
  }

  /** Waits until a step of the run waits for the application. */
  private void awaitWaiting() throws InterruptedException {
    assertTrue(waiting.await(5, TimeUnit.SECONDS), "a step waits: " + effects(id));
  }

  private StoredRun record(String workflow, String transactionId) {
    if (reader == null) {
      reader = newStore();
    }
    return reader.load(RunTypes.untyped(workflow), transactionId).orElseThrow();
  }

  private static List<String> kinds(StoredRun run) {
    return run.checkpoints().stream().map(c -> c.kind() + " " + c.stepName() + " " + c.attempts()).toList();
  }

  private static String name(String workflow, boolean isAsync) {
    return isAsync ? workflow + "-async" : workflow;
  }

  // ------------------------------------------------------------------ a member of a @Parallel group

  private CompletableFuture<WorkflowResult<String>> runGroup(boolean isAsync, Order order) {
    return isAsync ? groupAsync.runAsync(order, options()) : group.runAsync(order, options());
  }

  private Predicate<String> retryCharge(boolean isAsync) {
    return isAsync ? groupAsync::retryCharge : group::retryCharge;
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aWaitingGroupMemberWaitsInMemoryAndARetryInTheSameProcessEndsTheRunDone(boolean isAsync) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = runGroup(isAsync, new Order(id, 1, false));
    awaitWaiting();
    StoredRun waits = awaitCheckpoints(name("durable-manual-group", isAsync), id, "STEP_COMPLETED label 1");

    assertEquals(RunStatus.RUNNING, waits.status(), "a member's wait is not recorded");
    assertEquals(Set.of("STEP_COMPLETED create 1", "ATTEMPT_FAILED charge 1", "STEP_COMPLETED label 1"),
        Set.copyOf(kinds(waits)));
    assertFalse(run.isDone());

    assertTrue(retryCharge(isAsync).test(id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirm charge-2 label", result.result());
    assertEquals(RunStatus.DONE, record(name("durable-manual-group", isAsync), id).status());
    assertTrue(kinds(record(name("durable-manual-group", isAsync), id)).contains("STEP_COMPLETED charge 2"));
    assertEquals(Set.of("create", "charge#1", "label", "charge#2", "confirm charge-2 label"), Set.copyOf(effects(id)));
    assertEquals(5, effects(id).size(), effects(id).toString());
    assertFalse(retryCharge(isAsync).test(id), "the run is over");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aSiblingThatFailsForGoodWhileAMemberWaitsEndsTheWaitAndTheRunReverts(boolean isAsync) throws Exception {
    CountDownLatch gate = ManualRetryGroupWorkflows.holdLabel(id);
    CompletableFuture<WorkflowResult<String>> run = runGroup(isAsync, new Order(id, 3, true));
    awaitWaiting();

    gate.countDown(); // label fails for good while charge waits
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(Set.of("label", "charge"), Set.copyOf(result.errors().stream().map(e -> e.step()).toList()));
    assertEquals(List.of("create", "charge#1", "label", "undo:create"), sortedGroup(effects(id)));
    StoredRun reverted = record(name("durable-manual-group", isAsync), id);
    assertEquals(RunStatus.REVERTED, reverted.status());
    assertTrue(kinds(reverted).contains("ATTEMPT_FAILED charge 1"), kinds(reverted).toString());
    assertTrue(kinds(reverted).contains("COMPENSATED create 1"), kinds(reverted).toString());
    assertFalse(retryCharge(isAsync).test(id), "the wait ended with the run");
    assertFalse(effects(id).contains("charge#2"), "no further attempt");
  }

  /** The effects with the group's two in a fixed order (they run at the same time). */
  private static List<String> sortedGroup(List<String> effects) {
    List<String> sorted = new java.util.ArrayList<>(effects);
    int charge = sorted.indexOf("charge#1");
    int label = sorted.indexOf("label");
    if (charge > label && label >= 0) {
      sorted.set(label, "charge#1");
      sorted.set(charge, "label");
    }
    return sorted;
  }

  // ------------------------------------------------------------------ a step of a child workflow

  private CompletableFuture<WorkflowResult<String>> runParent(boolean isAsync, Order order) {
    return isAsync ? parentAsync.runAsync(order, options()) : parent.runAsync(order, options());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aWaitingStepOfAChildIsRetriedThroughTheChildsRunnerAndTheParentEndsDone(boolean isAsync) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = runParent(isAsync, new Order(id, 1, false));
    awaitWaiting();
    String child = id + "/ship";
    StoredRun waits = awaitCheckpoints(name("durable-manual-parcel", isAsync), child, "ATTEMPT_FAILED label 1");

    assertEquals(RunStatus.RUNNING, waits.status(), "a child's wait is not recorded");
    assertEquals(List.of("STEP_COMPLETED pack 1", "ATTEMPT_FAILED label 1"), kinds(waits));
    assertEquals(RunStatus.RUNNING, record(name("durable-manual-parent", isAsync), id).status());
    assertFalse(isAsync ? parcelAsync.retryLabel(id) : parcel.retryLabel(id), "the parent has no step label");

    assertTrue(isAsync ? parcelAsync.retryLabel(child) : parcel.retryLabel(child));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirm label-2", result.result());
    assertEquals(List.of("create", "pack", "label#1", "label#2", "confirm label-2"), effects(id));
    assertEquals(RunStatus.DONE, record(name("durable-manual-parent", isAsync), id).status());
    assertFalse(isAsync ? parcelAsync.retryLabel(child) : parcel.retryLabel(child), "the child's run is over");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void failingAWaitingStepOfAChildCompensatesTheChildAndTheParent(boolean isAsync) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = runParent(isAsync, new Order(id, 3, false));
    awaitWaiting();

    assertTrue(isAsync ? parcelAsync.failLabel(id + "/ship") : parcel.failLabel(id + "/ship"));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("create", "pack", "label#1", "undo:pack", "undo:create"), effects(id));
    assertEquals(RunStatus.REVERTED, record(name("durable-manual-parent", isAsync), id).status());
    assertEquals(RunStatus.REVERTED, record(name("durable-manual-parcel", isAsync), id + "/ship").status());
  }

  // ------------------------------------------------------------------ a run that started a noWait step

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRunThatStartedANoWaitStepWaitsInMemoryAndARetryEndsItDone(boolean isAsync) throws Exception {
    Order order = new Order(id, 1, false);
    CompletableFuture<WorkflowResult<String>> run =
        isAsync ? noWaitAsync.runAsync(order, options()) : noWait.runAsync(order, options());
    awaitWaiting();
    StoredRun waits = awaitCheckpoints(name("durable-manual-nowait", isAsync), id, "ATTEMPT_FAILED charge 1");

    assertEquals(RunStatus.RUNNING, waits.status(), "the wait of a run with a noWait step is not recorded");
    assertFalse(run.isDone());

    assertTrue(isAsync ? noWaitAsync.retryCharge(id) : noWait.retryCharge(id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirm charge-2", result.result());
    assertEquals(Set.of("create", "email", "charge#1", "charge#2", "confirm charge-2"), Set.copyOf(effects(id)));
    StoredRun done = record(name("durable-manual-nowait", isAsync), id);
    assertEquals(RunStatus.DONE, done.status());
    assertTrue(kinds(done).contains("STEP_COMPLETED charge 2"), kinds(done).toString());
    assertFalse(kinds(done).stream().anyMatch(kind -> kind.startsWith("STEP_WAITING")), kinds(done).toString());
  }

  /** Waits until the run's record has the checkpoint ({@code KIND step attempts}), and returns it. */
  private StoredRun awaitCheckpoints(String workflow, String transactionId, String checkpoint)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!kinds(record(workflow, transactionId)).contains(checkpoint)) {
      assertTrue(System.nanoTime() < end, checkpoint + " never recorded: " + kinds(record(workflow, transactionId)));
      Thread.sleep(10);
    }
    return record(workflow, transactionId);
  }
}
