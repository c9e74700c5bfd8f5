package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunTypes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a durable run records of the steps whose compensation input is not data, on both paths: a
 * {@code @Hook} (recorded as whether a handler took the call, and the hook's input) and a child
 * workflow, alone or as a member of a {@code @Parallel} group (its result, and a null compensation input:
 * the child replays its own record). A revert replays them from that record: the hook's compensation
 * gets the hook's input, and each child's steps are compensated.
 */
class RecordedShapesTest {
  static final StepSpec ANNOUNCE = StepSpec.of("announce", 0);
  static final StepSpec LABEL = StepSpec.of("label", 0);
  static final StepSpec RELABEL = StepSpec.of("relabel", 0);
  static final StepSpec SHIP = StepSpec.of("ship", 0);
  static final RunTypes TYPES = RunTypes.builder("dispatch", String.class, String.class)
      .step(0, Boolean.class, String.class)
      .step(1, String.class, Void.class)
      .step(2, String.class, Void.class)
      .step(3, String.class, String.class)
      .build();
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "dispatch", ANNOUNCE, LABEL, RELABEL, SHIP)
      .withTypes(TYPES, "fp-d");
  static final StepSpec PRINT = StepSpec.of("print", 0);
  static final WorkflowSpec PRINTING = WorkflowSpec.of(1, "printing", PRINT)
      .withTypes(RunTypes.builder("printing", String.class, String.class).step(0, String.class, String.class).build(),
          "fp-p");

  final InMemoryRunStore memory = new InMemoryRunStore();
  final List<String> events = new CopyOnWriteArrayList<>();
  final HookSlot<String> announce = new HookSlot<>("dispatch", "announce");
  final AtomicReference<RunRegistry> runs = new AtomicReference<>();
  WorkflowEngine engine;

  @BeforeEach
  void registerTheHook() {
    announce.register((input, ctx) -> events.add("announce(" + input + ")"),
        (input, ctx) -> events.add("unannounce(" + input + ")"));
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  /** A started engine on the test's record, with the runner of 'dispatch' on the given path registered. */
  void startEngine(boolean async) {
    engine = WorkflowEngine.builder().store(memory).build();
    runs.set(RunRegistry.of(engine, SPEC, (String input, RunOptions options) -> run(async, input, options)));
    engine.start();
  }

  CompletableFuture<WorkflowResult<String>> run(boolean async, String input, RunOptions options) {
    if (async) {
      return AsyncRun.submit(SPEC, options, Container.empty(), runs.get(), input, run ->
          run.hook(ANNOUNCE, announce, ctx -> input + "-news")
              .thenCompose(x -> run.childStep(LABEL, ctx -> printed(input + "-a", ctx)))
              .thenCompose(label -> {
                AsyncRun.Group group = run.parallel("relabel");
                WorkflowRun.Branch<String, ChildRun<String>> relabel = group.childStep(RELABEL,
                    ctx -> printed(label + "-b", ctx));
                return group.join().thenApply(x -> relabel.output());
              })
              .thenCompose(relabeled -> run.valueStep(SHIP, ctx -> step("ship", relabeled), this::undo)));
    }
    return AsyncRuns.supply(options, runs.get(), () -> {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty(), runs.get(), input);
      try {
        run.hook(ANNOUNCE, announce, ctx -> input + "-news");
        String label = run.childStep(LABEL, ctx -> printed(input + "-a", ctx));
        WorkflowRun.Group group = run.parallel("relabel");
        WorkflowRun.Branch<String, ChildRun<String>> relabel = group.childStep(RELABEL, ctx -> printed(label + "-b", ctx));
        group.join();
        return run.done(run.valueStep(SHIP, ctx -> step("ship", relabel.output()), this::undo));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    });
  }

  /** Child workflow 'printing' of one step, 'print', run by the parent's step {@code parent}. */
  ChildRun<String> printed(String input, StepContext parent) {
    WorkflowRun child = WorkflowRun.startChild(PRINTING, parent, Container.empty(), input);
    try {
      return child.childDone(child.valueStep(PRINT, ctx -> step("print", input), this::undo));
    } catch (WorkflowRun.Halt halt) {
      throw child.childFailed(halt);
    }
  }

  String step(String name, String input) {
    events.add(name + "(" + input + ")");
    return input + ">" + name;
  }

  void undo(String input, StepContext ctx) {
    events.add("undo-" + ctx.stepName() + "(" + input + ")");
  }

  WorkflowResult<String> done(boolean async, String transactionId) {
    WorkflowResult<String> result = run(async, "o", RunOptions.builder().transactionId(transactionId)
        .throwOnError(false).build()).join();
    assertEquals(WorkflowStatus.DONE, result.status(), result.errors().toString());
    return result;
  }

  Checkpoint recorded(String transactionId, String workflow, int position) {
    RunTypes types = workflow.equals("dispatch") ? TYPES : RunTypes.untyped(workflow);
    return memory.load(types, transactionId).orElseThrow().checkpoints().stream()
        .filter(c -> c.position() == position && c.kind() == CheckpointKind.STEP_COMPLETED)
        .findFirst().orElseThrow(() -> new AssertionError("no completed step at " + position));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aHookIsRecordedAsWhetherAHandlerTookItAndTheHooksInput(boolean async) {
    startEngine(async);

    done(async, "t-hook");

    Checkpoint hook = recorded("t-hook", "dispatch", 0);
    assertEquals(Boolean.TRUE, hook.output(), "a handler took the call");
    assertEquals("o-news", hook.compensationInput());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aChildWorkflowsStepIsRecordedWithTheChildsResultAndNoCompensationInput(boolean async) {
    startEngine(async);

    done(async, "t-child");

    Checkpoint label = recorded("t-child", "dispatch", 1);
    assertEquals("o-a>print", label.output());
    assertNull(label.compensationInput(), "the child run is not recorded in its parent: it has its own record");
    Checkpoint relabel = recorded("t-child", "dispatch", 2);
    assertEquals("o-a>print-b>print", relabel.output());
    assertNull(relabel.compensationInput(), "a group member's child is not recorded in its parent either");
    assertEquals("o-a>print", recorded("t-child/label", "printing", 0).compensationInput(),
        "the child's own record has its step's compensation input");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRevertGivesTheHooksCompensationItsRecordedInputAndCompensatesEachChildFromItsOwnRecord(boolean async) {
    startEngine(async);
    done(async, "t-revert");
    events.clear();

    WorkflowResult<String> reverted = runs.get().revert("t-revert");

    assertEquals(WorkflowStatus.REVERTED, reverted.status(), reverted.errors().toString());
    assertEquals(List.of("undo-ship(o-a>print-b>print>ship)", "undo-print(o-a>print-b>print)", "undo-print(o-a>print)",
        "unannounce(o-news)"), events, "no step runs again; each compensation gets what its step recorded");
  }
}
