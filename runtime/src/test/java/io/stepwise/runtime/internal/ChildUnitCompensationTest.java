package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.stepwise.runtime.ChildCompensationException;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script.Boom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * A child workflow's completed steps are compensated as a unit when a later step of the parent
 * fails ({@link Compensator#compensateUnit}): the parent's step is compensated when every step of
 * the child is; a child step whose compensation fails for good fails the parent step's compensation
 * with a {@link ChildCompensationException} that names it, and a retry of the parent step's
 * compensation compensates only what is left of the child.
 */
class ChildUnitCompensationTest {
  static final StepSpec PICK = StepSpec.of("pick", 0);
  static final StepSpec PACK = StepSpec.of("pack", 0);
  static final StepSpec SEAL = StepSpec.of("seal", 1);
  static final WorkflowSpec SHIP = WorkflowSpec.of(1, "ship", PICK, PACK, SEAL);

  final List<String> events = new CopyOnWriteArrayList<>();
  final RecordingListener listener = new RecordingListener();
  /** How many times the compensation of a step (by name) fails before it succeeds. */
  final Map<String, Integer> failingUndo = new ConcurrentHashMap<>();
  /** The MDC each compensation saw, as {@code "undo-<step>: request=... workflow=... transaction=..."}. */
  final List<String> undoMdc = new CopyOnWriteArrayList<>();
  /** The steps (by name) that fail. */
  final List<String> failing = new CopyOnWriteArrayList<>();

  String step(String name) {
    events.add(name);
    if (failing.contains(name)) {
      throw new Boom(name + " failed");
    }
    return name + "-out";
  }

  void undo(String name, Object input, StepContext ctx) {
    undoMdc.add("undo-" + name + ": request=" + MDC.get("request") + " workflow=" + MDC.get(Mdc.WORKFLOW)
        + " transaction=" + MDC.get(Mdc.TRANSACTION_ID));
    events.add("undo-" + name + "(" + input + ")@" + ctx.attempt());
    int failures = failingUndo.getOrDefault(name, 0);
    if (failures > 0) {
      failingUndo.put(name, failures - 1);
      throw new Boom("undo-" + name + " failed on attempt " + ctx.attempt());
    }
  }

  ChildRun<String> ship(StepContext parent) {
    WorkflowRun run = WorkflowRun.startChild(SHIP, parent, Container.empty(), "order");
    try {
      String pick = run.<String>valueStep(PICK, ctx -> step("pick"), (c, ctx) -> undo("pick", c, ctx));
      String pack = run.<String>valueStep(PACK, ctx -> step("pack"), (c, ctx) -> undo("pack", c, ctx));
      String seal = run.<String>valueStep(SEAL, ctx -> step("seal"), (c, ctx) -> undo("seal", c, ctx));
      return run.childDone(pick + "+" + pack + "+" + seal);
    } catch (WorkflowRun.Halt halt) {
      throw run.childFailed(halt);
    }
  }

  /** The parent: 'reserve', the child 'ship' in step 'deliver' (retried {@code deliverRetries} times), 'bill'. */
  WorkflowResult<String> run(int deliverRetries) {
    StepSpec reserve = StepSpec.of("reserve", 0);
    StepSpec deliver = StepSpec.of("deliver", deliverRetries);
    StepSpec bill = StepSpec.of("bill", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "order", reserve, deliver, bill);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false)
        .listener(listener).build(), Container.empty(), new RunRegistry(), "order");
    try {
      run.<String>valueStep(reserve, ctx -> step("reserve"), (c, ctx) -> undo("reserve", c, ctx));
      String shipped = run.<String>childStep(deliver, this::ship);
      return run.done(run.<String>valueStep(bill, ctx -> step("bill") + shipped, (c, ctx) -> undo("bill", c, ctx)));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }

  @Test
  void aChildIsCompensatedAsAUnitInReverseOrderBetweenTheParentsSteps() {
    failing.add("bill");

    WorkflowResult<String> result = run(0);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("reserve", "pick", "pack", "seal", "bill",
        "undo-seal(seal-out)@1", "undo-pack(pack-out)@1", "undo-pick(pick-out)@1", "undo-reserve(reserve-out)@1"),
        events);
    assertEquals(List.of("bill/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of("compensate-success:deliver@1", "compensate-success:reserve@1"),
        listener.lines("compensate-success:").stream().filter(l -> !l.contains(":pick@") && !l.contains(":pack@")
            && !l.contains(":seal@")).toList());
  }

  @Test
  void aChildCompensatedAsAUnitKeepsTheCallersMdcWithTheChildsKeys() {
    failing.add("bill");
    MDC.put("request", "r-1");
    try {
      WorkflowResult<String> result = run(0);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("undo-seal: request=r-1 workflow=ship transaction=t-1/deliver"), undoMdc.stream()
          .filter(line -> line.startsWith("undo-seal:")).toList());
      assertEquals("r-1", MDC.get("request"), "the caller's MDC is left as it was");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void aChildStepsCompensationThatFailsForGoodFailsTheParentStepsCompensationAndNamesIt() {
    failing.add("bill");
    failingUndo.put("pack", Integer.MAX_VALUE);

    WorkflowResult<String> result = run(0);

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("reserve", "pick", "pack", "seal", "bill",
        "undo-seal(seal-out)@1", "undo-pack(pack-out)@1", "undo-pick(pick-out)@1", "undo-reserve(reserve-out)@1"),
        events, "the child's other steps and the parent's earlier steps are still compensated");
    assertEquals(List.of("bill/INVOKE/1", "deliver/COMPENSATE/1"), describe(result.errors()));
    ChildCompensationException failure = assertInstanceOf(ChildCompensationException.class,
        result.errors().get(1).cause());
    assertEquals("compensation of child workflow 'ship' (transaction t-1/deliver) failed for step(s) 'pack'",
        failure.getMessage());
    assertEquals(List.of("undo-pack failed on attempt 1"),
        Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).toList());
    assertEquals(List.of("compensate-failure:deliver@1:ChildCompensationException"),
        listener.lines("compensate-failure:deliver"));
  }

  @Test
  void aRetryOfTheParentStepsCompensationCompensatesOnlyWhatIsLeftOfTheChild() {
    failing.add("bill");
    failingUndo.put("pack", 1);
    failingUndo.put("seal", 2); // seal: maxRetries = 1, so it fails for good in the first unit, then succeeds

    WorkflowResult<String> result = run(1);

    assertEquals(WorkflowStatus.REVERTED, result.status(), () -> "errors: " + result.errors());
    assertEquals(List.of("reserve", "pick", "pack", "seal", "bill",
        "undo-seal(seal-out)@1", "undo-seal(seal-out)@2", "undo-pack(pack-out)@1", "undo-pick(pick-out)@1",
        "undo-seal(seal-out)@1", "undo-pack(pack-out)@1",
        "undo-reserve(reserve-out)@1"), events);
    assertEquals(List.of("bill/INVOKE/1"), describe(result.errors()),
        "the child's failures of the first unit do not stay in the parent's result once the retry mends them");
    assertEquals(List.of("compensate-success:deliver@2"), listener.lines("compensate-success:deliver"));
  }

  @Test
  void aChildWhoseOwnCompensationFailedEndsFailedAndSoDoesItsParent() {
    failing.add("seal");
    failingUndo.put("pick", Integer.MAX_VALUE);

    WorkflowResult<String> result = run(0);

    assertEquals(WorkflowStatus.FAILED, result.status(),
        "the child's work is not all undone, so the parent cannot end REVERTED");
    assertEquals(List.of("reserve", "pick", "pack", "seal", "seal",
        "undo-pack(pack-out)@1", "undo-pick(pick-out)@1", "undo-reserve(reserve-out)@1"), events);
    assertEquals(List.of("deliver/INVOKE/1"), describe(result.errors()));
    WorkflowFailedException child = assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause());
    assertEquals(WorkflowStatus.FAILED, child.result().status());
    assertEquals(StepPhase.COMPENSATE, child.result().errors().get(1).phase());
  }
}
