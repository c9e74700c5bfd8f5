package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.fixtures.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a step's exception carries (from a request, say) cannot forge a line of the runtime's log. */
class LogLineTest {
  static final StepSpec CHECK = StepSpec.of("check", 0);
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "lines", CHECK);

  @Test
  void aFailedStepsMessageIsLoggedOnOneLineWithItsBreaksEscaped() {
    try (LogCapture log = LogCapture.open()) {
      WorkflowRun run = WorkflowRun.start(SPEC, RunOptions.builder().transactionId("tx-lines").throwOnError(false)
          .build(), Container.empty());
      try {
        run.valueStep(CHECK, ctx -> {
          throw new IllegalArgumentException("unknown product p1\nINFO forged: all good\r\u0007");
        }, null);
        run.done(null);
      } catch (WorkflowRun.Halt halt) {
        run.halted(halt);
      }

      List<String> lines = log.lines("(tx-lines) step 'check' failed");
      assertEquals(1, lines.size(), lines.toString());
      assertEquals("WARN Workflow 'lines' (tx-lines) step 'check' failed after 1 attempt(s): "
          + "java.lang.IllegalArgumentException: unknown product p1\\nINFO forged: all good\\r\\u0007; "
          + "compensating 0 step(s)", lines.get(0));
      assertTrue(lines.get(0).chars().noneMatch(Character::isISOControl));
    }
  }

  @Test
  void aTransactionIdWithAControlCharacterIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunOptions.builder().transactionId("order-1\nforged"));
    assertEquals("transactionId must not contain control characters (it goes into log lines and the run's record), "
        + "was order-1?forged", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CONTINUE|           |continueOnPermanentFailure",
      "SKIP    |           |skipOnPermanentFailure: the steps after it are skipped",
      "SKIP    |last       |skipOnPermanentFailure: the steps up to 'last' are skipped"})
  void aToleratedFailureIsLoggedWithHowTheRunGoesOn(StepSpec.OnFailure onFailure, String skipUntil, String goesOn) {
    StepSpec.Builder tolerant = StepSpec.builder("check").onFailure(onFailure);
    StepSpec check = (skipUntil == null ? tolerant : tolerant.skipUntil(skipUntil)).build();
    StepSpec last = StepSpec.of("last", 0);
    try (LogCapture log = LogCapture.open()) {
      WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "lines", check, last),
          RunOptions.builder().transactionId("tx-tolerated").throwOnError(false).build(), Container.empty());
      run.<String>valueStep(check, Condition.ALWAYS, ctx -> {
        throw new IllegalStateException("no stock");
      }, null);
      run.done(run.valueStep(last, ctx -> "done", null));

      assertEquals(List.of("WARN Workflow 'lines' (tx-tolerated) step 'check' failed after 1 attempt(s): "
          + "java.lang.IllegalStateException: no stock; the run goes on (" + goesOn + ")"),
          log.lines("(tx-tolerated) step 'check' failed"));
    }
  }

  @Test
  void aCompensationsRetryAndTheRunsEndAreLogged() {
    StepSpec book = StepSpec.of("book", 1);
    StepSpec pay = StepSpec.of("pay", 0);
    try (LogCapture log = LogCapture.open()) {
      WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "lines", book, pay),
          RunOptions.builder().transactionId("tx-undo").throwOnError(false).build(), Container.empty());
      try {
        run.<String>valueStep(book, ctx -> "booked", (c, ctx) -> {
          if (ctx.attempt() == 1) {
            throw new IllegalStateException("hotel offline");
          }
        });
        run.done(run.valueStep(pay, ctx -> {
          throw new IllegalStateException("card declined");
        }, null));
      } catch (WorkflowRun.Halt halt) {
        run.halted(halt);
      }

      assertEquals(List.of("INFO Workflow 'lines' (tx-undo) compensation of step 'book' failed on attempt 1 of 2; "
          + "retrying: java.lang.IllegalStateException: hotel offline"), log.lines("(tx-undo) compensation of"));
      assertEquals(List.of("INFO Workflow 'lines' (tx-undo) REVERTED"), log.lines("(tx-undo) REVERTED"));
    }
  }
}
