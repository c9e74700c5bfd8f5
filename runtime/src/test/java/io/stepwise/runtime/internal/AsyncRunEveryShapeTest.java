package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.FakeDataSource;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Trail;
import io.stepwise.runtime.fixtures.TrailChildren;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Every entry point of {@link AsyncRun} that a generated runner calls, in one run: each shape of step
 * (a response, a value, {@code void}, a child workflow, a {@code Connection}, a hook; plain or as a
 * stage; with and without a condition) and each shape of a {@code @Parallel} group's asynchronous
 * step. Each hands on its output (empty when its condition is false), and each is compensated, in
 * reverse order, when the last step fails.
 */
class AsyncRunEveryShapeTest extends AsyncRunTestSupport {
  static final List<String> NAMES = List.of("plain", "value", "void", "void-when", "child", "child-when", "tx",
      "tx-when", "hook", "hook-when", "void-async", "void-async-when", "child-async-when", "g-step", "g-value",
      "g-void", "g-void-when", "g-child", "g-child-when", "last");
  /** The steps whose condition may answer false. */
  static final Set<String> CONDITIONAL = Set.of("plain", "value", "void-when", "child-when", "tx-when", "hook-when",
      "void-async-when", "child-async-when", "g-step", "g-value", "g-void-when", "g-child-when");
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "every-shape",
      NAMES.stream().map(name -> StepSpec.of(name, 0)).toArray(StepSpec[]::new));

  final Trail trail = new Trail();
  final TrailChildren children = new TrailChildren(trail);
  final FakeDataSource database = new FakeDataSource();
  final Container container = Container.of(database.dataSource());
  final HookSlot<String> hook = new HookSlot<>("every-shape", "hook");
  final HookSlot<String> hookWhen = new HookSlot<>("every-shape", "hook-when");
  /** Each step's output as {@code name=output}, in the order the steps handed them on. */
  final List<String> outputs = new ArrayList<>();

  AsyncRunEveryShapeTest() {
    hook.register((input, ctx) -> trail.add("hook:" + input), (input, ctx) -> trail.add("unhook:" + input));
    hookWhen.register((input, ctx) -> trail.add("hook:" + input), (input, ctx) -> trail.add("unhook:" + input));
  }

  StepSpec spec(String name) {
    return SPEC.steps().get(NAMES.indexOf(name));
  }

  Condition when(String name) {
    return ctx -> trail.when(name);
  }

  <T> T keep(String name, T output) {
    outputs.add(name + "=" + output);
    return output;
  }

  StepResponse<String, String> response(String name) {
    String out = trail.step(name);
    return new StepResponse<>(out, name + "-comp");
  }

  CompletableFuture<Void> nothing(String name) {
    trail.step(name);
    return CompletableFuture.completedFuture(null);
  }

  CompletionStage<String> steps(AsyncRun run, String order) {
    return run.<String, String>step(spec("plain"), when("plain"), ctx -> response("plain"),
            (c, ctx) -> trail.undo("plain", c)).thenApply(o -> keep("plain", o))
        .thenCompose(x -> run.<String>valueStep(spec("value"), when("value"), ctx -> trail.step("value"),
            (c, ctx) -> trail.undo("value", c))).thenApply(o -> keep("value", o))
        .thenCompose(x -> run.voidStep(spec("void"), ctx -> trail.step("void"), ctx -> trail.undo("void", null)))
        .thenApply(o -> keep("void", o))
        .thenCompose(x -> run.voidStep(spec("void-when"), when("void-when"), ctx -> trail.step("void-when"),
            ctx -> trail.undo("void-when", null))).thenApply(o -> keep("void-when", o))
        .thenCompose(x -> run.<String>childStep(spec("child"), ctx -> children.ship(order, ctx)))
        .thenApply(o -> keep("child", o))
        .thenCompose(x -> run.<String>childStep(spec("child-when"), when("child-when"), ctx -> children.audit(ctx)))
        .thenApply(o -> keep("child-when", o))
        .thenCompose(x -> run.<String, String>transactionalStep(spec("tx"),
            (ctx, connection) -> response("tx"), (c, ctx) -> trail.undo("tx", c))).thenApply(o -> keep("tx", o))
        .thenCompose(x -> run.<String, String>transactionalStep(spec("tx-when"), when("tx-when"),
            (ctx, connection) -> response("tx-when"), (c, ctx) -> trail.undo("tx-when", c)))
        .thenApply(o -> keep("tx-when", o))
        .thenCompose(x -> run.hook(spec("hook"), hook, ctx -> order + "-hook")).thenApply(o -> keep("hook", o))
        .thenCompose(x -> run.hook(spec("hook-when"), when("hook-when"), hookWhen, ctx -> order + "-hook-when"))
        .thenApply(o -> keep("hook-when", o))
        .thenCompose(x -> run.voidStepAsync(spec("void-async"), ctx -> nothing("void-async"),
            ctx -> trail.undo("void-async", null))).thenApply(o -> keep("void-async", o))
        .thenCompose(x -> run.voidStepAsync(spec("void-async-when"), when("void-async-when"),
            ctx -> nothing("void-async-when"), ctx -> trail.undo("void-async-when", null)))
        .thenApply(o -> keep("void-async-when", o))
        .thenCompose(x -> run.<String>childStepAsync(spec("child-async-when"), when("child-async-when"),
            ctx -> children.label(order, ctx))).thenApply(o -> keep("child-async-when", o))
        .thenCompose(x -> group(run, order))
        .thenCompose(x -> run.<String>valueStep(spec("last"), ctx -> trail.step("last"), (c, ctx) -> trail.undo("last", c)))
        .thenApply(o -> keep("last", o));
  }

  CompletionStage<Void> group(AsyncRun run, String order) {
    AsyncRun.Group group = run.parallel("pack");
    WorkflowRun.Branch<String, String> step = group.<String, String>stepAsync(spec("g-step"), when("g-step"),
        ctx -> CompletableFuture.completedFuture(response("g-step")), (c, ctx) -> trail.undo("g-step", c));
    WorkflowRun.Branch<String, String> value = group.<String>valueStepAsync(spec("g-value"), when("g-value"),
        ctx -> CompletableFuture.completedFuture(trail.step("g-value")), (c, ctx) -> trail.undo("g-value", c));
    WorkflowRun.Branch<Void, Void> nothing = group.voidStepAsync(spec("g-void"), ctx -> nothing("g-void"),
        ctx -> trail.undo("g-void", null));
    WorkflowRun.Branch<Void, Void> nothingWhen = group.voidStepAsync(spec("g-void-when"), when("g-void-when"),
        ctx -> nothing("g-void-when"), ctx -> trail.undo("g-void-when", null));
    WorkflowRun.Branch<String, ChildRun<String>> child = group.<String>childStepAsync(spec("g-child"),
        ctx -> children.label(order + "-g", ctx));
    WorkflowRun.Branch<String, ChildRun<String>> childWhen = group.<String>childStepAsync(spec("g-child-when"),
        when("g-child-when"), ctx -> children.label(order + "-gw", ctx));
    return group.join().thenRun(() -> {
      keep("g-step", step.optionalOutput());
      keep("g-value", value.optionalOutput());
      keep("g-void", nothing.output());
      keep("g-void-when", nothingWhen.output());
      keep("g-child", child.optionalOutput());
      keep("g-child-when", childWhen.optionalOutput());
    });
  }

  WorkflowResult<String> run(String order, String tx) throws Exception {
    return get(AsyncRun.submit(SPEC, options(tx), container, new RunRegistry(), order, run -> steps(run, order)));
  }

  @Test
  void everyShapeOfStepRunsInOrderAndHandsItsOutputOn() throws Exception {
    WorkflowResult<String> result = run("o1", "tx-every");

    assertEquals(WorkflowStatus.DONE, result.status(), () -> "errors: " + result.errors());
    assertEquals("last-out", result.result());
    assertEquals(List.of(
        "plain=Optional[plain-out]", "value=Optional[value-out]", "void=null", "void-when=null",
        "child=o1:pick-out+pack-out", "child-when=Optional[audit-out]", "tx=tx-out", "tx-when=Optional[tx-when-out]",
        "hook=null", "hook-when=null", "void-async=null", "void-async-when=null",
        "child-async-when=Optional[o1:label-out]", "g-step=Optional[g-step-out]", "g-value=Optional[g-value-out]",
        "g-void=null", "g-void-when=null", "g-child=Optional[o1-g:label-out]", "g-child-when=Optional[o1-gw:label-out]",
        "last=last-out"), outputs);
    assertEquals(List.of("plain", "value", "void", "void-when", "pick", "pack", "audit", "tx", "tx-when",
        "hook:o1-hook", "hook:o1-hook-when", "void-async", "void-async-when", "label"),
        trail.events().subList(0, 14), "the steps before the group, in order");
    assertEquals(List.of("commit", "close", "commit", "close"), database.calls(),
        "each step that takes a Connection commits its work in a transaction of its own");
    assertEquals(List.of("step-success:last@1=last-out"), listener.lines("step-success:last"));
  }

  @Test
  void aStepWhoseConditionIsFalseHandsOnNothingWhateverItsShape() throws Exception {
    trail.skipped.addAll(CONDITIONAL);

    WorkflowResult<String> result = run("o2", "tx-skip");

    assertEquals(WorkflowStatus.DONE, result.status(), () -> "errors: " + result.errors());
    assertEquals(List.of("plain=Optional.empty", "value=Optional.empty", "void-when=null", "child-when=Optional.empty",
        "tx-when=Optional.empty", "hook-when=null", "void-async-when=null", "child-async-when=Optional.empty",
        "g-step=Optional.empty", "g-value=Optional.empty", "g-void-when=null", "g-child-when=Optional.empty"),
        outputs.stream().filter(o -> CONDITIONAL.contains(o.substring(0, o.indexOf('=')))).toList());
    assertEquals("last-out", result.result());
    List<String> ran = trail.events();
    assertEquals(List.of("void", "pick", "pack", "tx", "hook:o2-hook", "void-async"), ran.subList(0, 6),
        "no step whose condition is false ran, nor the child workflow or hook it would have run");
    assertEquals(Set.of("g-void", "label"), Set.copyOf(ran.subList(6, 8)));
    assertEquals(List.of("last"), ran.subList(8, ran.size()));
    assertEquals(List.of("commit", "close"), database.calls());
    assertEquals(CONDITIONAL.stream().sorted().map(name -> "step-skipped:" + name + "@1").toList(),
        listener.lines("step-skipped:").stream().sorted().toList());
  }

  @Test
  void whenTheLastStepFailsEveryShapeIsCompensatedInReverseOrder() throws Exception {
    trail.failing.add("last");

    WorkflowResult<String> result = run("o3", "tx-undo");

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("last"), result.errors().stream().map(e -> e.step()).toList());
    assertInstanceOf(Boom.class, result.errors().get(0).cause());
    List<String> undone = trail.events().subList(trail.events().indexOf("last") + 1, trail.events().size());
    assertEquals(Set.of("undo-g-step(g-step-comp)", "undo-g-value(g-value-out)", "undo-g-void(null)",
        "undo-g-void-when(null)", "undo-label(label-out)"),
        Set.copyOf(undone.subList(0, 6)), "the group's steps first, in the reverse of the order they completed");
    assertEquals(2, undone.subList(0, 6).stream().filter(e -> e.equals("undo-label(label-out)")).count(),
        "both children of the group compensated as a unit");
    assertEquals(List.of("undo-label(label-out)", "undo-void-async-when(null)", "undo-void-async(null)",
        "unhook:o3-hook-when", "unhook:o3-hook", "undo-tx-when(tx-when-comp)", "undo-tx(tx-comp)",
        "undo-audit(audit-out)", "undo-pack(o3)", "undo-pick(pick-out)", "undo-void-when(null)", "undo-void(null)",
        "undo-value(value-out)", "undo-plain(plain-comp)"), undone.subList(6, undone.size()));
  }
}
