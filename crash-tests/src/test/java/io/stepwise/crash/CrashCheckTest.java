package io.stepwise.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashCheck} finds what it is meant to find. Ten runs of the crash test's workflows (two of
 * them reverted), in this JVM and without kills, pass the check; then each test breaks one promise
 * in the effect log as a faulty engine or store would have, and the check must name it.
 */
class CrashCheckTest {
  @TempDir
  Path dir;
  private JdbcRunStore store;
  private List<Effect> effects;

  @BeforeEach
  void runTenWorkflows() throws Exception {
    JdbcDataSource memory = new JdbcDataSource();
    memory.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Path file = dir.resolve("effects.log");
    try (EffectLog log = EffectLog.open(file, 1);
        WorkflowEngine engine = WorkflowEngine.builder().store(JdbcRunStore.create(memory)).build()) {
      Container container = Container.of(new Effects(log));
      OrderWorkflowRunner sync = OrderWorkflowRunner.create(container, engine);
      AsyncOrderWorkflowRunner async = AsyncOrderWorkflowRunner.create(container, engine);
      engine.start();
      for (int n = 0; n < 10; n++) {
        CrashChild.runOne(log, sync, async, "t-" + n, n, new CrashOrder(n));
      }
    }
    store = JdbcRunStore.create(memory);
    effects = new ArrayList<>(EffectLog.read(file));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void runsWithoutKillsPass() {
    assertEquals(List.of(), check());
  }

  @Test
  void aRecordedStepInvokedAgainIsFound() {
    add(Effect.Kind.INVOKE, "t-1", "reserve", 1, "9.1", null);
    assertFound("t-1: step 'reserve' was invoked again after its checkpoint was recorded");
  }

  @Test
  void aRecordedCompensationRunAgainIsFound() {
    String input = recorded("t-0", "reserve").compensationInput().toString();
    add(Effect.Kind.COMPENSATE, "t-0", "reserve", 1, "9.c1", input);
    assertFound("t-0: the compensation of step 'reserve' ran again after it was recorded");
  }

  @Test
  void aStepOfAReversedRunLeftUncompensatedIsFound() {
    effects.removeIf(e -> e.kind() == Effect.Kind.COMPENSATED && e.transactionId().equals("t-5")
        && e.step().equals("label"));
    assertFound("reverted run t-5: step 'label' was not compensated with label-");
  }

  @Test
  void aRunThatDidThingsButIsNotRecordedIsFound() {
    add(Effect.Kind.START, "t-lost", OrderWorkflowRunner.WORKFLOW_NAME, 0, null, "1");
    add(Effect.Kind.INVOKE, "t-lost", "reserve", 1, "9.2", null);
    assertFound("run t-lost is not in the store, but it did things");
  }

  @Test
  void aStepThatBeganBeforeWhatItWaitsForWasRecordedIsFound() {
    Checkpoint charge = recorded("t-2", "charge");
    add(Effect.Kind.INVOKE, "t-2", "ship", 1, "9.3", null, Effect.micros(charge.ended()) - 1);
    assertFound("began before the outcome of step 'charge' that it waits for was recorded");
  }

  @Test
  void aCallerToldOtherwiseThanTheRecordIsFound() {
    effects.replaceAll(e -> e.kind() == Effect.Kind.END && e.transactionId().equals("t-1")
        ? new Effect(e.position(), e.micros(), e.generation(), e.kind(), e.transactionId(), e.step(), 0, null, "REVERTED")
        : e);
    assertFound("the caller of run t-1 got REVERTED, the store says DONE");
  }

  @Test
  void anInvocationWhoseOutcomeWasNotRecordedLastIsFound() {
    Checkpoint price = recorded("t-3", "price");
    // a later invocation whose time says it came before the checkpoint: the record is not of the last invocation
    add(Effect.Kind.INVOKE, "t-3", "price", 1, "9.4", null, Effect.micros(price.ended()) - 1);
    assertFound("t-3 recorded the outcome of invocation " + price.output() + " of step 'price', but the last invocation");
  }

  private List<String> check() {
    return new CrashCheck(effects, store).run();
  }

  private void assertFound(String fragment) {
    List<String> violations = check();
    assertTrue(violations.stream().anyMatch(v -> v.contains(fragment)), "no violation says '" + fragment + "': "
        + violations);
  }

  private Checkpoint recorded(String tx, String step) {
    StoredRun run = store.load(RunTypes.untyped(store.find(tx).orElseThrow().workflowName()), tx).orElseThrow();
    Predicate<Checkpoint> outcome = c -> c.stepName().equals(step) && c.kind() != CheckpointKind.COMPENSATED
        && c.kind() != CheckpointKind.ATTEMPT_FAILED;
    return run.checkpoints().stream().filter(outcome).findFirst().orElseThrow();
  }

  private void add(Effect.Kind kind, String tx, String step, int attempt, String token, String data) {
    add(kind, tx, step, attempt, token, data, Effect.micros(Instant.now()));
  }

  private void add(Effect.Kind kind, String tx, String step, int attempt, String token, String data, long micros) {
    effects.add(new Effect(effects.size(), micros, 2, kind, tx, step, attempt, token, data));
  }
}
