package io.stepwise.it.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.StepContext;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What steps, conditions and compensations are handed on both paths: their {@link StepContext},
 * and the thread they run on, which is never the one that completed an asynchronous step's stage.
 */
class ContextMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void stepsAndCompensationsSeeTheirStepAttemptAndPhase(Path path) {
    Probe p = new Probe(path).fail("flaky", 1).failAlways("last").fail("undo flaky", 1);
    RetryWorkflows.runner(path).run(p);

    assertContext(p, "flaky#2", "retries", "flaky", 2, false);
    assertContext(p, "last#2", "retries", "last", 2, false);
    assertContext(p, "undo flaky#1", "retries", "flaky", 1, true);
    assertContext(p, "undo flaky#2", "retries", "flaky", 2, true);
    assertContext(p, "undo first#1", "retries", "first", 1, true);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aConditionSeesItsStepOnTheFirstAttempt(Path path) {
    Probe p = new Probe(path);
    ConditionWorkflows.runner(path).run(p);

    assertContext(p, "when express", "conditions", "express", 1, false);
    assertContext(p, "when notify", "conditions", "notify", 1, false);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void nothingRunsOnTheThreadThatCompletedAStage(Path path) {
    Probe retries = new Probe(path).fail("flaky", 1).failAlways("last").fail("undo flaky", 1);
    RetryWorkflows.runner(path).run(retries);
    Probe group = new Probe(path).failAlways("ship");
    GroupWorkflows.runner(path).run(group);
    Probe children = new Probe(path).failAlways("confirm");
    ChildWorkflows.runner(path).run(children);

    for (Probe p : new Probe[] {retries, group, children}) {
      Map<String, String> threads = p.threads();
      assertTrue(threads.size() > 5, threads.toString());
      assertFalse(threads.values().stream().anyMatch(name -> name.startsWith("matrix-completer-")), threads.toString());
    }
  }

  private static void assertContext(Probe p, String call, String workflow, String step, int attempt,
      boolean compensating) {
    StepContext context = p.context(call);
    assertEquals(p.id, context.transactionId(), call);
    assertEquals(p.path.workflow(workflow), context.workflowName(), call);
    assertEquals(step, context.stepName(), call);
    assertEquals(attempt, context.attempt(), call);
    assertEquals(compensating, context.compensating(), call);
    assertSame(context.container(), context.container().resolve(Container.class), call); // the runner's, empty
  }
}
