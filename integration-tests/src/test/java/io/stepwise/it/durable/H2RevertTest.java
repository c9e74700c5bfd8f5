package io.stepwise.it.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.TransactionalRunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reverting runs on a {@link JdbcRunStore} over an H2 file database, each "process" a store of its own. */
class H2RevertTest extends RevertContract {
  @TempDir
  Path dir;

  DataSource dataSource() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("runs").toAbsolutePath());
    dataSource.setUser("sa");
    dataSource.setPassword("");
    return dataSource;
  }

  @Override
  RunStore newStore() {
    return JdbcRunStore.create(dataSource());
  }

  /**
   * A run whose last step recorded its own checkpoint with its work returns DONE before its end is
   * written (docs/durable-runs.md); a revert right then waits for the end, and reverts.
   */
  @Test
  void aRunWhoseEndIsStillBeingWrittenIsRevertedOnceItIsWritten() throws Exception {
    CompletableFuture<Void> endWritten = new CompletableFuture<>();
    EndLater store = new EndLater(JdbcRunStore.create(dataSource()), endWritten);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).build();
    try {
      RevertWorkflows_LedgerRunner runner = RevertWorkflows_LedgerRunner.create(Container.of(dataSource()), engine);
      engine.start();
      WorkflowResult<String> done = runner.run(trip, RunOptions.builder().transactionId(trip).build());
      assertEquals(WorkflowStatus.DONE, done.status());
      assertEquals(RunStatus.RUNNING, store.find(trip).orElseThrow().status(), "its end is not written yet");

      CompletableFuture<WorkflowResult<String>> revert = runner.revertAsync(trip);
      Thread.sleep(300);
      assertFalse(revert.isDone(), "the revert waits for the end");
      endWritten.complete(null);

      assertEquals(WorkflowStatus.REVERTED, revert.get(20, TimeUnit.SECONDS).status());
      assertEquals(List.of("reserve", "undo:post(posted-reservation-" + trip + ")",
          "undo:reserve(reservation-" + trip + ")"), RevertWorkflows.effects(trip));
    } finally {
      endWritten.complete(null);
      engine.close();
    }
  }

  /** A transactional store whose writes of a run's end wait for {@code later}. */
  static final class EndLater extends ForwardingRunStore implements TransactionalRunStore {
    private final JdbcRunStore jdbc;
    private final CompletableFuture<Void> later;

    EndLater(JdbcRunStore jdbc, CompletableFuture<Void> later) {
      super(jdbc);
      this.jdbc = jdbc;
      this.later = later;
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      return update.end().isEmpty() ? super.append(types, transactionId, update)
          : later.thenCompose(ignored -> super.append(types, transactionId, update));
    }

    @Override
    public <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
        Function<? super T, RunUpdate> updateOf) {
      return jdbc.appendWithWork(types, transactionId, work, updateOf);
    }

    @Override
    public <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, ConnectionWork<T> work,
        Function<? super T, RunUpdate> updateOf) {
      return jdbc.beginWithWork(types, run, work, updateOf);
    }
  }
}
