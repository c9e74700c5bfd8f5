package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** SPEC.md: "Without a given transaction id, each run gets a fresh unique one." */
class TransactionIdTest {
  static final Pattern UUID_V7 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));

  /** A one-step runner, in the generated shape, that returns the transaction id its step saw. */
  static final class EchoRunner {
    private static final StepSpec ECHO = StepSpec.of("echo", 0);
    private static final WorkflowSpec SPEC = WorkflowSpec.of(1, "echo", ECHO);

    WorkflowResult<String> run(RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty());
      try {
        String echo = run.<String>valueStep(ECHO, ctx -> ctx.transactionId(), null);
        return run.done(echo);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }
  }

  @Test
  void tenThousandRunsGetTenThousandDistinctVersion7Uuids() {
    EchoRunner runner = new EchoRunner();
    long before = System.currentTimeMillis();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      WorkflowResult<String> result = runner.run(RunOptions.defaults());
      String id = result.transactionId();
      assertEquals(id, result.result(), "the step sees the run's transaction id");
      assertTrue(UUID_V7.matcher(id).matches(), id);
      ids.add(id);
    }
    long after = System.currentTimeMillis();

    assertEquals(10_000, ids.size());
    // the 74 random bits are really random: over 10,000 ids every random hex digit takes all 16
    // values, and the variant digit its 4 (10xx)
    for (int position = 0; position < 36; position++) {
      int at = position;
      Set<Character> digits = new HashSet<>();
      ids.forEach(id -> digits.add(id.charAt(at)));
      if (at == 8 || at == 13 || at == 18 || at == 23) {
        assertEquals(Set.of('-'), digits);
      } else if (at == 14) {
        assertEquals(Set.of('7'), digits);
      } else if (at == 19) {
        assertEquals(Set.of('8', '9', 'a', 'b'), digits);
      } else if (at > 14) {
        assertEquals(16, digits.size(), () -> "hex digit " + at + " took only " + digits);
      }
    }
    for (String id : ids) {
      UUID uuid = UUID.fromString(id);
      assertEquals(7, uuid.version(), id);
      assertEquals(2, uuid.variant(), id);
      long millis = uuid.getMostSignificantBits() >>> 16;
      assertTrue(millis >= before && millis <= after, () -> id + " carries time " + millis
          + ", not between " + before + " and " + after);
    }
  }

  @Test
  void transactionIdsAreTimeOrdered() throws InterruptedException {
    String first = TransactionIds.next();
    Thread.sleep(3);
    String second = TransactionIds.next();

    assertTrue(first.compareTo(second) < 0, first + " should sort before " + second);
  }

  @Test
  void givenTransactionIdIsUsedInTheResultAndTheContext() {
    WorkflowResult<String> result = new EchoRunner().run(RunOptions.builder().transactionId("order-42").build());

    assertEquals("order-42", result.transactionId());
    assertEquals("order-42", result.result());
  }

  @Test
  void givenTransactionIdIsUsedByStepsAndCompensationsOfAFailedRun() {
    Probe probe = new Probe().failInvokeAlways("confirm");
    RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

    WorkflowResult<?> result = runner.run(ACME,
        RunOptions.builder().transactionId("restock-7").throwOnError(false).build());

    assertEquals("restock-7", result.transactionId());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(10, probe.contexts().size());
    assertTrue(probe.contexts().stream().allMatch(c -> c.transactionId().equals("restock-7")),
        () -> probe.contexts().toString());
  }

  @Test
  void eachRunOfAFailingWorkflowHasItsOwnIdInAllItsContexts() {
    Probe probe = new Probe().failInvokeAlways("audit");
    RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));
    RunOptions options = RunOptions.builder().throwOnError(false).build();

    String first = runner.run(ACME, options).transactionId();
    String second = runner.run(ACME, options).transactionId();

    assertTrue(!first.equals(second), first);
    // per run: create-order, create-items, audit, then 2 compensations
    assertEquals(List.of(first, first, first, first, first, second, second, second, second, second),
        probe.contexts().stream().map(c -> c.transactionId()).toList());
  }
}
