package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.FakeDataSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every kind of step as a member of a synchronous {@code @Parallel} group (one that answers a
 * {@code StepResponse}, a void one, one that takes a {@code Connection}, a child workflow; each with
 * and without a condition): the group joins their outputs, and a later failure compensates each with
 * its own input. And the message a runner's child gives when the parent's container lacks a service.
 */
class GroupKindsTest {
  static final StepSpec ANSWER = StepSpec.of("answer", 0);
  static final StepSpec ANSWER_WHEN = StepSpec.of("answer-when", 0);
  static final StepSpec NOTE = StepSpec.of("note", 0);
  static final StepSpec NOTE_WHEN = StepSpec.of("note-when", 0);
  static final StepSpec TX = StepSpec.of("tx", 0);
  static final StepSpec TX_WHEN = StepSpec.of("tx-when", 0);
  static final StepSpec CHILD = StepSpec.of("child", 0);
  static final StepSpec CHILD_WHEN = StepSpec.of("child-when", 0);
  static final StepSpec LAST = StepSpec.of("last", 0);
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "kinds", ANSWER, ANSWER_WHEN, NOTE, NOTE_WHEN, TX, TX_WHEN,
      CHILD, CHILD_WHEN, LAST);
  static final StepSpec INNER = StepSpec.of("inner", 0);
  static final WorkflowSpec CHILD_SPEC = WorkflowSpec.of(1, "inner", INNER);

  final FakeDataSource database = new FakeDataSource();
  final List<String> events = new CopyOnWriteArrayList<>();

  ChildRun<String> child(String name, StepContext parent) {
    WorkflowRun run = WorkflowRun.startChild(CHILD_SPEC, parent, Container.empty());
    try {
      return run.childDone(run.<String>valueStep(INNER, ctx -> name + "-inner", (c, ctx) -> events.add("undo-" + c)));
    } catch (WorkflowRun.Halt halt) {
      throw run.childFailed(halt);
    }
  }

  /** The group of every kind, then 'last', which fails if {@code lastFails}; returns the result and the branches. */
  WorkflowResult<String> run(boolean lastFails, List<String> branches) {
    WorkflowRun run = WorkflowRun.start(SPEC, RunOptions.builder().transactionId("t-1").throwOnError(false).build(),
        Container.of(database.dataSource()));
    try {
      WorkflowRun.Group group = run.parallel("all");
      var answer = group.<String, String>step(ANSWER, ctx -> new StepResponse<>("a", "a-in"),
          (c, ctx) -> events.add("undo-answer(" + c + ")"));
      var answerWhen = group.<String, String>step(ANSWER_WHEN, ctx -> true, ctx -> new StepResponse<>("aw", "aw-in"),
          (c, ctx) -> events.add("undo-answer-when(" + c + ")"));
      var note = group.voidStep(NOTE, ctx -> events.add("note"), ctx -> events.add("undo-note"));
      var noteWhen = group.voidStep(NOTE_WHEN, ctx -> false, ctx -> events.add("note-when"),
          ctx -> events.add("undo-note-when"));
      var tx = group.<String, String>transactionalStep(TX, (ctx, connection) -> new StepResponse<>("t", "t-in"),
          (c, ctx) -> events.add("undo-tx(" + c + ")"));
      var txWhen = group.<String, String>transactionalStep(TX_WHEN, ctx -> true,
          (ctx, connection) -> new StepResponse<>("tw", "tw-in"), (c, ctx) -> events.add("undo-tx-when(" + c + ")"));
      var child = group.<String>childStep(CHILD, ctx -> child("c", ctx));
      var childWhen = group.<String>childStep(CHILD_WHEN, ctx -> true, ctx -> child("cw", ctx));
      group.join();
      for (WorkflowRun.Branch<?, ?> branch : List.of(answer, answerWhen, note, noteWhen, tx, txWhen, child, childWhen)) {
        branches.add(branch + "=" + branch.output());
      }
      return run.done(run.<String>valueStep(LAST, ctx -> {
        if (lastFails) {
          throw new IllegalStateException("last failed");
        }
        return "done";
      }, null));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void everyKindOfMemberJoinsWithItsOutput() {
    List<String> branches = new CopyOnWriteArrayList<>();

    WorkflowResult<String> result = run(false, branches);

    assertEquals(WorkflowStatus.DONE, result.status(), result.errors().toString());
    assertEquals(List.of("answer=a", "answer-when=aw", "note=null", "note-when (skipped)=null", "tx=t", "tx-when=tw",
        "child=c-inner", "child-when=cw-inner"), branches);
    assertEquals(List.of("commit", "close", "commit", "close"), database.calls());
  }

  @Test
  void aLaterFailureCompensatesEveryCompletedMemberWithItsOwnInput() {
    WorkflowResult<String> result = run(true, new CopyOnWriteArrayList<>());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("note", "undo-answer(a-in)", "undo-answer-when(aw-in)", "undo-note", "undo-tx(t-in)",
        "undo-tx-when(tw-in)", "undo-c-inner", "undo-cw-inner"), Set.copyOf(events));
    assertEquals(8, events.size(), events.toString());
  }

  static final class Parent {}

  static final class Child {}

  @Test
  void aChildRunnerThatNeedsAServiceTheParentsContainerLacksSaysHowToCreateTheParent() {
    NoServiceException missing = NoServiceException.of(DataSource.class);
    Function<Container, String> create = container -> {
      throw missing;
    };

    NoServiceException e = assertThrows(NoServiceException.class,
        () -> ChildRunners.create(create, Container.empty(), Parent.class, "shipping", Child.class));

    assertEquals("GroupKindsTest.Parent was created without a container (new GroupKindsTest.Parent(workflow), or "
        + "Container.empty()), but its child workflow 'shipping' (GroupKindsTest.Child) needs a service of type "
        + "javax.sql.DataSource, and a child workflow is built from its parent's container: create it with "
        + "GroupKindsTest.Parent.create(container) or new GroupKindsTest.Parent(workflow, container)", e.getMessage());
    assertSame(missing, e.getCause());

    NoServiceException deeper = assertThrows(NoServiceException.class, () -> ChildRunners.create(
        container -> ChildRunners.create(create, container, Child.class, "billing", String.class),
        Container.empty(), Parent.class, "shipping", Child.class));
    assertEquals("GroupKindsTest.Parent was created without a container (new GroupKindsTest.Parent(workflow), or "
        + "Container.empty()), but its child workflow 'shipping' (GroupKindsTest.Child), through its own child "
        + "workflow 'billing' (String), needs a service of type javax.sql.DataSource, and a child workflow is built "
        + "from its parent's container: create it with GroupKindsTest.Parent.create(container) or new "
        + "GroupKindsTest.Parent(workflow, container)", deeper.getMessage());
    assertEquals("abc", ChildRunners.create(container -> "abc", Container.empty(), Parent.class, "shipping", Child.class));
  }
}
