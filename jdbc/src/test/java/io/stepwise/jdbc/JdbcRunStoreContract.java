package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.Types;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The store contract, and what JdbcRunStore adds to it: JSON, units of work, tables, group commit. */
abstract class JdbcRunStoreContract extends RunStoreContract {
  /** This test's tables: a prefix of its own on the class's database. */
  protected final String prefix = TestDatabases.uniquePrefix();

  protected abstract DataSource dataSource();

  /** One writer (the default): the contract's tests of group commit count one writer's batches. */
  @Override
  protected JdbcRunStore open() {
    return JdbcRunStore.builder(dataSource()).tablePrefix(prefix).writers(1).build();
  }

  @Test
  void withSeveralWritersEachRunsWritesKeepTheirOrderAndEveryRunIsRecorded() throws Exception {
    try (JdbcRunStore four = JdbcRunStore.builder(dataSource()).tablePrefix(prefix).writers(4).build()) {
      int runs = 40;
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        String tx = "multi-" + i;
        // asked for back to back, without waiting: the store applies one run's calls in order
        writes.add(four.begin(TYPES, newRun(tx)));
        writes.add(four.append(TYPES, tx, RunUpdate.of(createOrder(0, tx))));
        writes.add(four.append(TYPES, tx, RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of(tx)))));
      }
      writes.forEach(RunStoreContract::join);
      for (int i = 0; i < runs; i++) {
        String tx = "multi-" + i;
        assertEquals(List.of(createOrder(0, tx), completed(1, 1, "create-items", List.of(), List.of(tx))),
            four.load(TYPES, tx).orElseThrow().checkpoints());
      }
      assertTrue(four.commits() >= 1);
    }
  }

  JdbcRunStore jdbc() {
    return (JdbcRunStore) store;
  }

  /** A value Jackson cannot write: no properties. */
  static final class Opaque {
    @Override
    public String toString() {
      return "opaque";
    }
  }

  /** A value Jackson writes (its getter) but cannot read back (no creator, no setter). */
  static final class WriteOnly {
    private final String name;

    WriteOnly(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }
  }

  static RunTypes typesWithStep(Type output) {
    return RunTypes.builder(WORKFLOW, Order.class, Order.class).step(0, output, Void.class).build();
  }

  @Test
  void aValueJacksonCannotWriteFailsNamingTheStepAndTheType() {
    RunTypes types = typesWithStep(Types.parameterized(List.class, Opaque.class));
    assertTrue(join(store.begin(types, newRun("order-1"))).isCreated());
    CompletableFuture<Void> bad = store.append(types, "order-1", RunUpdate.of(Checkpoint.builder(0,
        CheckpointKind.STEP_COMPLETED, 0, "create-order").output(List.of(new Opaque())).build()));
    Throwable e = failure(bad);
    assertInstanceOf(RunStoreException.class, e);
    assertEquals("Cannot record the output of step 'create-order' (position 0) of run 'order-1' of workflow "
        + "'create-restock-order': Jackson cannot write it as java.util.List<io.stepwise.jdbc.JdbcRunStoreContract$Opaque>: "
        + "No serializer found for class io.stepwise.jdbc.JdbcRunStoreContract$Opaque and no properties discovered to "
        + "create BeanSerializer (to avoid exception, disable SerializationFeature.FAIL_ON_EMPTY_BEANS) (at [0]). "
        + "Make java.util.List<io.stepwise.jdbc.JdbcRunStoreContract$Opaque> a type Jackson can write and read back "
        + "(a record, or a class with a constructor and getters Jackson sees), or give "
        + "JdbcRunStore.builder(...).objectMapper(...) a mapper configured for it", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(List.of(), store.load(types, "order-1").get().checkpoints(), "nothing was recorded");
  }

  @Test
  void aValueJacksonCannotReadBackFailsWhenFirstRecorded() {
    RunTypes types = typesWithStep(WriteOnly.class);
    assertTrue(join(store.begin(types, newRun("order-1"))).isCreated());
    Throwable e = failure(store.append(types, "order-1", RunUpdate.of(Checkpoint.builder(0,
        CheckpointKind.STEP_COMPLETED, 0, "create-order").output(new WriteOnly("w")).build())));
    assertInstanceOf(RunStoreException.class, e);
    assertTrue(e.getMessage().startsWith("Cannot record the output of step 'create-order' (position 0) of run "
        + "'order-1' of workflow 'create-restock-order': Jackson writes it as "
        + "io.stepwise.jdbc.JdbcRunStoreContract$WriteOnly but cannot read that back: Cannot construct instance of "
        + "`io.stepwise.jdbc.JdbcRunStoreContract$WriteOnly`"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));

    Throwable input = failure(store.begin(RunTypes.builder(WORKFLOW, Opaque.class, Void.class).build(),
        NewRun.builder("order-2", FINGERPRINT).input(new Opaque()).build()));
    assertTrue(input.getMessage().startsWith("Cannot record the input of run 'order-2' of workflow "
        + "'create-restock-order': Jackson cannot write it as io.stepwise.jdbc.JdbcRunStoreContract$Opaque: "),
        input.getMessage());
    assertEquals(Optional.empty(), store.find("order-2"));
  }

  @Test
  void aValueThatNoLongerFitsItsTypeFailsToLoadNamingTheStep() {
    begin("order-1");
    append("order-1", completed(0, 1, "create-items", List.of(new Item("a", 1, BigDecimal.ONE)), List.of("i")));
    RunTypes changed = RunTypes.builder(WORKFLOW, Order.class, Order.class)
        .step(1, Types.parameterized(List.class, Integer.class), Types.parameterized(List.class, String.class))
        .build();
    RunStoreException e = assertThrows(RunStoreException.class, () -> store.load(changed, "order-1"));
    assertTrue(e.getMessage().startsWith("Cannot load the output of step 'create-items' (position 1) of run 'order-1' "
        + "of workflow 'create-restock-order': Jackson cannot read its JSON back as java.util.List<java.lang.Integer>: "
        + "Cannot deserialize value of type `java.lang.Integer` from Object value"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(at [0]). The type changed since the value was recorded, or the ObjectMapper "
        + "differs; read the run with RunTypes.untyped to see the JSON"), e.getMessage());
  }

  @Test
  void anUntypedLoadGivesTheValuesAsJson() {
    begin("order-1");
    append("order-1", completed(0, 1, "create-items", List.of(new Item("a", 1, new BigDecimal("2.5"))), List.of("i")));
    StoredRun run = store.load(RunTypes.untyped(WORKFLOW), "order-1").orElseThrow();
    assertEquals(List.of(Map.of("sku", "a", "quantity", 1, "unitCost", 2.5)), run.checkpoints().get(0).output());
    assertEquals("order-1", ((Map<?, ?>) run.input()).get("id"));
    assertEquals("2026-12-01T10:00:00.123456Z", ((Map<?, ?>) run.input()).get("placedAt"), "java.time as ISO-8601");
  }

  // ---- units of work in the checkpoint's transaction

  private void createOrdersTable() throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "orders (id VARCHAR(64) NOT NULL PRIMARY KEY)");
    }
  }

  private List<String> orders() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + prefix + "orders ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private String insertOrder(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "orders (id) VALUES (?)")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
    return id;
  }

  @Test
  void aUnitOfWorkCommitsWithItsCheckpoint() throws Exception {
    createOrdersTable();
    begin("order-1");
    String id = join(jdbc().appendWithWork(TYPES, "order-1", c -> insertOrder(c, "o-1"),
        inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted))));
    assertEquals("o-1", id);
    assertEquals(List.of("o-1"), orders());
    assertEquals(List.of(completed(0, 0, "create-order", order("o-1"), "o-1")), load("order-1").checkpoints());

    // and the run's end folds into the same transaction
    join(jdbc().appendWithWork(TYPES, "order-1", c -> insertOrder(c, "o-2"),
        inserted -> RunUpdate.ending(List.of(completed(1, 0, "create-order", order(inserted), inserted)),
            new RunEnd(RunStatus.DONE, order(inserted), List.of(), T0))));
    assertEquals(List.of("o-1", "o-2"), orders());
    assertEquals(RunStatus.DONE, load("order-1").status());
  }

  @Test
  void aFailedUnitOfWorkRollsBackWithItsCheckpointAndFailsNothingElse() throws Exception {
    createOrdersTable();
    begin("order-1");
    begin("order-2");
    IllegalStateException boom = new IllegalStateException("supplier said no");
    CompletableFuture<String> thrown = jdbc().appendWithWork(TYPES, "order-1", c -> {
      insertOrder(c, "half-done");
      throw boom;
    }, inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted)));
    CompletableFuture<String> sqlFailure = jdbc().appendWithWork(TYPES, "order-1", c -> {
      insertOrder(c, "dup");
      return insertOrder(c, "dup");   // a unique violation inside the work
    }, inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted)));
    AssertionError bug = new AssertionError("a bug in the step");
    CompletableFuture<String> error = jdbc().appendWithWork(TYPES, "order-1", c -> {
      insertOrder(c, "by-a-bug");
      throw bug;
    }, inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted)));
    CompletableFuture<Void> other = store.append(TYPES, "order-2", RunUpdate.of(createOrder(0, "order-2")));
    CompletableFuture<String> fine = jdbc().appendWithWork(TYPES, "order-2", c -> insertOrder(c, "o-2"),
        inserted -> RunUpdate.of(completed(1, 0, "create-order", order(inserted), inserted)));

    assertSame(boom, failure(thrown), "the work's own exception");
    assertInstanceOf(SQLException.class, failure(sqlFailure));
    assertSame(bug, failure(error), "an Error of the work fails its own write only");
    join(other);
    assertEquals("o-2", join(fine));
    assertEquals(List.of("o-2"), orders());
    assertEquals(List.of(), load("order-1").checkpoints());
    assertEquals(2, load("order-2").checkpoints().size());

    // the work succeeds but its checkpoint cannot be recorded: the work is rolled back too
    append("order-1", createOrder(0, "order-1"));
    Throwable refused = failure(jdbc().appendWithWork(TYPES, "order-1", c -> insertOrder(c, "orphan"),
        inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted))));
    assertInstanceOf(RunStoreException.class, refused);
    assertTrue(refused.getMessage().contains("already has a checkpoint with sequence number 0"), refused.getMessage());
    assertEquals(List.of("o-2"), orders());
  }

  @Test
  void aBeginWithWorkFindingItsRunRecordedCallsNoWorkAndWritesNothing() throws Exception {
    createOrdersTable();
    begin("order-1");
    AtomicInteger calls = new AtomicInteger();
    ConnectionWork<String> work = c -> {
      calls.incrementAndGet();
      return insertOrder(c, "o-" + calls.get());
    };

    Throwable recorded = failure(jdbc().beginWithWork(TYPES, newRun("order-1"), work,
        inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted))));
    // beside other writes, which may share its batch: they are written, it is not
    CompletableFuture<Void> other = store.begin(TYPES, newRun("order-2")).thenAccept(begun -> { });
    CompletableFuture<String> again = jdbc().beginWithWork(TYPES, newRun("order-1"), work,
        inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted)));
    CompletableFuture<String> fresh = jdbc().beginWithWork(TYPES, newRun("order-3"), c -> insertOrder(c, "o-3"),
        inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted)));

    assertInstanceOf(RunStoreException.class, recorded);
    assertTrue(recorded.getMessage().contains("a run with that transaction id is recorded already"),
        recorded.getMessage());
    assertInstanceOf(RunStoreException.class, failure(again));
    join(other);
    assertEquals("o-3", join(fresh));
    assertEquals(0, calls.get(), "the work of a run recorded already is not called");
    assertEquals(List.of("o-3"), orders());
    assertEquals(List.of(), load("order-1").checkpoints());
    assertEquals(1, load("order-3").checkpoints().size());
  }

  @Test
  void aRevertMadeRightAfterTheEndOfItsRunIsAppliedAfterItInOneBatch() throws Exception {
    createOrdersTable();
    begin("order-1");
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // a unit of work of the run holds its writer, so that the two writes below wait in one batch
    CompletableFuture<String> held = jdbc().appendWithWork(TYPES, "order-1", c -> {
      writing.countDown();
      assertTrue(release.await(10, TimeUnit.SECONDS));
      return insertOrder(c, "o-1");
    }, inserted -> RunUpdate.of(createOrder(0, "order-1")));
    assertTrue(writing.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> ended = store.append(TYPES, "order-1", RunUpdate.ending(
        List.of(completed(1, 2, "notify", null, null)), new RunEnd(RunStatus.DONE, order("o-1"), List.of(), T0)));
    CompletableFuture<Boolean> revert = store.beginRevert(TYPES, "order-1", revertBegun(2));
    release.countDown();

    assertEquals("o-1", join(held));
    join(ended);
    assertTrue(join(revert), "the run was DONE when the revert, made after its end, was applied");
    assertEquals(RunStatus.COMPENSATING, load("order-1").status());
    assertEquals(3, load("order-1").checkpoints().size());
  }

  @Test
  void aUnitOfWorkCannotEndTheStoresTransaction() throws Exception {
    createOrdersTable();
    begin("order-1");
    Throwable e = failure(jdbc().appendWithWork(TYPES, "order-1", c -> {
      insertOrder(c, "o-1");
      c.commit();
      return "o-1";
    }, inserted -> RunUpdate.of(completed(0, 0, "create-order", order(inserted), inserted))));
    assertInstanceOf(IllegalStateException.class, e);
    assertEquals("A unit of work given to JdbcRunStore.appendWithWork called Connection.commit, but the connection's "
        + "transaction belongs to the store, which commits the work together with its checkpoint; throw an exception "
        + "to roll the work back instead", e.getMessage());
    assertEquals(List.of(), orders());
    assertEquals(List.of(), load("order-1").checkpoints());
  }

  // ---- group commit, tables, leases, retention

  @Test
  void checkpointsOfConcurrentRunsShareCommits() throws Exception {
    int threads = 32;
    int appends = 20;
    for (int t = 0; t < threads; t++) {
      begin("run-" + t);
    }
    long commitsBefore = jdbc().commits();
    atOnce(threads, t -> {
      for (int s = 0; s < appends; s++) {
        append("run-" + t, completed(s, 0, "create-order", order("run-" + t), "run-" + t));
      }
      return null;
    });
    long commits = jdbc().commits() - commitsBefore;
    int total = threads * appends;
    assertTrue(commits <= total / 2, commits + " commits for " + total + " appends from " + threads + " threads");
    for (int t = 0; t < threads; t++) {
      assertEquals(appends, load("run-" + t).checkpoints().size());
    }
  }

  /** The writer held in a unit of work: {@link #release} lets it commit and waits for that. */
  private record HeldWriter(CompletableFuture<String> write, CountDownLatch released) {
    void release() {
      released.countDown();
      assertEquals("held", join(write));
    }
  }

  /**
   * Holds the store's writer in a unit of work of run {@code tx} (a checkpoint with sequence number
   * {@code sequence}), so that the writes asked for until {@link HeldWriter#release} queue up and
   * make one batch.
   */
  private HeldWriter holdWriter(String tx, int sequence) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    CompletableFuture<String> write = jdbc().appendWithWork(TYPES, tx, c -> {
      holding.countDown();
      released.await();
      return "held";
    }, held -> RunUpdate.of(completed(sequence, 2, "notify", null, null)));
    assertTrue(holding.await(30, TimeUnit.SECONDS));
    return new HeldWriter(write, released);
  }

  @Test
  void aBadWriteFailsAloneAndTheOthersOfItsBatchShareOneCommit() throws Exception {
    int runs = 8;
    for (int i = 0; i < runs; i++) {
      begin("run-" + i);
      append("run-" + i, createOrder(0, "run-" + i));
    }
    long commitsBefore = jdbc().commits();
    HeldWriter held = holdWriter("run-0", 1);   // the writes below queue up and make one batch
    List<CompletableFuture<Void>> good = new ArrayList<>();
    List<CompletableFuture<?>> bad = new ArrayList<>();
    for (int i = 1; i < runs; i++) {
      String tx = "run-" + i;
      good.add(store.append(TYPES, tx, RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of(tx)))));
      if (i % 3 == 0) {
        bad.add(store.append(TYPES, tx, RunUpdate.of(createOrder(0, tx))));   // number 0 is taken
      }
    }
    bad.add(store.append(TYPES, "never-begun", RunUpdate.of(createOrder(0, "never-begun"))));
    bad.add(store.begin(RunTypes.builder("other", Order.class, Order.class).build(), newRun("run-1")));
    held.release();
    good.forEach(RunStoreContract::join);
    for (CompletableFuture<?> f : bad) {
      assertInstanceOf(RunStoreException.class, failure(f));
    }
    assertEquals(2, jdbc().commits() - commitsBefore, "the unit of work's batch, then all the others in one");
    for (int i = 1; i < runs; i++) {
      assertEquals(List.of(createOrder(0, "run-" + i), completed(1, 1, "create-items", List.of(), List.of("run-" + i))),
          load("run-" + i).checkpoints());
    }
  }

  @Test
  void runsWrittenOneWriteAtATimeNeverFallBackToRewriting() throws SQLException {
    createOrdersTable();
    long rewritesBefore = jdbc().rewrites();
    long commitsBefore = jdbc().commits();
    for (int i = 0; i < 5; i++) {
      String tx = "run-" + i;
      begin(tx);
      append(tx, createOrder(0, tx));
      assertEquals("o-" + tx, join(jdbc().appendWithWork(TYPES, tx, c -> insertOrder(c, "o-" + tx),
          inserted -> RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of(inserted))))));
      join(store.append(TYPES, tx, RunUpdate.ending(List.of(completed(2, 2, "notify", null, null)),
          new RunEnd(RunStatus.DONE, order(tx), List.of(), T0))));
    }
    // On PostgreSQL each of these writes goes in one round trip with its commit (BatchWrite.inOneTrip):
    // a statement of it that failed every time would still record the runs, through the rewrite
    assertEquals(0, jdbc().rewrites() - rewritesBefore);
    assertEquals(20, jdbc().commits() - commitsBefore);
    for (int i = 0; i < 5; i++) {
      StoredRun stored = load("run-" + i);
      assertEquals(RunStatus.DONE, stored.status());
      assertEquals(3, stored.checkpoints().size());
      assertEquals(Optional.of(new RunEnd(RunStatus.DONE, order("run-" + i), List.of(), T0)), stored.end());
      assertEquals(completed(1, 1, "create-items", List.of(), List.of("o-run-" + i)), stored.checkpoints().get(1));
    }
    assertEquals(List.of("o-run-0", "o-run-1", "o-run-2", "o-run-3", "o-run-4"), orders());
  }

  @Test
  void aSmallBatchWithAnAppendToAnEndedRunCommitsTheOthersAndWritesNothingOfIt() throws Exception {
    begin("run-0");
    begin("run-1");
    done("ended");
    StoredRun ended = load("ended");
    long rewritesBefore = jdbc().rewrites();
    HeldWriter held = holdWriter("run-0", 0);   // the five writes below make one batch
    CompletableFuture<Void> good = store.append(TYPES, "run-1", RunUpdate.of(createOrder(0, "run-1")));
    CompletableFuture<Void> late = store.append(TYPES, "ended", RunUpdate.of(completed(2, 2, "notify", null, null)));
    CompletableFuture<Void> endAlone = store.append(TYPES, "ended", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.FAILED, null, List.of(), T0)));
    CompletableFuture<Void> neverBegun = store.append(TYPES, "nobody", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.DONE, order("x"), List.of(), T0)));
    CompletableFuture<BeginResult> fresh = store.begin(TYPES, newRun("run-2"));
    held.release();

    join(good);
    assertTrue(join(fresh).isCreated());
    String endedMessage = "Run 'ended' of workflow 'create-restock-order' has already ended DONE, so nothing more can "
        + "be appended to it";
    assertEquals(endedMessage, failure(late).getMessage());
    assertEquals(endedMessage, failure(endAlone).getMessage());
    assertEquals("There is no run 'nobody' of workflow 'create-restock-order' in the store: it was never begun, or it "
        + "was purged; begin a run before appending to it", failure(neverBegun).getMessage());
    assertEquals(1, jdbc().rewrites() - rewritesBefore, "the batch of five, written again one by one");
    assertEquals(List.of(createOrder(0, "run-1")), load("run-1").checkpoints());
    assertEquals(RunStatus.RUNNING, load("run-2").status());
    assertEquals(ended.checkpoints(), load("ended").checkpoints());
    assertEquals(ended.header(), load("ended").header());
    assertEquals(ended.end(), load("ended").end());
    assertEquals(Optional.empty(), store.find("nobody"));
  }

  @Test
  void anEndAloneToAnEndedRunBesideAUnitOfWorkFailsAloneAndTheWriterGoesOn() throws Exception {
    createOrdersTable();
    begin("run-0");
    begin("run-1");
    done("ended");
    StoredRun ended = load("ended");
    HeldWriter held = holdWriter("run-0", 0);   // the two writes below make one batch
    CompletableFuture<String> work = jdbc().appendWithWork(TYPES, "run-1", c -> insertOrder(c, "o-run-1"),
        inserted -> RunUpdate.of(completed(0, 1, "create-items", List.of(), List.of(inserted))));
    CompletableFuture<Void> endAlone = store.append(TYPES, "ended", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.FAILED, null, List.of(), T0)));
    held.release();

    assertEquals("o-run-1", join(work));
    assertEquals("Run 'ended' of workflow 'create-restock-order' has already ended DONE, so nothing more can be "
        + "appended to it", failure(endAlone).getMessage());
    append("run-1", completed(1, 2, "notify", null, null));   // the writer's connection is fine after the read
    assertEquals(List.of(completed(0, 1, "create-items", List.of(), List.of("o-run-1")),
        completed(1, 2, "notify", null, null)), load("run-1").checkpoints());
    assertEquals(List.of("o-run-1"), orders());
    assertEquals(ended.header(), load("ended").header());
    assertEquals(ended.end(), load("ended").end());
  }

  @Test
  void anEndAloneToAnEndedRunFailsAndChangesNothing() {
    done("ended");
    StoredRun before = load("ended");
    Throwable late = failure(store.append(TYPES, "ended", RunUpdate.ending(List.of(),
        new RunEnd(RunStatus.FAILED, null, List.of(), T0.plusSeconds(9)))));
    assertEquals("Run 'ended' of workflow 'create-restock-order' has already ended DONE, so nothing more can be "
        + "appended to it", late.getMessage());
    assertEquals(before.header(), load("ended").header());
    assertEquals(before.end(), load("ended").end());
  }

  @Test
  void aLargeBatchOfAppendsAndUnitsOfWorkCommitsAsOne() throws Exception {
    createOrdersTable();
    int runs = 151;   // 150 appends queued: INSERTs of 128, 16, 4 and 2 rows, plus the units of work's
    for (int i = 0; i < runs; i++) {
      begin("run-" + i);
    }
    long commitsBefore = jdbc().commits();
    long rewritesBefore = jdbc().rewrites();
    HeldWriter held = holdWriter("run-0", 0);
    List<CompletableFuture<?>> good = new ArrayList<>();
    List<String> withWork = new ArrayList<>();
    CompletableFuture<String> failed = null;
    for (int i = 1; i < runs; i++) {
      String tx = "run-" + i;
      good.add(store.append(TYPES, tx, RunUpdate.of(createOrder(0, tx))));
      if (i % 10 == 0) {
        withWork.add(tx);
        good.add(jdbc().appendWithWork(TYPES, tx, c -> insertOrder(c, "o-" + tx),
            inserted -> RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of(inserted)))));
      } else if (i == 5) {
        failed = jdbc().appendWithWork(TYPES, tx, c -> {
          insertOrder(c, "half-done");
          throw new IllegalStateException("supplier said no");
        }, inserted -> RunUpdate.of(completed(1, 1, "create-items", List.of(), List.of(inserted))));
      }
    }
    held.release();

    good.forEach(RunStoreContract::join);
    assertEquals("supplier said no", failure(failed).getMessage());
    assertEquals(2, jdbc().commits() - commitsBefore, "the holder's batch, then all the others in one");
    assertEquals(1, jdbc().rewrites() - rewritesBefore, "the unit of work that failed took the batch with it, "
        + "which went again one by one");
    for (int i = 1; i < runs; i++) {
      String tx = "run-" + i;
      List<Checkpoint> expected = withWork.contains(tx)
          ? List.of(createOrder(0, tx), completed(1, 1, "create-items", List.of(), List.of("o-" + tx)))
          : List.of(createOrder(0, tx));
      assertEquals(expected, load(tx).checkpoints(), tx);
    }
    List<String> orders = new ArrayList<>();
    for (String tx : withWork) {
      orders.add("o-" + tx);
    }
    orders.sort(null);
    assertEquals(orders, orders(), "the units of work that succeeded, and not the one that failed");
  }

  @Test
  void closeCompletesTheWritesAlreadyAskedFor() {
    begin("order-1");
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int s = 0; s < 200; s++) {
      pending.add(store.append(TYPES, "order-1", RunUpdate.of(completed(s, 1, "create-items", List.of(), List.of()))));
    }
    store.close();
    for (CompletableFuture<Void> f : pending) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally());
    }
    try (JdbcRunStore reopened = open()) {
      assertEquals(200, reopened.load(TYPES, "order-1").get().checkpoints().size());
    }
  }

  @Test
  void theStoreCreatesItsTablesAtSchemaVersionOne() throws Exception {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM " + prefix + "schema_version")) {
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
      assertFalse(rs.next());
    }
    open().close();   // opening again changes nothing
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + "schema_version")) {
      rs.next();
      assertEquals(1, rs.getInt(1));
    }
  }

  @Test
  void concurrentFirstStartsOnEmptyTablesAllSucceed() throws Exception {
    String fresh = TestDatabases.uniquePrefix();
    List<JdbcRunStore> opened = atOnce(4, i -> JdbcRunStore.builder(dataSource()).tablePrefix(fresh).build());
    try {
      assertTrue(join(opened.get(0).begin(TYPES, newRun("order-1"))).isCreated());
      assertFalse(join(opened.get(3).begin(TYPES, newRun("order-1"))).isCreated());
    } finally {
      opened.forEach(JdbcRunStore::close);
    }
  }

  @Test
  void tablesOfANewerSchemaVersionAreRefused() throws Exception {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + prefix + "schema_version (version, applied_at) VALUES (2, CURRENT_TIMESTAMP)");
    }
    RunStoreException e = assertThrows(RunStoreException.class, this::open);
    assertEquals("The tables " + prefix + "runs and " + prefix + "checkpoints are at schema version 2, newer than this "
        + "stepwise-jdbc knows (1); use the stepwise-jdbc that upgraded them, or another table prefix", e.getMessage());
  }

  @Test
  void aBadTablePrefixIsRefusedWhereItIsGiven() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JdbcRunStore.builder(dataSource()).tablePrefix("Stepwise-"));
    assertEquals("table prefix 'Stepwise-' must be a lower-case letter followed by at most 29 lower-case letters, "
        + "digits and underscores, such as 'stepwise_'", e.getMessage());
  }

  @Test
  void eachWriteRenewsTheLeaseAndTheEndReleasesIt() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
    begin("order-1");
    Object[] lease = lease("order-1");
    assertNotNull(lease[0], "owner");
    Instant until = (Instant) lease[1];
    assertTrue(!until.isBefore(before.plusSeconds(30)) && until.isBefore(Instant.now().plusSeconds(31)), until.toString());
    append("order-1", createOrder(0, "order-1"));
    assertFalse(((Instant) lease("order-1")[1]).isBefore(until));
    join(store.append(TYPES, "order-1", RunUpdate.ending(List.of(), new RunEnd(RunStatus.DONE, null, List.of(), T0))));
    Object[] released = lease("order-1");
    assertNull(released[0]);
    assertNull(released[1]);
  }

  private Object[] lease(String transactionId) throws SQLException {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT lease_owner, lease_until FROM " + prefix
            + "runs WHERE transaction_id = ?")) {
      ps.setString(1, transactionId);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        OffsetDateTime until = rs.getObject(2, OffsetDateTime.class);
        return new Object[] {rs.getString(1), until == null ? null : until.toInstant()};
      }
    }
  }

  @Test
  void retentionPurgesEndedRunsByItself() throws Exception {
    begin("old");
    begin("running");
    join(store.append(TYPES, "old", RunUpdate.ending(List.of(createOrder(0, "old")),
        new RunEnd(RunStatus.DONE, null, List.of(), Instant.now().minus(Duration.ofDays(2))))));
    try (JdbcRunStore kept = JdbcRunStore.builder(dataSource()).tablePrefix(prefix).retention(Duration.ofDays(1))
        .build()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (kept.find("old").isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(Optional.empty(), kept.find("old"));
      assertEquals(RunStatus.RUNNING, kept.find("running").get().status());
    }
  }
}
