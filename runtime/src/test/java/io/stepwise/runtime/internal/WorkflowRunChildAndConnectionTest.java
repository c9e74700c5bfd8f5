package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.FakeDataSource;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Trail;
import io.stepwise.runtime.fixtures.TrailChildren;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The entry points of a synchronous {@link WorkflowRun} that no other runtime test reaches: a child
 * workflow run synchronously inside a step ({@code startChild}, {@code childDone}, {@code
 * childFailed}; with and without input, with and without a condition), steps that take a {@code
 * Connection}, and what a group's branch says of itself.
 */
class WorkflowRunChildAndConnectionTest {
  static final StepSpec CHILD = StepSpec.of("child", 0);
  static final StepSpec CHILD_WHEN = StepSpec.of("child-when", 0);
  static final StepSpec TX = StepSpec.of("tx", 0);
  static final StepSpec TX_WHEN = StepSpec.of("tx-when", 0);
  static final StepSpec PACK_A = StepSpec.of("pack-a", 0);
  static final StepSpec PACK_B = StepSpec.of("pack-b", 0);
  static final StepSpec LAST = StepSpec.of("last", 0);
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "order", CHILD, CHILD_WHEN, TX, TX_WHEN, PACK_A, PACK_B, LAST);

  final Trail trail = new Trail();
  final TrailChildren children = new TrailChildren(trail);
  final FakeDataSource database = new FakeDataSource();
  final Container container = Container.of(database.dataSource());
  /** Each step's output as {@code name=output}, then each branch as it describes itself. */
  final List<String> outputs = new ArrayList<>();
  final RecordingListener listener = new RecordingListener();

  WorkflowResult<String> run(String order, String tx) {
    WorkflowRun run = WorkflowRun.start(SPEC, RunOptions.builder().transactionId(tx).throwOnError(false).listener(listener).build(),
        container, new RunRegistry(), order);
    try {
      String child = run.<String>childStep(CHILD, ctx -> children.ship(order, ctx));
      outputs.add("child=" + child);
      Optional<String> audit = run.<String>childStep(CHILD_WHEN, ctx -> trail.when("child-when"),
          ctx -> children.audit(ctx));
      outputs.add("child-when=" + audit);
      String charged = run.<String, String>transactionalStep(TX,
          (ctx, connection) -> new StepResponse<>(trail.step("tx"), "tx-comp"), (c, ctx) -> trail.undo("tx", c));
      outputs.add("tx=" + charged);
      Optional<String> chargedWhen = run.<String, String>transactionalStep(TX_WHEN, ctx -> trail.when("tx-when"),
          (ctx, connection) -> new StepResponse<>(trail.step("tx-when"), "tx-when-comp"),
          (c, ctx) -> trail.undo("tx-when", c));
      outputs.add("tx-when=" + chargedWhen);
      WorkflowRun.Group group = run.parallel("pack");
      WorkflowRun.Branch<String, String> a = group.<String>valueStep(PACK_A, ctx -> trail.when("pack-a"),
          ctx -> trail.step("pack-a"), (c, ctx) -> trail.undo("pack-a", c));
      WorkflowRun.Branch<String, String> b = group.<String>valueStep(PACK_B, ctx -> trail.when("pack-b"),
          ctx -> trail.step("pack-b"), (c, ctx) -> trail.undo("pack-b", c));
      group.join();
      outputs.add(a + ", " + b);
      return run.done(run.<String>valueStep(LAST, ctx -> trail.step("last"), (c, ctx) -> trail.undo("last", c)));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void aSynchronousChildsResultIsItsStepsOutputAndStepsThatTakeAConnectionCommitTheirWork() {
    WorkflowResult<String> result = run("o1", "tx-1");

    assertEquals(WorkflowStatus.DONE, result.status(), () -> "errors: " + result.errors());
    assertEquals("last-out", result.result());
    assertEquals(List.of("child=o1:pick-out+pack-out", "child-when=Optional[audit-out]", "tx=tx-out",
        "tx-when=Optional[tx-when-out]", "pack-a, pack-b"), outputs);
    assertEquals(List.of("pick", "pack", "audit", "tx", "tx-when"), trail.events().subList(0, 5));
    assertEquals(List.of("commit", "close", "commit", "close"), database.calls());
    assertEquals(List.of("begin:order/tx-1", "begin:ship/tx-1/child", "begin:audit/tx-1/child-when"),
        listener.lines("begin:"), "each child begins, with the parent's listeners");
  }

  @Test
  void aStepWhoseConditionIsFalseRunsNoChildAndTakesNoConnectionAndItsBranchSaysItWasSkipped() {
    trail.skipped.addAll(List.of("child-when", "tx-when", "pack-b"));

    WorkflowResult<String> result = run("o2", "tx-2");

    assertEquals(WorkflowStatus.DONE, result.status(), () -> "errors: " + result.errors());
    assertEquals(List.of("child=o2:pick-out+pack-out", "child-when=Optional.empty", "tx=tx-out",
        "tx-when=Optional.empty", "pack-a, pack-b (skipped)"), outputs);
    assertEquals(List.of("pick", "pack", "tx", "pack-a", "last"), trail.events());
    assertEquals(List.of("commit", "close"), database.calls());
  }

  @Test
  void whenALaterStepFailsTheChildIsCompensatedAsAUnitInReverseOrder() {
    trail.failing.add("last");
    trail.skipped.add("pack-b");

    WorkflowResult<String> result = run("o3", "tx-3");

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("pick", "pack", "audit", "tx", "tx-when", "pack-a", "last",
        "undo-pack-a(pack-a-out)", "undo-tx-when(tx-when-comp)", "undo-tx(tx-comp)",
        "undo-audit(audit-out)", "undo-pack(o3)", "undo-pick(pick-out)"), trail.events());
  }

  @Test
  void aChildThatFailsCompensatesItselfAndFailsItsParentsStepWithItsResult() {
    trail.failing.add("pack");

    WorkflowResult<String> result = run("o4", "tx-4");

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("pick", "pack", "undo-pick(pick-out)"), trail.events(),
        "the child compensated its own completed step; the parent had nothing else to compensate");
    assertEquals(List.of("child"), result.errors().stream().map(e -> e.step()).toList());
    WorkflowFailedException failed = assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause());
    assertEquals("Workflow 'ship' (transaction tx-4/child) ended REVERTED: step 'pack' failed: "
        + "io.stepwise.runtime.fixtures.Script$Boom: pack failed", failed.getMessage());
    assertEquals(WorkflowStatus.REVERTED, failed.result().status());
    assertEquals("tx-4/child", failed.result().transactionId());
  }
}
