package io.stepwise.it.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.StoredRun;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose last step recorded its checkpoint with its work returns DONE before its end is written
 * (docs/durable-runs.md); the engine's timeline of it, read in the same process, has that end all
 * the same: the one the caller was answered.
 */
class H2TimelineTest {
  @TempDir
  Path dir;

  @Test
  void theTimelineOfARunThatReturnedDoneSaysDoneWhileItsEndIsStillBeingWritten() throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("runs").toAbsolutePath());
    dataSource.setUser("sa");
    dataSource.setPassword("");
    CompletableFuture<Void> endWritten = new CompletableFuture<>();
    H2RevertTest.EndLater store = new H2RevertTest.EndLater(JdbcRunStore.create(dataSource), endWritten);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).build();
    String trip = "trip-" + UUID.randomUUID();
    try {
      RevertWorkflows_LedgerRunner runner = RevertWorkflows_LedgerRunner.create(Container.of(dataSource), engine);
      engine.start();
      WorkflowResult<String> done = runner.run(trip, RunOptions.builder().transactionId(trip).build());
      assertEquals(WorkflowStatus.DONE, done.status());
      assertEquals(RunStatus.RUNNING, store.find(trip).orElseThrow().status(), "its end is not written yet");

      CompletableFuture<Optional<StoredRun>> timeline = CompletableFuture.supplyAsync(() -> engine.timeline(trip));
      Thread.sleep(300);
      assertFalse(timeline.isDone(), "the timeline waits for the end being written");
      endWritten.complete(null);

      StoredRun run = timeline.get(20, TimeUnit.SECONDS).orElseThrow();
      assertEquals(RunStatus.DONE, run.status());
      assertEquals("posted-reservation-" + trip, run.end().orElseThrow().result());
    } finally {
      endWritten.complete(null);
      engine.close();
    }
  }
}
