package io.stepwise.it.durable;

import static io.stepwise.it.durable.RevertWorkflows.effects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reverting a run that ended DONE although some of its steps did not complete ({@link
 * RevertSkipWorkflows}): a skipping failure that handed over partial work, the steps it skipped, a
 * step that skipped itself, a tolerated failure with partial work. Only what was done is undone, in
 * reverse order of completion, the partial work in its place; on both paths, after a restart, on
 * InMemoryRunStore and on H2.
 */
class RevertSkipTest {
  final String trip = "rs-" + UUID.randomUUID();
  final InMemoryRunStore memory = new InMemoryRunStore();
  final List<WorkflowEngine> engines = new ArrayList<>();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    engines.forEach(WorkflowEngine::close);
  }

  RunStore store(boolean h2) {
    if (h2) {
      JdbcDataSource dataSource = new JdbcDataSource();
      dataSource.setURL("jdbc:h2:file:" + dir.resolve("runs").toAbsolutePath());
      dataSource.setUser("sa");
      dataSource.setPassword("");
      return JdbcRunStore.create(dataSource);
    }
    return new ForwardingRunStore(memory) {
      @Override
      public void close() {
        // the record outlives the engine, as a database does
      }
    };
  }

  /** A started engine on the test's record; {@code run} and {@code revert} use the path's runner. */
  final class Process {
    final WorkflowEngine engine;
    final Function<String, CompletableFuture<WorkflowResult<String>>> run;
    final Function<String, CompletableFuture<WorkflowResult<String>>> revert;

    Process(boolean h2, boolean async) {
      engine = WorkflowEngine.builder().store(store(h2)).build();
      engines.add(engine);
      RunOptions options = RunOptions.builder().transactionId(trip).build();
      if (async) {
        RevertSkipWorkflows_GiftAsyncRunner runner = RevertSkipWorkflows_GiftAsyncRunner.create(Container.empty(), engine);
        run = input -> runner.runAsync(input, options);
        revert = runner::revertAsync;
      } else {
        RevertSkipWorkflows_GiftRunner runner = RevertSkipWorkflows_GiftRunner.create(Container.empty(), engine);
        run = input -> CompletableFuture.completedFuture(runner.run(input, options));
        revert = id -> CompletableFuture.completedFuture(runner.revert(id));
      }
      engine.start();
    }
  }

  String workflow(boolean async) {
    return async ? "revert-skip-async" : "revert-skip";
  }

  @ParameterizedTest(name = "h2={0} async={1}")
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void aRevertUndoesTheCompletedStepsAndTheHandedOverPartialWorkOnly(boolean h2, boolean async) {
    Process first = new Process(h2, async);
    WorkflowResult<String> done = first.run.apply(trip).join();
    assertEquals(WorkflowStatus.DONE, done.status());
    assertEquals("confirmed ship-" + trip, done.result());
    assertEquals(List.of("reserve-gift", "note"), done.errors().stream().map(StepError::step).toList());
    assertEquals(List.of("charge", "reserve-gift", "ship", "coupon", "note"), effects(trip));
    first.engine.close();
    RevertWorkflows.EFFECTS.remove(trip);

    Process restarted = new Process(h2, async);
    WorkflowResult<String> reverted = restarted.revert.apply(trip).join();

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertNull(reverted.result());
    assertEquals(List.of("reserve-gift", "note"), reverted.errors().stream().map(StepError::step).toList(),
        "the original run's tolerated failures, not the revert");
    assertEquals(List.of("undo:confirm(confirmed ship-" + trip + ")", "undo:note(note-" + trip + ")",
        "undo:ship(ship-" + trip + ")", "undo:reserve-gift(hold-" + trip + ")",
        "undo:charge(charge-comp-" + trip + ")"), effects(trip),
        "nothing skipped is compensated; partial work is, in its place");
    StoredRun record = restarted.engine.store().load(RunTypes.untyped(workflow(async)), trip).orElseThrow();
    assertEquals(RunStatus.REVERTED, record.status());
    assertEquals(5, record.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.COMPENSATED).count());
  }
  /**
   * A run whose @Parallel group had a member that failed with skipOnPermanentFailure (its sibling
   * completed) and whose child workflow skipped a step of its own: the revert compensates the child
   * as a unit (its completed steps and its failed step's partial work), the group's completed member
   * and the failed member's partial work, never a skipped step.
   */
  @ParameterizedTest(name = "h2={0}")
  @CsvSource({"false", "true"})
  void aRevertUndoesAGroupWithASkippingMemberAndAChildThatSkippedAStep(boolean h2) {
    WorkflowEngine first = WorkflowEngine.builder().store(store(h2)).build();
    engines.add(first);
    RevertSkipWorkflows_GroupRunner firstRunner = RevertSkipWorkflows_GroupRunner.create(Container.empty(), first);
    first.start();
    WorkflowResult<String> done = firstRunner.run(trip, RunOptions.builder().transactionId(trip).build());
    assertEquals(WorkflowStatus.DONE, done.status());
    assertEquals("finished post-print-" + trip + " seat-" + trip, done.result());
    assertEquals(List.of("insure"), done.errors().stream().map(StepError::step).toList());
    first.close();
    RevertWorkflows.EFFECTS.remove(trip);

    WorkflowEngine restarted = WorkflowEngine.builder().store(store(h2)).build();
    engines.add(restarted);
    RevertSkipWorkflows_GroupRunner runner = RevertSkipWorkflows_GroupRunner.create(Container.empty(), restarted);
    restarted.start();
    WorkflowResult<String> reverted = runner.revert(trip);

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    List<String> undone = effects(trip);
    assertEquals(List.of("undo:finish(finished post-print-" + trip + " seat-" + trip + ")",
        "undo:post(post-print-" + trip + ")", "undo:stamp(stamp-hold-" + trip + ")", "undo:print(print-" + trip + ")"),
        undone.subList(0, Math.min(4, undone.size())), undone.toString());
    // the group in the reverse of the order its members ended, as recorded (insure usually last: it is slower)
    List<String> group = new ArrayList<>(restarted.store().load(RunTypes.untyped("revert-skip-group"), trip)
        .orElseThrow().checkpoints().stream()
        .filter(c -> c.position() == 1 || c.position() == 2)
        .filter(c -> c.kind() == CheckpointKind.STEP_COMPLETED || c.kind() == CheckpointKind.STEP_TOLERATED)
        .sorted(java.util.Comparator.comparingInt(io.stepwise.runtime.store.Checkpoint::sequence))
        .map(c -> c.stepName().equals("seat") ? "undo:seat(seat-" + trip + ")" : "undo:insure(policy-hold-" + trip + ")")
        .toList());
    java.util.Collections.reverse(group);
    assertEquals(group, undone.subList(4, Math.min(6, undone.size())), undone.toString());
    assertEquals("undo:book(book-" + trip + ")", undone.get(undone.size() - 1), undone.toString());
    assertEquals(7, undone.size(), undone.toString());
  }
}
