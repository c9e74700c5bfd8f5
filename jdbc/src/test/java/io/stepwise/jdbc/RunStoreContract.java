package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.RunError;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredError;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.Types;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RunStore}, which every store passes: in memory, and JdbcRunStore on H2 and
 * on PostgreSQL. Each test has a fresh, empty record.
 */
abstract class RunStoreContract {
  /** Records as the steps of a restock workflow produce them. */
  record Item(String sku, int quantity, BigDecimal unitCost) {}

  record Order(String id, List<Item> items, Instant placedAt, LocalDate due, Optional<String> notes,
      Map<String, Integer> counts) {}

  static final String WORKFLOW = "create-restock-order";
  static final String FINGERPRINT = "sha256:1f2e3d";
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");

  /** input Order; result Order; steps: 0 create-order (Order / String), 1 create-items (List<Item> / List<String>), 2 notify (void). */
  static final RunTypes TYPES = RunTypes.builder(WORKFLOW, Order.class, Order.class)
      .step(0, Order.class, String.class)
      .step(1, Types.parameterized(List.class, Item.class), Types.parameterized(List.class, String.class))
      .step(2, Void.class, Void.class)
      .step(3, Types.parameterized(Map.class, String.class, Types.parameterized(List.class, Integer.class)),
          Types.parameterized(Optional.class, Item.class))
      .step(4, Duration.class, LocalDate.class)
      .build();

  protected RunStore store;

  /**
   * A store on this test's record: a fresh, empty one for each test; a second call in the same test
   * gives another store instance on the same record (where the kind of store has instances that share
   * one).
   */
  protected abstract RunStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static Order order(String id) {
    return new Order(id, List.of(new Item("sku-1", 2, new BigDecimal("10.50")), new Item("sku-2", 1, BigDecimal.ONE)),
        T0, LocalDate.of(2026, 12, 24), Optional.of("rush"), Map.of("lines", 2, "units", 3));
  }

  static NewRun newRun(String transactionId) {
    return NewRun.builder(transactionId, FINGERPRINT).input(order(transactionId)).created(T0).build();
  }

  static Checkpoint completed(int sequence, int position, String step, Object output, Object compensationInput) {
    return Checkpoint.builder(sequence, CheckpointKind.STEP_COMPLETED, position, step).attempts(1)
        .started(T0.plusMillis(sequence)).ended(T0.plusMillis(sequence + 1)).output(output)
        .compensationInput(compensationInput).build();
  }

  static Checkpoint createOrder(int sequence, String transactionId) {
    return completed(sequence, 0, "create-order", order(transactionId), transactionId);
  }

  static <T> T join(CompletableFuture<T> future) {
    return future.orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** The exception a future failed with. */
  static Throwable failure(CompletableFuture<?> future) {
    CompletionException e = assertThrows(CompletionException.class, () -> join(future));
    return e.getCause();
  }

  /** A task of {@link #atOnce}: the work of task number {@code i}. */
  @FunctionalInterface
  interface Task<T> {
    T call(int i) throws Exception;
  }

  /** Runs {@code n} tasks on threads of their own, released together; their results, in task order. */
  static <T> List<T> atOnce(int n, Task<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          return task.call(index);
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  void begin(String transactionId) {
    assertTrue(join(store.begin(TYPES, newRun(transactionId))).isCreated());
  }

  void append(String transactionId, Checkpoint... checkpoints) {
    join(store.append(TYPES, transactionId, RunUpdate.of(checkpoints)));
  }

  StoredRun load(String transactionId) {
    return store.load(TYPES, transactionId).orElseThrow();
  }

  @Test
  void beginRecordsARunningRunThatLoadsBack() {
    NewRun run = NewRun.builder("order-1", FINGERPRINT).input(order("order-1")).created(T0)
        .deadline(T0.plusSeconds(60)).build();
    BeginResult result = join(store.begin(TYPES, run));
    assertTrue(result.isCreated());
    assertEquals(Optional.empty(), result.existing());

    StoredRun stored = load("order-1");
    assertEquals(order("order-1"), stored.input());
    assertEquals(List.of(), stored.checkpoints());
    assertEquals(Optional.empty(), stored.end());
    RunHeader header = stored.header();
    assertEquals("order-1", header.transactionId());
    assertEquals(WORKFLOW, header.workflowName());
    assertEquals(FINGERPRINT, header.fingerprint());
    assertEquals(RunStatus.RUNNING, header.status());
    assertEquals(Optional.of(T0.plusSeconds(60)), header.deadline());
    assertEquals(T0, header.created());
    assertEquals(Optional.empty(), header.ended());
    assertEquals(Optional.empty(), header.parentTransactionId());
    assertEquals(Optional.of(header), store.find("order-1"));
    assertEquals(Optional.empty(), store.find("order-2"));
    assertEquals(Optional.empty(), store.load(TYPES, "order-2"));
  }

  @Test
  void beginOfARecordedTransactionIdGivesTheRecordAndWritesNothing() {
    begin("order-1");
    append("order-1", createOrder(0, "order-1"));
    StoredRun before = load("order-1");

    BeginResult again = join(store.begin(TYPES, newRun("order-1")));
    assertFalse(again.isCreated());
    assertTrue(again.sameInput());
    StoredRun existing = again.existing().orElseThrow();
    assertEquals(before.header(), existing.header());
    assertEquals(before.checkpoints(), existing.checkpoints());
    assertEquals(order("order-1"), existing.input());

    Order other = new Order("other", List.of(), T0, LocalDate.of(2027, 1, 1), Optional.empty(), Map.of());
    BeginResult otherInput = join(store.begin(TYPES, NewRun.builder("order-1", FINGERPRINT).input(other).build()));
    assertFalse(otherInput.isCreated());
    assertFalse(otherInput.sameInput(), "the input differs from the recorded one");

    StoredRun after = load("order-1");
    assertEquals(before.header(), after.header(), "nothing was written, not even the update time");
    assertEquals(order("order-1"), after.input());
    assertEquals(before.checkpoints(), after.checkpoints());
  }

  @Test
  void concurrentBeginsOfOneTransactionIdRecordOneRun() throws Exception {
    List<BeginResult> results = atOnce(8, i -> join(store.begin(TYPES, newRun("order-1"))));
    assertEquals(1, results.stream().filter(BeginResult::isCreated).count());
    for (BeginResult r : results) {
      if (!r.isCreated()) {
        assertEquals("order-1", r.existing().get().transactionId());
        assertTrue(r.sameInput());
      }
    }
  }

  @Test
  void aTransactionIdOfAnotherWorkflowIsRefused() {
    begin("order-1");
    RunTypes checkout = RunTypes.builder("checkout", Order.class, Order.class).build();
    String expected = "Transaction id 'order-1' belongs to a run of workflow 'create-restock-order', not of workflow "
        + "'checkout'; a transaction id names one run of one workflow: use another one";
    Throwable begin = failure(store.begin(checkout, newRun("order-1")));
    assertInstanceOf(RunStoreException.class, begin);
    assertEquals(expected, begin.getMessage());
    assertEquals(expected, assertThrows(RunStoreException.class, () -> store.load(checkout, "order-1")).getMessage());
    Throwable append = failure(store.append(checkout, "order-1", RunUpdate.of(
        Checkpoint.builder(0, CheckpointKind.STEP_SKIPPED, 0, "s").build())));
    assertEquals(expected, append.getMessage());
    assertEquals(List.of(), load("order-1").checkpoints());
  }

  @Test
  void valuesOfGenericTypesComeBackAsTheirJavaTypes() {
    begin("order-1");
    List<Item> items = List.of(new Item("a", 1, new BigDecimal("0.10")), new Item("b", 3, new BigDecimal("7")));
    Map<String, List<Integer>> byName = Map.of("x", List.of(1, 2), "y", List.of());
    List<Checkpoint> checkpoints = List.of(
        createOrder(0, "order-1"),
        completed(1, 1, "create-items", items, List.of("i-1", "i-2")),
        completed(2, 2, "notify", null, null),
        completed(3, 3, "tally", byName, Optional.of(new Item("c", 5, BigDecimal.TEN))),
        completed(4, 4, "wait", Duration.ofMinutes(90), LocalDate.of(2027, 2, 28)));
    join(store.append(TYPES, "order-1", RunUpdate.of(checkpoints)));

    StoredRun stored = load("order-1");
    assertEquals(checkpoints, stored.checkpoints());
    assertEquals(items, stored.checkpoints().get(1).output());
    assertInstanceOf(Item.class, ((List<?>) stored.checkpoints().get(1).output()).get(0));
    assertEquals(Optional.of(new Item("c", 5, BigDecimal.TEN)), stored.checkpoints().get(3).compensationInput());
    assertEquals(RunStatus.RUNNING, stored.status());
  }

  @Test
  void checkpointsComeBackInSequenceOrderWithTheirKindsAndErrors() {
    begin("order-1");
    // a parallel group's steps complete in any order; their sequence numbers say which came first
    append("order-1", completed(2, 1, "create-items", List.of(), List.of()));
    append("order-1", createOrder(0, "order-1"),
        Checkpoint.builder(1, CheckpointKind.STEP_SKIPPED, 2, "notify").ended(T0).build());
    Checkpoint met = Checkpoint.builder(3, CheckpointKind.CONDITION_MET, 3, "tally").ended(T0).build();
    Checkpoint tolerated = Checkpoint.builder(4, CheckpointKind.STEP_TOLERATED, 3, "tally").attempts(3)
        .error(new IllegalArgumentException("no tally")).compensationInput(Optional.empty()).ended(T0).build();
    Checkpoint toleratedBare = Checkpoint.builder(5, CheckpointKind.STEP_TOLERATED, 4, "wait")
        .error(new StoredError("com.acme.Timeout", null)).ended(T0).build();
    append("order-1", met, tolerated, toleratedBare);
    assertEquals(RunStatus.RUNNING, load("order-1").status());

    Checkpoint failed = Checkpoint.builder(6, CheckpointKind.STEP_FAILED, 1, "create-items").attempts(2)
        .error(new IllegalStateException("supplier down")).compensationInput(List.of("partial")).ended(T0).build();
    append("order-1", failed);
    assertEquals(RunStatus.COMPENSATING, load("order-1").status(), "a failed step starts the compensations");

    Checkpoint compensated = Checkpoint.builder(7, CheckpointKind.COMPENSATED, 1, "create-items").attempts(1)
        .ended(T0).build();
    Checkpoint compensationFailed = Checkpoint.builder(8, CheckpointKind.COMPENSATION_FAILED, 0, "create-order")
        .attempts(4).error(new RuntimeException("still there")).ended(T0).build();
    append("order-1", compensated, compensationFailed);

    StoredRun stored = load("order-1");
    assertEquals(RunStatus.COMPENSATING, stored.status());
    List<Integer> sequences = stored.checkpoints().stream().map(Checkpoint::sequence).toList();
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), sequences);
    assertEquals(met, stored.checkpoints().get(3));
    assertEquals(tolerated, stored.checkpoints().get(4));
    assertEquals(Optional.empty(), stored.checkpoints().get(4).compensationInput());
    assertEquals(toleratedBare, stored.checkpoints().get(5));
    assertFalse(stored.checkpoints().get(5).hasCompensationInput());
    assertEquals(failed, stored.checkpoints().get(6));
    assertEquals(new StoredError("java.lang.IllegalStateException", "supplier down"),
        stored.checkpoints().get(6).error().get());
    assertEquals(compensated, stored.checkpoints().get(7));
    assertEquals(compensationFailed, stored.checkpoints().get(8));
  }

  @Test
  void theRunsEndIsFoldedIntoItsLastWrite() {
    begin("order-1");
    append("order-1", createOrder(0, "order-1"));
    Instant ended = T0.plusSeconds(2);
    Order result = order("confirmed");
    join(store.append(TYPES, "order-1", RunUpdate.ending(List.of(completed(1, 2, "notify", null, null)),
        new RunEnd(RunStatus.DONE, result, List.of(), ended))));

    StoredRun stored = load("order-1");
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals(Optional.of(ended), stored.header().ended());
    assertEquals(Optional.of(new RunEnd(RunStatus.DONE, result, List.of(), ended)), stored.end());
    assertEquals(2, stored.checkpoints().size());
    assertEquals(List.of(), store.unfinished(WORKFLOW));

    begin("order-2");
    List<RunError> errors = List.of(
        new RunError("create-items", StepPhase.INVOKE, 3, new StoredError("com.acme.SupplierDown", "503")),
        new RunError("create-order", StepPhase.COMPENSATE, 1, new StoredError("java.lang.IllegalStateException", null)));
    join(store.append(TYPES, "order-2", RunUpdate.ending(List.of(), new RunEnd(RunStatus.FAILED, null, errors, ended))));
    RunEnd end = load("order-2").end().orElseThrow();
    assertEquals(RunStatus.FAILED, end.status());
    assertEquals(null, end.result());
    assertEquals(errors, end.errors());
  }

  @Test
  void nothingIsAppendedAfterTheEnd() {
    begin("order-1");
    join(store.append(TYPES, "order-1", RunUpdate.ending(List.of(createOrder(0, "order-1")),
        new RunEnd(RunStatus.DONE, order("x"), List.of(), T0))));
    StoredRun before = load("order-1");
    Throwable late = failure(store.append(TYPES, "order-1", RunUpdate.of(completed(1, 2, "notify", null, null))));
    assertInstanceOf(RunStoreException.class, late);
    assertEquals("Run 'order-1' of workflow 'create-restock-order' has already ended DONE, so nothing more can be "
        + "appended to it", late.getMessage());
    StoredRun after = load("order-1");
    assertEquals(before.checkpoints(), after.checkpoints());
    assertEquals(before.header(), after.header());
  }

  @Test
  void anAppendToARunNeverBegunFails() {
    Throwable unknown = failure(store.append(TYPES, "nobody", RunUpdate.of(createOrder(0, "nobody"))));
    assertInstanceOf(RunStoreException.class, unknown);
    assertEquals("There is no run 'nobody' of workflow 'create-restock-order' in the store: it was never begun, or it "
        + "was purged; begin a run before appending to it", unknown.getMessage());
    assertEquals(Optional.empty(), store.find("nobody"));
  }

  @Test
  void aReusedSequenceNumberFailsThatAppendAndNoOther() {
    begin("order-1");
    begin("order-2");
    append("order-1", createOrder(0, "order-1"));
    CompletableFuture<Void> reused = store.append(TYPES, "order-1",
        RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of()), createOrder(0, "order-1")));
    CompletableFuture<Void> other = store.append(TYPES, "order-2", RunUpdate.of(createOrder(0, "order-2")));
    Throwable e = failure(reused);
    assertInstanceOf(RunStoreException.class, e);
    assertEquals("Run 'order-1' of workflow 'create-restock-order' already has a checkpoint with sequence number 0, so "
        + "STEP_COMPLETED of step 'create-order' was not recorded; give each checkpoint of a run its own number",
        e.getMessage());
    join(other);
    assertEquals(1, load("order-1").checkpoints().size(), "nothing of the failed append was recorded");
    assertEquals(List.of(createOrder(0, "order-2")), load("order-2").checkpoints());
  }

  /** The sequence numbers of run {@code transactionId}'s checkpoints, as loaded. */
  List<Integer> sequences(String transactionId) {
    return load(transactionId).checkpoints().stream().map(Checkpoint::sequence).toList();
  }

  /**
   * One run's begin and appends, made back to back without waiting, are applied in the order made
   * (what the engine relies on for a fresh run, whose first write carries its begin): the two
   * appends before the ending one are recorded, and the one after it finds the run ended. A store
   * that applied them in another order would fail an earlier one or record the late one.
   */
  @Test
  void oneRunsCallsMadeWithoutWaitingAreAppliedInTheOrderMade() {
    CompletableFuture<BeginResult> begun = store.begin(TYPES, newRun("order-1"));
    CompletableFuture<Void> first = store.append(TYPES, "order-1", RunUpdate.of(createOrder(0, "order-1")));
    CompletableFuture<Void> second = store.append(TYPES, "order-1",
        RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of("item-1"))));
    CompletableFuture<Void> ending = store.append(TYPES, "order-1", RunUpdate.ending(
        List.of(completed(2, 2, "notify", null, null)), new RunEnd(RunStatus.DONE, order("x"), List.of(), T0)));
    CompletableFuture<Void> late = store.append(TYPES, "order-1",
        RunUpdate.of(completed(3, 4, "after-the-end", Duration.ZERO, LocalDate.EPOCH)));

    assertTrue(join(begun).isCreated());
    join(first);
    join(second);
    join(ending);
    assertEquals("Run 'order-1' of workflow 'create-restock-order' has already ended DONE, so nothing more can be "
        + "appended to it", failure(late).getMessage());
    assertEquals(RunStatus.DONE, load("order-1").status());
    assertEquals(List.of(0, 1, 2), sequences("order-1"));
  }

  /**
   * Each append of a run succeeds or fails on its own: one made right after an append of the same
   * run that failed (here it reuses a sequence number) is applied as if the failed one had not been
   * made, which leaves the failed one's own number unused.
   */
  @Test
  void anAppendMadeWithoutWaitingAfterAFailedOneOfTheSameRunIsAppliedOnItsOwn() {
    begin("order-1");
    append("order-1", createOrder(0, "order-1"));
    CompletableFuture<Void> failed = store.append(TYPES, "order-1",
        RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of("item-1")), createOrder(0, "order-1")));
    CompletableFuture<Void> next = store.append(TYPES, "order-1", RunUpdate.of(completed(2, 2, "notify", null, null)));

    assertInstanceOf(RunStoreException.class, failure(failed));
    join(next);
    assertEquals(List.of(0, 2), sequences("order-1"));
  }

  @Test
  void unfinishedGivesTheTopLevelRunsNotEndedOldestFirst() {
    join(store.begin(TYPES, NewRun.builder("b-running", FINGERPRINT).created(T0.plusSeconds(2)).build()));
    join(store.begin(TYPES, NewRun.builder("a-compensating", FINGERPRINT).created(T0.plusSeconds(3)).build()));
    join(store.begin(TYPES, NewRun.builder("c-first", FINGERPRINT).created(T0.plusSeconds(1)).build()));
    join(store.begin(TYPES, NewRun.builder("d-done", FINGERPRINT).created(T0).build()));
    join(store.begin(TYPES, NewRun.builder("e-child", FINGERPRINT).parentTransactionId("b-running").created(T0).build()));
    RunTypes other = RunTypes.builder("other", Void.class, Void.class).build();
    join(store.begin(other, NewRun.builder("f-other", FINGERPRINT).created(T0).build()));
    append("a-compensating", Checkpoint.builder(0, CheckpointKind.STEP_FAILED, 0, "create-order")
        .error(new RuntimeException()).build());
    join(store.append(TYPES, "d-done", RunUpdate.ending(List.of(), new RunEnd(RunStatus.DONE, null, List.of(), T0))));

    assertEquals(List.of("c-first", "b-running", "a-compensating"), store.unfinished(WORKFLOW));
    assertEquals(List.of("f-other"), store.unfinished("other"));
    assertEquals(List.of(), store.unfinished("nobody"));
    assertEquals(Optional.of("b-running"), store.find("e-child").get().parentTransactionId());
  }

  @Test
  void listFiltersByWorkflowStatusAndTimeAndPages() {
    RunTypes other = RunTypes.builder("other", Void.class, Void.class).build();
    for (int i = 0; i < 6; i++) {
      join(store.begin(TYPES, NewRun.builder("run-" + i, FINGERPRINT).created(T0.plusSeconds(i)).build()));
    }
    join(store.begin(other, NewRun.builder("other-0", FINGERPRINT).created(T0.plusMillis(500)).build()));
    join(store.append(TYPES, "run-1", RunUpdate.ending(List.of(), new RunEnd(RunStatus.DONE, null, List.of(), T0))));
    join(store.append(TYPES, "run-4", RunUpdate.ending(List.of(), new RunEnd(RunStatus.FAILED, null, List.of(), T0))));

    assertEquals(List.of("run-0", "other-0", "run-1", "run-2", "run-3", "run-4", "run-5"),
        ids(store.list(RunQuery.builder().build())));
    assertEquals(List.of("run-0", "run-1", "run-2", "run-3", "run-4", "run-5"),
        ids(store.list(RunQuery.builder().workflowName(WORKFLOW).build())));
    assertEquals(List.of("run-1", "run-4"),
        ids(store.list(RunQuery.builder().statuses(RunStatus.DONE, RunStatus.FAILED).build())));
    assertEquals(List.of("run-0", "other-0", "run-2", "run-3", "run-5"),
        ids(store.list(RunQuery.builder().statuses(RunStatus.RUNNING).build())));
    assertEquals(List.of("run-2", "run-3"), ids(store.list(RunQuery.builder()
        .createdFrom(T0.plusSeconds(2)).createdBefore(T0.plusSeconds(4)).build())));
    assertEquals(List.of("run-2", "run-3"), ids(store.list(RunQuery.builder().workflowName(WORKFLOW)
        .offset(2).limit(2).build())));
    assertEquals(List.of(), ids(store.list(RunQuery.builder().offset(7).build())));
    RunHeader done = store.list(RunQuery.builder().statuses(RunStatus.DONE).build()).get(0);
    assertEquals(store.find("run-1").get(), done);
    assertEquals(Optional.of(T0), done.ended());
  }

  @Test
  void purgeDeletesTheRunsThatEndedBeforeTheCutoff() {
    for (int i = 0; i < 4; i++) {
      begin("run-" + i);
      append("run-" + i, createOrder(0, "run-" + i));
    }
    join(store.append(TYPES, "run-0", RunUpdate.ending(List.of(), new RunEnd(RunStatus.DONE, null, List.of(), T0))));
    join(store.append(TYPES, "run-1", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.REVERTED, null, List.of(), T0.plusSeconds(10)))));
    join(store.append(TYPES, "run-2", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.DONE, null, List.of(), T0.plusSeconds(30)))));

    assertEquals(2, store.purgeEndedBefore(T0.plusSeconds(30)));
    assertEquals(Optional.empty(), store.find("run-0"));
    assertEquals(Optional.empty(), store.find("run-1"));
    assertEquals(RunStatus.DONE, store.find("run-2").get().status());
    assertEquals(RunStatus.RUNNING, store.find("run-3").get().status());
    assertEquals(0, store.purgeEndedBefore(T0.plusSeconds(30)));
    assertEquals(1, store.purgeEndedBefore(T0.plus(Duration.ofDays(36500))));
    assertEquals(RunStatus.RUNNING, store.find("run-3").get().status(), "a run not ended is never purged");

    begin("run-0");   // a purged id is free again, with none of its old checkpoints
    assertEquals(List.of(), load("run-0").checkpoints());
  }

  @Test
  void concurrentAppendsOfManyRunsAreAllRecordedInOrder() throws Exception {
    int threads = 32;
    int runsPerThread = 2;
    int steps = 12;
    begin("group");
    atOnce(threads + 8, t -> {
      if (t >= threads) {   // the branches of one parallel group, appending to one run at once
        for (int s = t - threads; s < threads; s += 8) {
          append("group", completed(s, 1, "create-items", List.of(), List.of("b" + s)));
        }
        return null;
      }
      for (int r = 0; r < runsPerThread; r++) {
        String tx = "run-" + t + "-" + r;
        begin(tx);
        for (int s = 0; s < steps; s++) {
          append(tx, completed(s, 1, "create-items", List.of(new Item(tx, s, BigDecimal.ONE)), List.of(tx + s)));
        }
        join(store.append(TYPES, tx, RunUpdate.ending(List.of(), new RunEnd(RunStatus.DONE, order(tx), List.of(), T0))));
      }
      return null;
    });
    for (int t = 0; t < threads; t++) {
      for (int r = 0; r < runsPerThread; r++) {
        String tx = "run-" + t + "-" + r;
        StoredRun stored = load(tx);
        assertEquals(RunStatus.DONE, stored.status(), tx);
        assertEquals(order(tx), stored.end().get().result());
        assertEquals(steps, stored.checkpoints().size(), tx);
        for (int s = 0; s < steps; s++) {
          assertEquals(List.of(new Item(tx, s, BigDecimal.ONE)), stored.checkpoints().get(s).output());
        }
      }
    }
    List<Checkpoint> group = load("group").checkpoints();
    assertEquals(threads, group.size());
    for (int s = 0; s < threads; s++) {
      assertEquals(List.of("b" + s), group.get(s).compensationInput());
    }
  }

  @Test
  void aClosedStoreRefusesCalls() {
    begin("order-1");
    store.close();
    assertThrows(IllegalStateException.class, () -> store.begin(TYPES, newRun("order-2")));
    assertThrows(IllegalStateException.class, () -> store.append(TYPES, "order-1", RunUpdate.of(createOrder(0, "x"))));
    assertThrows(IllegalStateException.class, () -> store.load(TYPES, "order-1"));
    assertThrows(IllegalStateException.class, () -> store.unfinished(WORKFLOW));
    store.close();   // twice is fine
  }

  @Test
  void anotherStoreOnTheSameRecordSeesTheRuns() {
    begin("order-1");
    append("order-1", createOrder(0, "order-1"));
    try (RunStore second = open()) {
      assertEquals(load("order-1").checkpoints(), second.load(TYPES, "order-1").orElseThrow().checkpoints());
      assertNotEquals(Optional.empty(), second.find("order-1"));
      assertFalse(join(second.begin(TYPES, newRun("order-1"))).isCreated());
    }
  }

  /** A run that ended DONE after 'create-order' and 'notify'. */
  void done(String transactionId) {
    begin(transactionId);
    join(store.append(TYPES, transactionId, RunUpdate.ending(List.of(createOrder(0, transactionId),
        completed(1, 2, "notify", null, null)), new RunEnd(RunStatus.DONE, order("confirmed"), List.of(), T0))));
  }

  static Checkpoint revertBegun(int sequence) {
    return Checkpoint.builder(sequence, CheckpointKind.REVERT_BEGUN, 2, "notify").started(T0).ended(T0).build();
  }

  @Test
  void aRevertReopensADoneRunAsCompensatingWithoutItsEndThenTakesCompensationsAndANewEnd() {
    done("order-1");

    assertTrue(join(store.beginRevert(TYPES, "order-1", revertBegun(2))));

    StoredRun reverting = load("order-1");
    assertEquals(RunStatus.COMPENSATING, reverting.status());
    assertEquals(Optional.empty(), reverting.end());
    assertEquals(Optional.empty(), reverting.header().ended());
    assertEquals(revertBegun(2), reverting.checkpoints().get(2));
    assertEquals(List.of("order-1"), store.unfinished(WORKFLOW), "a crash now leaves a run that start() resumes");
    Checkpoint undone = Checkpoint.builder(3, CheckpointKind.COMPENSATED, 0, "create-order").attempts(1)
        .started(T0).ended(T0).build();
    RunEnd end = new RunEnd(RunStatus.REVERTED, null, List.of(), T0.plusSeconds(1));
    join(store.append(TYPES, "order-1", RunUpdate.ending(List.of(undone), end)));
    StoredRun reverted = load("order-1");
    assertEquals(RunStatus.REVERTED, reverted.status());
    assertEquals(Optional.of(end), reverted.end());
    assertEquals(4, reverted.checkpoints().size());
  }

  @Test
  void aRevertBeginsOnlyOnARunThatIsDoneAndWritesNothingElse() {
    begin("running");
    assertFalse(join(store.beginRevert(TYPES, "running", revertBegun(0))));
    assertEquals(RunStatus.RUNNING, load("running").status());
    assertEquals(List.of(), load("running").checkpoints());
    done("order-1");
    assertTrue(join(store.beginRevert(TYPES, "order-1", revertBegun(2))));
    StoredRun once = load("order-1");

    assertFalse(join(store.beginRevert(TYPES, "order-1", revertBegun(3))), "it is COMPENSATING now");

    assertEquals(once.checkpoints(), load("order-1").checkpoints());
    assertInstanceOf(RunStoreException.class, failure(store.beginRevert(TYPES, "no-such-run", revertBegun(0))));
    RunTypes checkout = RunTypes.builder("checkout", Order.class, Order.class).build();
    assertInstanceOf(RunStoreException.class, failure(store.beginRevert(checkout, "order-1", revertBegun(3))));
    assertThrows(IllegalArgumentException.class, () -> store.beginRevert(TYPES, "order-1",
        Checkpoint.builder(4, CheckpointKind.COMPENSATED, 0, "create-order").build()));
  }

  @Test
  void ofConcurrentRevertsOfOneRunThroughTwoStoresOnTheRecordExactlyOneBeginsIt() throws Exception {
    try (RunStore second = open()) {
      for (int round = 0; round < 5; round++) {
        String id = "order-" + round;
        done(id);
        List<Boolean> begun = atOnce(4, i -> {
          RunStore mine = i % 2 == 0 ? store : second;
          try {
            return join(mine.beginRevert(TYPES, id, revertBegun(2)));
          } catch (CompletionException e) {
            return false; // a conflict the database reported: it began nothing either
          }
        });
        assertEquals(1, begun.stream().filter(b -> b).count(), begun.toString());
        StoredRun stored = load(id);
        assertEquals(RunStatus.COMPENSATING, stored.status());
        assertEquals(1, stored.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.REVERT_BEGUN).count());
      }
    }
  }

  /** A run that waits after the first attempt of 'notify' failed: create-order completed, then STEP_WAITING. */
  void waiting(String transactionId) {
    begin(transactionId);
    append(transactionId, createOrder(0, transactionId));
    join(store.append(TYPES, transactionId, RunUpdate.of(stepWaiting(1))));
  }

  static Checkpoint stepWaiting(int sequence) {
    return Checkpoint.builder(sequence, CheckpointKind.STEP_WAITING, 2, "notify").attempts(1)
        .error(new IllegalStateException("smtp down")).started(T0).ended(T0).build();
  }

  static Checkpoint retryDecided(int sequence) {
    return Checkpoint.builder(sequence, CheckpointKind.RETRY_DECIDED, 2, "notify").attempts(1).started(T0).ended(T0)
        .build();
  }

  @Test
  void aWaitMakesTheRunWaitingWhichStartDoesNotResumeAndWhichTakesNoAppend() {
    assertTrue(store.recordsWaits());
    waiting("order-1");

    StoredRun waits = load("order-1");
    assertEquals(RunStatus.WAITING, waits.status());
    assertEquals(Optional.empty(), waits.end());
    assertEquals(stepWaiting(1), waits.checkpoints().get(1));
    assertEquals(List.of(), store.unfinished(WORKFLOW), "a waiting run is not resumed on start");
    assertEquals(List.of("order-1"), ids(store.list(RunQuery.builder().statuses(RunStatus.WAITING).build())));
    RunStoreException refused = assertInstanceOf(RunStoreException.class,
        failure(store.append(TYPES, "order-1", RunUpdate.of(completed(2, 2, "notify", null, null)))));
    assertTrue(refused.getMessage().contains("waits for a manual retry"), refused.getMessage());
    assertEquals(waits.checkpoints(), load("order-1").checkpoints(), "nothing of the refused append is recorded");
  }

  @Test
  void endWaitReopensOnlyAWaitingRunAsRunningWithTheDecisionAndThenTakesAppends() {
    begin("running");
    assertFalse(join(store.endWait(TYPES, "running", retryDecided(0))));
    assertEquals(List.of(), load("running").checkpoints());
    waiting("order-1");

    assertTrue(join(store.endWait(TYPES, "order-1", retryDecided(2))));

    StoredRun resumed = load("order-1");
    assertEquals(RunStatus.RUNNING, resumed.status());
    assertEquals(retryDecided(2), resumed.checkpoints().get(2));
    assertTrue(store.unfinished(WORKFLOW).contains("order-1"), "a crash now leaves a run that start() resumes");
    assertFalse(join(store.endWait(TYPES, "order-1", retryDecided(3))), "it runs now");
    assertEquals(3, load("order-1").checkpoints().size());
    join(store.append(TYPES, "order-1", RunUpdate.ending(List.of(completed(3, 2, "notify", null, null)),
        new RunEnd(RunStatus.DONE, order("confirmed"), List.of(), T0))));
    assertEquals(RunStatus.DONE, load("order-1").status());

    Checkpoint failureDecided = Checkpoint.builder(2, CheckpointKind.FAILURE_DECIDED, 2, "notify").attempts(1)
        .error(new IllegalStateException("failed by the application")).started(T0).ended(T0).build();
    waiting("order-2");
    assertTrue(join(store.endWait(TYPES, "order-2", failureDecided)));
    assertEquals(failureDecided, load("order-2").checkpoints().get(2));
    assertInstanceOf(RunStoreException.class, failure(store.endWait(TYPES, "no-such-run", retryDecided(0))));
    RunTypes checkout = RunTypes.builder("checkout", Order.class, Order.class).build();
    waiting("order-3");
    assertInstanceOf(RunStoreException.class, failure(store.endWait(checkout, "order-3", retryDecided(2))));
    assertThrows(IllegalArgumentException.class, () -> store.endWait(TYPES, "order-3", stepWaiting(2)));
    assertEquals(RunStatus.WAITING, load("order-3").status(), "nothing was decided");
  }

  @Test
  void ofConcurrentEndsOfOneWaitThroughTwoStoresOnTheRecordExactlyOneEndsIt() throws Exception {
    try (RunStore second = open()) {
      for (int round = 0; round < 5; round++) {
        String id = "order-" + round;
        waiting(id);
        List<Boolean> ended = atOnce(4, i -> {
          RunStore mine = i % 2 == 0 ? store : second;
          try {
            return join(mine.endWait(TYPES, id, retryDecided(2)));
          } catch (CompletionException e) {
            return false; // a conflict the database reported: it ended nothing either
          }
        });
        assertEquals(1, ended.stream().filter(b -> b).count(), ended.toString());
        StoredRun stored = load(id);
        assertEquals(RunStatus.RUNNING, stored.status());
        assertEquals(1, stored.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.RETRY_DECIDED).count());
      }
    }
  }

  static List<String> ids(List<RunHeader> headers) {
    return headers.stream().map(RunHeader::transactionId).toList();
  }
}
