package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.stepwise.runtime.fixtures.ParallelWorkflow.Input;
import io.stepwise.runtime.fixtures.ParallelWorkflowRunner;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.TrackingExecutor;
import io.stepwise.runtime.fixtures.Warmup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * {@code run.parallel(name)}: the steps of a group run concurrently on the run's executor and are
 * joined; if one fails, the others still run to completion, then every completed step of the group
 * is compensated (most recently completed first), then the earlier steps. In
 * {@link io.stepwise.runtime.fixtures.ParallelWorkflow} the group is reserve, quote and card (with a
 * condition), submitted in that order (executor task indexes 0, 1, 2).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelGroupTest {
  static final Input ANN_WITH_CARD = new Input("ann", true);
  static final Input ANN = new Input("ann", false);

  final Script script = new Script();
  final RecordingListener listener = new RecordingListener();
  final TrackingExecutor executor = new TrackingExecutor();
  final RunOptions tracked = RunOptions.builder().throwOnError(false).executor(executor).listener(listener).build();

  @BeforeAll
  static void warmUp() {
    Warmup.run();
  }

  @AfterEach
  void cleanUp() {
    executor.close();
    MDC.clear();
  }

  @Test
  void stepsOfAGroupRunConcurrently() {
    // each of the two steps waits for the other: run one after the other, the first would time out
    CyclicBarrier both = new CyclicBarrier(2);
    Script.Action meet = ctx -> {
      both.await(5, TimeUnit.SECONDS);
      return null;
    };
    script.onInvoke("reserve", meet).onInvoke("quote", meet);

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script)
        .run(ANN_WITH_CARD, RunOptions.builder().throwOnError(false).listener(listener).build());

    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
    assertEquals("order-ann reservation-order-ann quote=42 card=card-order-ann", result.result());
    assertEquals(List.of(), result.errors());
    String caller = Thread.currentThread().getName();
    String reserveThread = script.entry("invoke:reserve@1").thread();
    String quoteThread = script.entry("invoke:quote@1").thread();
    assertNotEquals(reserveThread, quoteThread);
    assertTrue(reserveThread.startsWith("stepwise-worker-"), reserveThread); // the default executor
    assertTrue(quoteThread.startsWith("stepwise-worker-"), quoteThread);
    assertEquals(caller, script.entry("invoke:create-order@1").thread());
    assertEquals(caller, script.entry("invoke:confirm@1").thread());
  }

  @Test
  void listenersHearTheBranchesBetweenTheStepsBeforeAndAfterTheGroup() {
    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, RunOptions.builder()
        .transactionId("tx-l").listener(listener).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    List<String> lines = listener.lines();
    assertEquals(12, lines.size(), lines::toString);
    assertEquals(List.of("begin:parallel-order/tx-l", "step-begin:create-order@1",
        "step-success:create-order@1=order-ann"), lines.subList(0, 3));
    assertEquals(Set.of(
        "step-begin:reserve@1", "step-success:reserve@1=reservation-order-ann",
        "step-begin:quote@1", "step-success:quote@1=42",
        "step-begin:card@1", "step-success:card@1=card-order-ann"), Set.copyOf(lines.subList(3, 9)));
    for (String step : List.of("reserve", "quote", "card")) {
      assertTrue(lines.indexOf("step-begin:" + step + "@1") < lines.stream()
          .filter(l -> l.startsWith("step-success:" + step + "@1")).findFirst().map(lines::indexOf).orElseThrow());
    }
    assertEquals(List.of("step-begin:confirm@1",
        "step-success:confirm@1=order-ann reservation-order-ann quote=42 card=card-order-ann", "finish:DONE"),
        lines.subList(9, 12));
  }

  @Test
  void theExecutorOfTheRunOptionsRunsTheBranches() {
    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(3, executor.submissions());
    for (String event : List.of("invoke:reserve@1", "invoke:quote@1", "when:card=true", "invoke:card@1")) {
      assertTrue(script.entry(event).thread().startsWith("tracking-"), event + " ran on " + script.entry(event).thread());
    }
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void aDirectExecutorRunsTheBranchesOneAfterTheOtherOnTheCallersThread() {
    AtomicInteger submissions = new AtomicInteger();
    RunOptions direct = RunOptions.builder().transactionId("tx-direct").executor(task -> {
      submissions.incrementAndGet();
      task.run();
    }).build();

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, direct);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(3, submissions.get());
    assertEquals(List.of("invoke:create-order@1", "invoke:reserve@1", "invoke:quote@1", "invoke:card@1",
        "invoke:confirm@1"), script.events("invoke:"));
    // the branches restored the run's own MDC when they ended on its thread
    Map<String, String> confirmMdc = script.entry("invoke:confirm@1").mdc();
    assertEquals("tx-direct", confirmMdc.get(WorkflowRun.MDC_TRANSACTION_ID));
    assertEquals("confirm", confirmMdc.get(WorkflowRun.MDC_STEP));
    Map<String, String> after = MDC.getCopyOfContextMap();
    assertTrue(after == null || after.isEmpty(), () -> "MDC after the run: " + after);
  }

  @Test
  void branchesSeeTheRunsMdcKeysAndLeaveTheirThreadsClean() {
    MDC.put("request-id", "req-7");

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, RunOptions.builder()
        .transactionId("tx-mdc").executor(executor).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    for (String step : List.of("reserve", "quote", "card")) {
      assertEquals(Map.of(
          WorkflowRun.MDC_TRANSACTION_ID, "tx-mdc",
          WorkflowRun.MDC_WORKFLOW, ParallelWorkflowRunner.WORKFLOW,
          WorkflowRun.MDC_STEP, step,
          "request-id", "req-7"), script.entry("invoke:" + step + "@1").mdc(), step);
    }
    assertEquals("card", script.entry("when:card=true").mdc().get(WorkflowRun.MDC_STEP));
    assertEquals(List.of(), executor.leftovers());
    assertEquals(Map.of("request-id", "req-7"), MDC.getCopyOfContextMap());
  }

  @Test
  void whenOneBranchFailsTheOthersRunToCompletionAndAreCompensated() {
    script.onInvoke("reserve", Script.failAlways());
    script.onInvoke("quote", ctx -> {
      Script.await(executor.finished(0)); // reserve has failed
      return null;
    });

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertTrue(script.entry("return:quote@1").nanos() > script.entry("throw:reserve@1:Boom").nanos());
    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
    assertSame(script.thrown("reserve").get(0), result.errors().get(0).cause());
    assertEquals(List.of("compensate:quote(42)@1", "compensate:create-order(order-ann)@1"),
        script.events("compensate:")); // card was skipped: not compensated
    assertEquals(List.of(), script.events("invoke:confirm"));
    assertEquals(List.of("step-skipped:card@1"), listener.lines("step-skipped:"));
    assertEquals(List.of(), listener.lines("step-begin:card"));
  }

  @Test
  void completedBranchesAreCompensatedInReverseOrderOfCompletion() {
    // card completes first, then quote; then reserve fails
    script.onInvoke("quote", ctx -> {
      Script.await(executor.finished(2));
      return null;
    });
    script.onInvoke("reserve", ctx -> {
      Script.await(executor.finished(1));
      throw new Script.Boom("reserve failed");
    });

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:quote(42)@1", "compensate:card(card-order-ann)@1",
        "compensate:create-order(order-ann)@1"), script.events("compensate:"));
    assertEquals(List.of("compensate-success:quote@1", "compensate-success:card@1",
        "compensate-success:create-order@1"), listener.lines("compensate-success:"));
  }

  @Test
  void completedBranchesAreCompensatedInReverseOrderOfCompletionNotOfDeclaration() {
    // quote completes first, then card; then reserve fails
    script.onInvoke("card", ctx -> {
      Script.await(executor.finished(1));
      return null;
    });
    script.onInvoke("reserve", ctx -> {
      Script.await(executor.finished(2));
      throw new Script.Boom("reserve failed");
    });

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, tracked);

    assertEquals(List.of("compensate:card(card-order-ann)@1", "compensate:quote(42)@1",
        "compensate:create-order(order-ann)@1"), script.events("compensate:"));
    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
  }

  @Test
  void twoFailingBranchesAreBothInTheErrorsTheFirstToFailFirst() {
    script.onInvoke("reserve", Script.failAlways());
    script.onInvoke("quote", ctx -> {
      Script.await(executor.finished(0));
      throw new Script.Boom("quote failed");
    });

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("reserve/INVOKE/1", "quote/INVOKE/1"), describe(result.errors()));
    assertSame(script.thrown("reserve").get(0), result.errors().get(0).cause());
    assertSame(script.thrown("quote").get(0), result.errors().get(1).cause());
    assertEquals(List.of("compensate:card(card-order-ann)@1", "compensate:create-order(order-ann)@1"),
        script.events("compensate:"));
    assertEquals(Set.of("step-failure:reserve@1:Boom", "step-failure:quote@1:Boom"),
        Set.copyOf(listener.lines("step-failure:")));
    assertEquals(1, listener.lines("compensate-begin:").size());
  }

  @Test
  void theRunsFailureIsTheBranchThatFailedFirst() {
    script.onInvoke("quote", Script.failAlways());
    script.onInvoke("reserve", ctx -> {
      Script.await(executor.finished(1));
      throw new Script.Boom("reserve failed");
    });

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> ParallelWorkflowRunner.create(script)
        .run(ANN, RunOptions.builder().executor(executor).build()));

    assertEquals(List.of("quote/INVOKE/1", "reserve/INVOKE/1"), describe(e.result().errors()));
    assertSame(script.thrown("quote").get(0), e.getCause());
    assertTrue(e.getMessage().contains("'quote'"), e.getMessage());
  }

  @Test
  void theFailedBranchesPartialWorkIsCompensatedFirst() {
    script.onInvoke("reserve", ctx -> StepResponse.permanentFailure("out of stock", "partial-res"));
    script.onInvoke("quote", ctx -> {
      Script.await(executor.finished(0));
      return null;
    });

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN, tracked);

    assertEquals(List.of("compensate:reserve(partial-res)@1", "compensate:quote(42)@1",
        "compensate:create-order(order-ann)@1"), script.events("compensate:"));
    assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause());
  }

  @Test
  void aSkippedConditionalBranchHasNoOutputAndIsNotCompensated() {
    script.onInvoke("quote", ctx -> {
      Script.await(executor.finished(0));
      return null;
    });
    script.onInvoke("confirm", Script.failAlways());

    WorkflowResult<String> result = ParallelWorkflowRunner.create(script).run(ANN, tracked);

    assertEquals(List.of("when:card=false"), script.events("when:"));
    assertEquals(List.of(), script.events("invoke:card"));
    assertEquals(List.of("compensate:quote(42)@1", "compensate:reserve(res-order-ann)@1",
        "compensate:create-order(order-ann)@1"), script.events("compensate:"));
    assertEquals(List.of("confirm/INVOKE/1"), describe(result.errors()));

    Script second = new Script();
    WorkflowResult<String> done = ParallelWorkflowRunner.create(second).run(ANN, RunOptions.defaults());
    assertEquals("order-ann reservation-order-ann quote=42 card=none", done.result()); // optionalOutput() empty
  }

  @Test
  void aToleratedFailingBranchLeavesTheRunDone() {
    script.onInvoke("quote", Script.failAlways());
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script,
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.CONTINUE).build());

    WorkflowResult<String> result = runner.run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-ann reservation-order-ann quote=none card=card-order-ann", result.result());
    assertEquals(List.of("quote/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of(), script.events("compensate:"));
    assertEquals(List.of(), listener.lines("step-skipped:"));
  }

  @Test
  void aSkipOnFailureBranchThatFailsFiresStepSkipped() {
    script.onInvoke("quote", Script.failAlways());
    // skipUntil the next step: nothing is skipped but the failed branch (what this test asked before
    // skipOnPermanentFailure skipped the steps after it; that is the next test)
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script,
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.SKIP).skipUntil("confirm").build());

    WorkflowResult<String> result = runner.run(ANN, tracked);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-ann reservation-order-ann quote=none card=none", result.result());
    assertEquals(List.of("quote/INVOKE/1"), describe(result.errors()));
    assertEquals(Set.of("step-skipped:quote@1", "step-skipped:card@1"), Set.copyOf(listener.lines("step-skipped:")));
  }

  @Test
  void aSkipOnFailureBranchThatFailsSkipsTheStepsAfterItsGroupAndItsSiblingsFinish() {
    script.onInvoke("quote", Script.failAlways());
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script,
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.SKIP).build());

    WorkflowResult<String> result = runner.run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.DONE, result.status());
    // the hand-written runner reads confirm without Optional: a generated one has Optional.empty()
    assertNull(result.result());
    assertEquals(List.of("quote/INVOKE/1"), describe(result.errors()));
    assertEquals(Set.of("invoke:create-order@1", "invoke:reserve@1", "invoke:quote@1", "invoke:card@1"),
        Set.copyOf(script.events("invoke:")));
    assertEquals(List.of(), script.events("compensate:"));
    assertEquals(List.of("step-skipped:quote@1", "step-skipped:confirm@1"), listener.lines("step-skipped:"));
  }

  @Test
  void twoSkippingFailuresInOneGroupSkipAsFarAsTheFurtherOfThem() {
    // reserve skips up to confirm (nothing after the group), quote to the end (confirm too): the
    // further one wins, whichever of the two is settled first
    script.onInvoke("reserve", Script.failAlways()).onInvoke("quote", Script.failAlways());
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script,
        StepSpec.builder("reserve").onFailure(StepSpec.OnFailure.SKIP).skipUntil("confirm").build(),
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.SKIP).build());

    WorkflowResult<String> result = runner.run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(Set.of("reserve/INVOKE/1", "quote/INVOKE/1"), Set.copyOf(describe(result.errors())));
    assertEquals(List.of(), script.events("invoke:confirm"));
    assertEquals(Set.of("step-skipped:reserve@1", "step-skipped:quote@1", "step-skipped:confirm@1"),
        Set.copyOf(listener.lines("step-skipped:")));
    assertEquals(List.of(), script.events("compensate:"));
  }

  @Test
  void aBranchTimesOutOnItsOwnThreadAndLeavesItClean() {
    script.onInvoke("reserve", Script.sleep(10_000));
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script,
        StepSpec.builder("reserve").timeout(50).build());

    WorkflowResult<String> result = runner.run(ANN, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:quote(42)@1", "compensate:create-order(order-ann)@1"), script.events("compensate:"));
    assertEquals(List.of(), executor.leftovers()); // the interrupt did not stay on the pool's thread
  }

  @Test
  void theWorkflowTimeoutInterruptsEveryBranchAndIsNeverTolerated() {
    script.onInvoke("reserve", Script.sleep(10_000)).onInvoke("quote", Script.sleep(10_000));
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.withTimeout(script, 200,
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.CONTINUE).maxRetries(2).build());

    WorkflowResult<String> result = runner.run(ANN_WITH_CARD, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("reserve/INVOKE/1", "quote/INVOKE/1"), Set.copyOf(describe(result.errors())));
    assertEquals(2, result.errors().size());
    for (StepError error : result.errors()) {
      assertInstanceOf(WorkflowTimeoutException.class, error.cause(), error.toString());
    }
    assertEquals(List.of("compensate:card(card-order-ann)@1", "compensate:create-order(order-ann)@1"),
        script.events("compensate:"));
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void aWorkflowTimeoutInATolerantBranchHaltsTheRunAtTheGroup() {
    script.onInvoke("quote", Script.sleep(10_000)); // the only step running at the deadline
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.withTimeout(script, 200,
        StepSpec.builder("quote").onFailure(StepSpec.OnFailure.SKIP).build());

    WorkflowResult<String> result = runner.run(ANN, tracked);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    // the group itself fails: not tolerated, and confirm is never reached (not even to fail with 0 attempts)
    assertEquals(List.of("quote/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:reserve(res-order-ann)@1", "compensate:create-order(order-ann)@1"),
        script.events("compensate:"));
    assertEquals(List.of("step-skipped:card@1"), listener.lines("step-skipped:"));
  }

  @Test
  void aCancelDuringTheGroupLetsTheBranchesFinishAndStopsBeforeTheNextStep() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("reserve", Script.block(entered, release));
    ParallelWorkflowRunner runner = ParallelWorkflowRunner.create(script);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<WorkflowResult<String>> run = caller.submit(() -> runner.run(ANN, RunOptions.builder()
          .transactionId("tx-par").throwOnError(false).executor(executor).build()));
      Script.await(entered);
      Script.await(executor.finished(1)); // quote has completed
      assertTrue(runner.cancel("tx-par"));
      release.countDown();
      WorkflowResult<String> result;
      try {
        result = run.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError("the run threw", e.getCause());
      }

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("confirm/INVOKE/0"), describe(result.errors()));
      assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
      assertEquals(List.of("compensate:reserve(res-order-ann)@1", "compensate:quote(42)@1",
          "compensate:create-order(order-ann)@1"), script.events("compensate:"));
      assertEquals(List.of(), script.events("invoke:confirm"));
    } finally {
      caller.shutdownNow();
    }
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).collect(Collectors.toCollection(ArrayList::new));
  }
}
