package io.stepwise.it.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

/**
 * The slf4j MDC on both paths: steps, conditions, hook handlers and compensations see the run's
 * transaction id, workflow and step, over the caller's own MDC (a request id), on whichever thread
 * they run; the caller's thread gets its MDC back, whole, after the run.
 */
class MdcMatrixTest {
  private static final Map<String, String> CALLER = Map.of("request", "r-42");

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  private static Map<String, String> seen(Probe p, String workflow, String step) {
    return Map.of("request", "r-42", "stepwise.transactionId", p.id, "stepwise.workflow", p.path.workflow(workflow),
        "stepwise.step", step);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void stepsAndCompensationsSeeTheRunsKeysOverTheCallersAndRunGivesTheCallerItsMdcBack(Path path) {
    MDC.setContextMap(CALLER);
    Probe p = new Probe(path).fail("flaky", 1).failAlways("last").fail("undo flaky", 1);
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(seen(p, "retries", "first"), p.mdc("first#1"));
    assertEquals(seen(p, "retries", "flaky"), p.mdc("flaky#2"));
    assertEquals(seen(p, "retries", "last"), p.mdc("last#2"));
    assertEquals(seen(p, "retries", "flaky"), p.mdc("undo flaky#1"));
    assertEquals(seen(p, "retries", "flaky"), p.mdc("undo flaky#2"));
    assertEquals(seen(p, "retries", "first"), p.mdc("undo first#1"));
    assertEquals(CALLER, MDC.getCopyOfContextMap());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void runAsyncCarriesTheCallersMdcIntoTheRun(Path path) throws Exception {
    MDC.setContextMap(CALLER);
    Probe p = new Probe(path).failAlways("last");
    WorkflowResult<String> result =
        RetryWorkflows.runner(path).runAsync(p, p.options().build()).get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(seen(p, "retries", "first"), p.mdc("first#1"));
    assertEquals(seen(p, "retries", "last"), p.mdc("last#2"));
    assertEquals(seen(p, "retries", "flaky"), p.mdc("undo flaky#1"));
    assertEquals(CALLER, MDC.getCopyOfContextMap());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void conditionsAndTheStepsOfAParallelGroupSeeTheirStep(Path path) {
    MDC.setContextMap(CALLER);
    Probe conditions = new Probe(path);
    ConditionWorkflows.runner(path).run(conditions);
    Probe group = new Probe(path).failAlways("ship");
    GroupWorkflows.runner(path).run(group);

    assertEquals(seen(conditions, "conditions", "express"), conditions.mdc("when express"));
    assertEquals(seen(group, "groups", "reserve"), group.mdc("reserve#1"));
    assertEquals(seen(group, "groups", "label"), group.mdc("label#1"));
    assertEquals(seen(group, "groups", "label"), group.mdc("undo label#1"));
    assertEquals(CALLER, MDC.getCopyOfContextMap());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aChildsStepsSeeTheChildsKeysAndTheParentsNextStepItsOwnAgain(Path path) {
    MDC.setContextMap(CALLER);
    Probe p = new Probe(path).failAlways("confirm");
    ChildWorkflows.runner(path).run(p);

    Map<String, String> child = Map.of("request", "r-42", "stepwise.transactionId", p.id + "/ship",
        "stepwise.workflow", path.workflow("parcel"), "stepwise.step", "pack");
    assertEquals(child, p.mdc("ship/pack#1"));
    assertEquals(child, p.mdc("undo ship/pack#1"));
    assertEquals(seen(p, "children", "confirm"), p.mdc("confirm#1"));
    assertEquals(seen(p, "children", "order"), p.mdc("undo order#1"));
    assertEquals(CALLER, MDC.getCopyOfContextMap());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aHookHandlerSeesItsHook(Path path) {
    MDC.setContextMap(CALLER);
    Probe p = new Probe(path);
    HookWorkflows.runner(path, (order, ctx) -> Probe.of(ctx).record("hook", ctx), null).run(p);

    assertEquals(seen(p, "hooks", "order-placed"), p.mdc("hook"));
    assertEquals(CALLER, MDC.getCopyOfContextMap());
  }
}
