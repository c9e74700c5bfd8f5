package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A workflow whose result type is {@code Optional} has {@code Optional.empty()} as the result of a
 * run that did not end DONE, never null: in the returned result, in the exception's, and in a
 * failed child's; on both execution paths.
 */
class OptionalResultTest {
  private static Script script() {
    return new Script("tx-" + UUID.randomUUID());
  }

  @Test
  void conditionalLastStepSynchronous() {
    GiftWorkflows_WrapRunner runner = new GiftWorkflows_WrapRunner(new GiftWorkflows.Wrap());
    Script done = script();
    Script failsFirst = script().failAlways("order");
    Script failsLast = script().failAlways("wrap");

    assertEquals(Optional.of("wrapped order-" + done.id), runner.run(done, done.options()).result());
    assertReverted(runner.run(failsFirst, failsFirst.options()));
    assertReverted(runner.run(failsLast, failsLast.options()));
    assertEquals(List.of("order", "wrap", "undo:order order-" + failsLast.id), failsLast.journal());
  }

  @Test
  void conditionalLastStepAsynchronous() {
    GiftWorkflows_WrapAsyncRunner runner = new GiftWorkflows_WrapAsyncRunner(new GiftWorkflows.WrapAsync());
    Script done = script();
    Script failsFirst = script().failAlways("order-async");
    Script failsLast = script().failAlways("wrap-async");

    assertEquals(Optional.of("wrapped order-" + done.id), runner.run(done, done.options()).result());
    assertReverted(runner.run(failsFirst, failsFirst.options()));
    assertReverted(runner.runAsync(failsLast, failsLast.options()).join());
  }

  @Test
  void toleratedLastStepOnBothPaths() {
    GiftWorkflows_AwardRunner sync = new GiftWorkflows_AwardRunner(new GiftWorkflows.Award());
    GiftWorkflows_AwardAsyncRunner async = new GiftWorkflows_AwardAsyncRunner(new GiftWorkflows.AwardAsync());
    Script tolerated = script().failAlways("points");

    assertEquals(Optional.empty(), sync.run(tolerated, tolerated.options()).result(), "DONE without the points");
    assertEquals(Optional.empty(), async.run(tolerated, tolerated.options()).result(), "DONE without the points");
    Script failed = script().failAlways("order");
    assertReverted(sync.run(failed, failed.options()));
    assertReverted(async.run(failed, failed.options()));
  }

  @Test
  void theExceptionCarriesTheSameEmptyResult() {
    Script sync = script().failAlways("wrap");
    Script async = script().failAlways("wrap-async");

    WorkflowFailedException syncFailure = assertThrows(WorkflowFailedException.class,
        () -> new GiftWorkflows_WrapRunner(new GiftWorkflows.Wrap()).run(sync));
    WorkflowFailedException asyncFailure = assertThrows(WorkflowFailedException.class,
        () -> new GiftWorkflows_WrapAsyncRunner(new GiftWorkflows.WrapAsync()).run(async, RunOptions.defaults()));

    assertEquals(Optional.empty(), syncFailure.result().result());
    assertEquals(Optional.empty(), asyncFailure.result().result());
  }

  @Test
  void aFailedChildsResultIsEmptyOnBothPaths() {
    GiftWorkflows_BoxRunner runner = new GiftWorkflows_BoxRunner(new GiftWorkflows.Box());
    Script syncChildFails = script().failAlways("wrap");
    Script asyncChildFails = script().failAlways("wrap-async");

    WorkflowResult<?> first = runner.run(syncChildFails, syncChildFails.options());
    WorkflowResult<?> second = runner.run(asyncChildFails, asyncChildFails.options());

    assertEquals("wrap", first.errors().get(0).step());
    assertEquals(Optional.empty(), childResult(first));
    assertEquals("wrap-async", second.errors().get(0).step());
    assertEquals(Optional.empty(), childResult(second));
    assertEquals(Optional.empty(), second.result(), "the parent's result is the async child's: Optional too");
  }

  private static Object childResult(WorkflowResult<?> parent) {
    assertEquals(WorkflowStatus.REVERTED, parent.status());
    return assertInstanceOf(WorkflowFailedException.class, parent.errors().get(0).cause()).result().result();
  }

  private static void assertReverted(WorkflowResult<?> result) {
    assertEquals(WorkflowStatus.REVERTED, result.status(), result::toString);
    assertEquals(Optional.empty(), result.result(), "a run that did not end DONE has an empty Optional, not null");
  }
}
