package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.TolerantWorkflowRunner;
import io.stepwise.runtime.fixtures.Warmup;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code StepSpec.OnFailure.CONTINUE} / {@code SKIP} ({@code continueOnPermanentFailure} /
 * {@code skipOnPermanentFailure}): the failure is recorded, the step's output is empty, and the run
 * goes on. In {@link io.stepwise.runtime.fixtures.TolerantWorkflow}, loyalty is CONTINUE with one
 * retry and newsletter is SKIP.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToleratedFailureTest {
  static final String DONE_RESULT = "shipped k loyalty=10 newsletter=subscribed-k";

  final Script script = new Script();
  final RecordingListener listener = new RecordingListener();
  final RunOptions noThrow = RunOptions.builder().throwOnError(false).listener(listener).build();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeAll
  static void warmUp() {
    Warmup.run();
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  @Test
  void withoutFailuresEveryOutputIsPassedOn() {
    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", RunOptions.defaults());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(DONE_RESULT, result.result());
    assertEquals(List.of(), result.errors());
  }

  @Test
  void aContinueStepThatFailsIsRecordedHasNoOutputAndTheRunEndsDone() {
    script.onInvoke("loyalty", Script.failAlways());
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.create(script);

    // throwOnError is true: a DONE run with tolerated errors does not throw
    WorkflowResult<String> result = runner.run("k", RunOptions.builder().listener(listener).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(result.isDone());
    assertEquals("shipped k loyalty=none newsletter=subscribed-k", result.result());
    assertEquals(List.of("loyalty/INVOKE/2"), describe(result.errors())); // after its retry
    assertSame(script.thrown("loyalty").get(1), result.errors().get(0).cause());
    assertEquals(List.of("invoke:reserve@1", "invoke:loyalty@1", "invoke:loyalty@2", "invoke:newsletter@1",
        "invoke:ship@1"), script.events("invoke:", "compensate:"));
    assertEquals(List.of("step-begin:loyalty@1", "step-attempt-failure:loyalty@1:Boom", "step-begin:loyalty@2",
        "step-failure:loyalty@2:Boom"),
        listener.lines("step-").stream().filter(l -> l.contains(":loyalty@")).toList());
    assertEquals(List.of(), listener.lines("step-skipped:"));
    assertEquals(List.of(), listener.lines("compensate-"));
    assertEquals("finish:DONE", listener.lines().get(listener.lines().size() - 1));
  }

  @Test
  void aSkipStepThatFailsIsRecordedFiresStepSkippedAndTheRunEndsDone() {
    script.onInvoke("newsletter", Script.failAlways());
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.create(script);

    WorkflowResult<String> result = runner.run("k", RunOptions.builder().listener(listener).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k loyalty=10 newsletter=none", result.result());
    assertEquals(List.of("newsletter/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of("step-begin:newsletter@1", "step-failure:newsletter@1:Boom", "step-skipped:newsletter@1"),
        listener.lines("step-").stream().filter(l -> l.contains(":newsletter@")).toList());
    assertEquals("newsletter", listener.only("step-skipped:newsletter@1").context().stepName());
  }

  @Test
  void severalToleratedFailuresAreRecordedInOrder() {
    script.onInvoke("loyalty", Script.failAlways()).onInvoke("newsletter", Script.failAlways());

    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", noThrow);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k loyalty=none newsletter=none", result.result());
    assertEquals(List.of("loyalty/INVOKE/2", "newsletter/INVOKE/1"), describe(result.errors()));
  }

  @Test
  void aToleratedStepThatSucceedsOnItsRetryHasItsOutputAndNoError() {
    script.onInvoke("loyalty", Script.fail(1));

    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", noThrow);

    assertEquals(DONE_RESULT, result.result());
    assertEquals(List.of(), result.errors());
  }

  @Test
  void partialWorkOfAToleratedPermanentFailureIsNotCompensatedWhenTheRunEndsDone() {
    script.onInvoke("loyalty", ctx -> StepResponse.permanentFailure("no loyalty account", "partial-points-k"));

    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", noThrow);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k loyalty=none newsletter=subscribed-k", result.result());
    assertEquals(List.of("loyalty/INVOKE/1"), describe(result.errors())); // a permanent failure is not retried
    assertEquals("no loyalty account",
        assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause()).getMessage());
    assertEquals(List.of(), script.events("compensate:"));
  }

  @Test
  void partialWorkOfAToleratedPermanentFailureIsCompensatedInItsPlaceWhenALaterStepFails() {
    script.onInvoke("loyalty", ctx -> StepResponse.permanentFailure("no loyalty account", "partial-points-k"));
    script.onInvoke("ship", Script.failAlways());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> TolerantWorkflowRunner.create(script).run("k", RunOptions.builder().listener(listener).build()));

    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    // pushed on the stack when it failed: after reserve, before newsletter
    assertEquals(List.of(
        "compensate:newsletter(subscribed-k)@1",
        "compensate:loyalty(partial-points-k)@1",
        "compensate:reserve(res-k)@1"), script.events("compensate:"));
    assertEquals(List.of("loyalty/INVOKE/1", "ship/INVOKE/1"), describe(result.errors()));
    assertSame(script.thrown("ship").get(0), e.getCause()); // the cause is the step that halted the run
    assertTrue(e.getMessage().contains("'ship'"), e.getMessage());
    assertEquals(List.of("compensate-success:newsletter@1", "compensate-success:loyalty@1",
        "compensate-success:reserve@1"), listener.lines("compensate-success:"));
  }

  @Test
  void aToleratedPermanentFailureWithoutCompensationInputIsNotCompensated() {
    script.onInvoke("loyalty", ctx -> StepResponse.permanentFailure("no loyalty account"));
    script.onInvoke("ship", Script.failAlways());

    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", noThrow);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:newsletter(subscribed-k)@1", "compensate:reserve(res-k)@1"),
        script.events("compensate:"));
  }

  @Test
  void aToleratedStepThatSucceededIsCompensatedLikeAnyOther() {
    script.onInvoke("ship", Script.failAlways());

    WorkflowResult<String> result = TolerantWorkflowRunner.create(script).run("k", noThrow);

    assertEquals(List.of("compensate:newsletter(subscribed-k)@1", "compensate:loyalty(points-k)@1",
        "compensate:reserve(res-k)@1"), script.events("compensate:"));
    assertEquals(List.of("ship/INVOKE/1"), describe(result.errors()));
  }

  @Test
  void toleratedErrorsComeBeforeTheHaltingStepAndFailedCompensations() {
    script.onInvoke("newsletter", Script.failAlways());
    script.onInvoke("ship", Script.failAlways());
    script.onCompensate("reserve", Script.failAlways());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> TolerantWorkflowRunner.create(script).run("k", RunOptions.defaults()));

    assertEquals(WorkflowStatus.FAILED, e.result().status());
    assertEquals(List.of("newsletter/INVOKE/1", "ship/INVOKE/1", "reserve/COMPENSATE/1"), describe(e.result().errors()));
    assertSame(script.thrown("ship").get(0), e.getCause());
    assertArrayEquals(new Throwable[] {e.result().errors().get(2).cause()}, e.getSuppressed());
  }

  @Test
  void aStepTimeoutIsAToleratedFailure() {
    script.onInvoke("loyalty", Script.sleep(10_000));
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.create(script, StepSpec.builder("loyalty")
        .onFailure(StepSpec.OnFailure.CONTINUE).maxRetries(1).timeout(50).build());

    WorkflowResult<String> result = runner.run("k", noThrow);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k loyalty=none newsletter=subscribed-k", result.result());
    assertEquals(List.of("loyalty/INVOKE/2"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
  }

  @Test
  void aWorkflowTimeoutInAContinueStepIsNeverTolerated() {
    script.onInvoke("loyalty", Script.sleep(10_000));
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.withTimeout(script, 200);

    WorkflowResult<String> result = runner.run("k", noThrow);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("loyalty/INVOKE/1"), describe(result.errors())); // and not retried
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("invoke:reserve@1", "invoke:loyalty@1", "compensate:reserve(res-k)@1"),
        script.events("invoke:", "compensate:"));
  }

  @Test
  void aWorkflowTimeoutInASkipStepIsNeverTolerated() {
    script.onInvoke("newsletter", Script.sleep(10_000));
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.withTimeout(script, 200);

    WorkflowResult<String> result = runner.run("k", noThrow);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("newsletter/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of(), listener.lines("step-skipped:"));
    assertEquals(List.of("compensate:loyalty(points-k)@1", "compensate:reserve(res-k)@1"), script.events("compensate:"));
  }

  @Test
  void aCancellationBeforeAContinueStepIsNeverTolerated() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("reserve", Script.block(entered, release));
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.create(script);

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k",
        RunOptions.builder().transactionId("tx-tol").throwOnError(false).build()));
    Script.await(entered);
    assertTrue(runner.cancel("tx-tol"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("loyalty/INVOKE/0"), describe(result.errors()));
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertEquals(List.of("invoke:reserve@1", "compensate:reserve(res-k)@1"), script.events("invoke:", "compensate:"));
  }

  @Test
  void aCancellationBeforeASkipStepIsNeverTolerated() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("loyalty", Script.block(entered, release));
    TolerantWorkflowRunner runner = TolerantWorkflowRunner.create(script);

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k",
        RunOptions.builder().transactionId("tx-skip").throwOnError(false).listener(listener).build()));
    Script.await(entered);
    assertTrue(runner.cancel("tx-skip"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("newsletter/INVOKE/0"), describe(result.errors()));
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:loyalty(points-k)@1", "compensate:reserve(res-k)@1"), script.events("compensate:"));
    assertEquals(List.of(), listener.lines("step-skipped:"));
  }

  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the run threw", e.getCause());
    }
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
