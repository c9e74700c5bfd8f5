package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@code WorkflowListener.onStepAttemptFailure}: one event per failed attempt that is retried, with
 * the attempt's number and the pause before the next; {@code onStepFailure} for the last only. Through
 * generated runners, on both execution paths.
 */
class AttemptFailureTest {
  /** Every step event, as {@code event:step@attempt[:Exception][+delay]}. */
  static final class Events implements WorkflowListener {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override public void onStepBegin(StepContext step) {
      lines.add("begin:" + step.stepName() + "@" + step.attempt());
    }

    @Override public void onStepAttemptFailure(StepContext step, Throwable error, Duration retryDelay) {
      lines.add("attempt-failure:" + step.stepName() + "@" + step.attempt() + ":" + error.getClass().getSimpleName()
          + "+" + retryDelay.toMillis() + "ms");
    }

    @Override public void onStepSuccess(StepContext step, Object output) {
      lines.add("success:" + step.stepName() + "@" + step.attempt());
    }

    @Override public void onStepFailure(StepContext step, Throwable error) {
      lines.add("failure:" + step.stepName() + "@" + step.attempt() + ":" + error.getClass().getSimpleName());
    }
  }

  private final FlakyWorkflows_ChargeRunner sync = new FlakyWorkflows_ChargeRunner(new FlakyWorkflows.Charge());
  private final FlakyWorkflows_ChargeAsyncRunner async =
      new FlakyWorkflows_ChargeAsyncRunner(new FlakyWorkflows.ChargeAsync());

  /** Two failed attempts, each retried after its pause (20 ms, then 40 ms), then the third attempt's {@code last}. */
  private static List<String> twoRetriesThen(String last) {
    return List.of("begin:charge@1", "attempt-failure:charge@1:IllegalStateException+20ms", "begin:charge@2",
        "attempt-failure:charge@2:IllegalStateException+40ms", "begin:charge@3", last);
  }

  private static WorkflowResult<String> run(BiFunction<Script, RunOptions, WorkflowResult<String>> runner,
      Script script, Events events) {
    return runner.apply(script, RunOptions.builder().transactionId(script.id).throwOnError(false).listener(events)
        .build());
  }

  @Test
  void retriedAttemptsFireAttemptFailuresWithTheirGrowingPauseOnBothPaths() {
    for (BiFunction<Script, RunOptions, WorkflowResult<String>> runner : List.<BiFunction<Script, RunOptions,
        WorkflowResult<String>>>of(sync::run, async::run)) {
      Script script = new Script("tx-" + UUID.randomUUID()).fail("charge", 2);
      Events events = new Events();

      WorkflowResult<String> result = run(runner, script, events);

      assertEquals("paid on attempt 3", result.result());
      assertEquals(twoRetriesThen("success:charge@3"), events.lines);
    }
  }

  @Test
  void theLastAttemptFiresStepFailureNotAttemptFailureOnBothPaths() {
    for (BiFunction<Script, RunOptions, WorkflowResult<String>> runner : List.<BiFunction<Script, RunOptions,
        WorkflowResult<String>>>of(sync::run, async::run)) {
      Script script = new Script("tx-" + UUID.randomUUID()).failAlways("charge");
      Events events = new Events();

      WorkflowResult<String> result = run(runner, script, events);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(3, result.errors().get(0).attempts());
      assertEquals(twoRetriesThen("failure:charge@3:IllegalStateException"), events.lines);
    }
  }
}
