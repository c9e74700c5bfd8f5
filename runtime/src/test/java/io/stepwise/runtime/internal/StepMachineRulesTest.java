package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/**
 * The rules a step's attempts follow ({@link StepMachine}), as a user of a generated runner sees
 * them: which failures are tried again and which are not, what a step that answers nothing fails
 * with, what the listener hears of the retries, and what the run's result says.
 */
class StepMachineRulesTest {
  static final StepSpec BOOK = StepSpec.of("book", 0);

  final List<String> events = new CopyOnWriteArrayList<>();
  final RecordingListener listener = new RecordingListener();
  final AtomicInteger attempts = new AtomicInteger();

  /** A run of two steps: 'book' (compensated) and then {@code step}, whose attempts run {@code body}. */
  WorkflowResult<String> run(StepSpec step, StepBody<String, String> body) {
    WorkflowSpec spec = WorkflowSpec.of(1, "trip", BOOK, step);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false)
        .listener(listener).build(), Container.empty(), new RunRegistry(), "in");
    try {
      run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"));
      String out = run.<String, String>step(step, ctx -> {
        attempts.incrementAndGet();
        events.add(step.name() + "@" + ctx.attempt());
        return body.invoke(ctx);
      }, (c, ctx) -> events.add("undo-" + step.name() + "(" + c + ")"));
      return run.done(out);
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  static StepSpec retried(String name) {
    return StepSpec.builder(name).maxRetries(2).build();
  }

  @Test
  void aStepThatAnswersNullFailsAtOnceWithAMessageThatSaysWhatToReturn() {
    WorkflowResult<String> result = run(retried("pay"), ctx -> null);

    assertEquals(1, attempts.get(), "a null answer is a bug in the step: trying again cannot help");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    StepError error = result.errors().get(0);
    assertEquals("pay", error.step());
    assertEquals(1, error.attempts());
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, error.cause());
    assertEquals("step 'pay' returned null instead of a StepResponse; "
        + "return new StepResponse<>(output) or StepResponse.permanentFailure(message)", cause.getMessage());
    assertEquals(List.of("pay@1", "undo-book(booked)"), events);
    assertEquals(List.of("step-failure:pay@1:IllegalStateException"), listener.lines("step-failure:"));
    assertEquals(List.of(), listener.lines("step-attempt-failure:"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aTimedOutAttemptIsTriedAgainOnlyIfTheStepRetriesOnTimeout(boolean retryOnTimeout) {
    StepSpec pay = StepSpec.builder("pay").maxRetries(2).retryOnTimeout(retryOnTimeout).build();

    WorkflowResult<String> result = run(pay, ctx -> {
      throw new StepTimeoutException("pay timed out");
    });

    int expected = retryOnTimeout ? 3 : 1;
    assertEquals(expected, attempts.get());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(expected, result.errors().get(0).attempts());
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(expected - 1, listener.lines("step-attempt-failure:").size());
  }

  @Test
  void aTimedOutAttemptThatIsNotTheStepsLastIsRetriedAndTheStepCanStillSucceed() {
    StepSpec pay = StepSpec.builder("pay").maxRetries(1).build();

    WorkflowResult<String> result = run(pay, ctx -> {
      if (ctx.attempt() == 1) {
        throw new StepTimeoutException("pay timed out");
      }
      return new StepResponse<>("paid", "refund");
    });

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("paid", result.result());
    assertEquals(List.of("step-attempt-failure:pay@1:StepTimeoutException"), listener.lines("step-attempt-failure:"));
    assertEquals(List.of("step-success:book@1=booked", "step-success:pay@2=paid"), listener.lines("step-success:"));
  }

  static Stream<RuntimeException> neverRetried() {
    return Stream.of(
        new PermanentStepFailureException("card declined"),
        new UnrecordableValueException("cannot record the output of step 'pay'", new RuntimeException("json")),
        new WorkflowTimeoutException("the run is past its deadline"),
        new WorkflowCancelledException("the run was cancelled"));
  }

  @ParameterizedTest
  @MethodSource("neverRetried")
  void failuresThatAnotherAttemptCannotMendAreNotRetried(RuntimeException thrown) {
    WorkflowResult<String> result = run(retried("pay"), ctx -> {
      throw thrown;
    });

    assertEquals(1, attempts.get());
    assertEquals(List.of(), listener.lines("step-attempt-failure:"));
    assertSame(thrown, result.errors().get(0).cause());
    assertEquals(1, result.errors().get(0).attempts());
    assertTrue(events.contains("undo-book(booked)"), () -> "the completed step is compensated: " + events);
  }

  @Test
  void anOrdinaryFailureIsRetriedAsOftenAsTheStepSaysAndTheListenerHearsEachPause() {
    StepSpec pay = StepSpec.builder("pay").maxRetries(2).retryInterval(2).backoff(3).build();

    WorkflowResult<String> result = run(pay, ctx -> {
      throw new IllegalArgumentException("no funds on attempt " + ctx.attempt());
    });

    assertEquals(3, attempts.get());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("no funds on attempt 3", result.errors().get(0).cause().getMessage());
    assertEquals(3, result.errors().get(0).attempts());
    List<RecordingListener.Heard> retries = listener.heard().stream()
        .filter(h -> h.line().startsWith("step-attempt-failure:")).toList();
    assertEquals(List.of(Duration.ofMillis(2), Duration.ofMillis(6)),
        retries.stream().map(h -> ((RecordingListener.Retry) h.payload()).delay()).toList());
    assertEquals(List.of("no funds on attempt 1", "no funds on attempt 2"),
        retries.stream().map(h -> ((RecordingListener.Retry) h.payload()).error().getMessage()).toList());
    assertEquals(List.of("step-failure:pay@3:IllegalArgumentException"), listener.lines("step-failure:"));
  }

  @Test
  void anInterruptedAttemptIsNotRetriedAndTheThreadKeepsItsInterrupt() {
    try {
      WorkflowResult<String> result = run(retried("pay"), ctx -> {
        throw new InterruptedException("shutting down");
      });

      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
      assertEquals(1, attempts.get());
      assertInstanceOf(InterruptedException.class, result.errors().get(0).cause());
      assertEquals(List.of(), listener.lines("step-attempt-failure:"));
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aPermanentFailureWithPartialWorkCompensatesTheFailedStepWithIt() {
    WorkflowResult<String> result = run(retried("pay"),
        ctx -> StepResponse.permanentFailure("card declined", "half-paid"));

    assertEquals(1, attempts.get());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    PermanentStepFailureException cause = assertInstanceOf(PermanentStepFailureException.class,
        result.errors().get(0).cause());
    assertEquals("card declined", cause.getMessage());
    assertEquals(List.of("pay@1", "undo-pay(half-paid)", "undo-book(booked)"), events);
    assertEquals(List.of("step-failure:pay@1:PermanentStepFailureException"), listener.lines("step-failure:"));
  }

  @Test
  void aPermanentFailureWithoutPartialWorkLeavesTheFailedStepUncompensated() {
    WorkflowResult<String> result = run(retried("pay"), ctx -> StepResponse.permanentFailure("card declined"));

    assertEquals(1, attempts.get());
    assertEquals(List.of("pay@1", "undo-book(booked)"), events);
    assertFalse(result.errors().isEmpty());
  }

  @Test
  void anAnswerThatCameAfterTheAttemptsTimeoutIsDiscardedAndNotTakenForTheNextAttempts() {
    StepSpec pay = StepSpec.builder("pay").maxRetries(1).timeout(30).build();

    WorkflowResult<String> result = run(pay, ctx -> {
      if (ctx.attempt() == 2) {
        return null;
      }
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException timedOut) {
        // answers anyway, too late
      }
      return new StepResponse<>("late", "late");
    });

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("pay@1", "pay@2", "undo-book(booked)"), events);
    StepError error = result.errors().get(0);
    assertEquals(2, error.attempts());
    assertTrue(assertInstanceOf(IllegalStateException.class, error.cause()).getMessage()
        .startsWith("step 'pay' returned null instead of a StepResponse"), error.cause().getMessage());
  }

  /** A run of 'book' and then {@code step} with condition {@code when}; the run is in {@code registry}. */
  WorkflowResult<String> runWithCondition(RunRegistry registry, StepSpec step, Condition when) {
    WorkflowSpec spec = WorkflowSpec.of(1, "trip", BOOK, step);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false)
        .listener(listener).build(), Container.empty(), registry, "in");
    try {
      run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"));
      Optional<String> out = run.<String>valueStep(step, when, ctx -> {
        events.add(step.name() + "@" + ctx.attempt());
        return "paid";
      }, (c, ctx) -> events.add("undo-" + step.name() + "(" + c + ")"));
      return run.done(out.orElse("none"));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void aRunCancelledWhileAStepsConditionRunsStopsBeforeTheStepsFirstAttempt() {
    RunRegistry registry = new RunRegistry();

    WorkflowResult<String> result = runWithCondition(registry, retried("pay"), ctx -> {
      assertTrue(registry.cancel("t-1"));
      return true;
    });

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo-book(booked)"), events, "pay is never attempted");
    StepError error = result.errors().get(0);
    assertEquals("pay", error.step());
    assertEquals(0, error.attempts());
    assertEquals("workflow 'trip' (transaction t-1) was cancelled before step 'pay'", error.cause().getMessage());
  }

  @Test
  void aMemberOfAGroupThatStartsAfterTheRunWasCancelledIsNeverAttempted() {
    RunRegistry registry = new RunRegistry();
    List<Runnable> started = new CopyOnWriteArrayList<>();
    StepSpec pay = StepSpec.of("pay", 1);
    StepSpec ship = StepSpec.of("ship", 2);
    WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "trip", BOOK, pay, ship), RunOptions.builder()
        .transactionId("t-1").throwOnError(false).listener(listener).executor(started::add).build(), Container.empty(),
        registry, "in");
    WorkflowResult<String> result;
    try {
      run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> events.add("undo-book(" + c + ")"));
      WorkflowRun.Group group = run.parallel("pack");
      group.<String>valueStep(pay, ctx -> events.add("pay") ? "paid" : null, null);
      group.<String>valueStep(ship, ctx -> events.add("ship") ? "shipped" : null, null);
      assertTrue(registry.cancel("t-1"));
      started.forEach(Runnable::run); // the executor runs the members only now
      group.join();
      result = run.done("not reached");
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo-book(booked)"), events, "neither member is attempted");
    assertEquals(List.of("pay", "ship"), result.errors().stream().map(StepError::step).toList());
    for (StepError error : result.errors()) {
      assertEquals(0, error.attempts());
      assertInstanceOf(WorkflowCancelledException.class, error.cause());
    }
  }

  @Test
  void aFatalErrorOfTheJvmInAConditionIsRethrownNotTakenForTheStepsFailure() {
    StackOverflowError fatal = new StackOverflowError("deep");

    StackOverflowError thrown;
    try {
      thrown = assertThrows(StackOverflowError.class, () -> runWithCondition(new RunRegistry(), retried("pay"), ctx -> {
        throw fatal;
      }));
    } finally {
      MDC.clear(); // the broken run did not end
    }

    assertSame(fatal, thrown);
    assertEquals(List.of(), listener.lines("step-failure:"));
    assertEquals(List.of(), events, "nothing is compensated: the run broke down");
  }

  @Test
  void aFatalErrorOfTheJvmInACompensationIsRethrownNotTakenForTheCompensationsFailure() {
    StackOverflowError fatal = new StackOverflowError("deep");
    StepSpec pay = StepSpec.of("pay", 1);
    WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "trip", BOOK, pay), RunOptions.builder().transactionId("t-1")
        .throwOnError(false).listener(listener).build(), Container.empty(), new RunRegistry(), "in");
    try {
      assertSame(fatal, assertThrows(StackOverflowError.class, () -> {
        try {
          run.<String>valueStep(BOOK, ctx -> "booked", (c, ctx) -> {
            throw fatal;
          });
          run.<String>valueStep(pay, ctx -> {
            throw new PermanentStepFailureException("declined");
          }, null);
        } catch (WorkflowRun.Halt halt) {
          run.halted(halt);
        }
      }));
    } finally {
      MDC.clear(); // the broken run did not end
    }
    assertEquals(List.of(), listener.lines("compensate-failure:"), "the run broke down: no compensation failed");
    assertEquals(List.of(), listener.lines("finish:"));
  }

  @Test
  void aFatalErrorOfTheJvmWhileAnAttemptBeginsIsRethrownNotTakenForTheAttemptsFailure() {
    StackOverflowError fatal = new StackOverflowError("deep");
    WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "trip", BOOK), RunOptions.builder().transactionId("t-1")
        .listener(new WorkflowListener() {
          @Override
          public void onStepBegin(StepContext step) {
            throw fatal;
          }
        }).build(), Container.empty(), new RunRegistry(), "in");
    try {
      assertSame(fatal, assertThrows(StackOverflowError.class, () -> run.<String>valueStep(retried("book"), ctx -> {
        events.add("book@" + ctx.attempt());
        return "booked";
      }, null)));
    } finally {
      MDC.clear(); // the broken run did not end
    }
    assertEquals(List.of(), events, "the step is not called, nor tried again");
  }
}
