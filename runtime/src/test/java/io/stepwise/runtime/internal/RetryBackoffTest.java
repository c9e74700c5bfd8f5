package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retry interval and backoff: {@code StepSpec.builder(name).retryInterval(ms).backoff(f).maxRetryInterval(ms)}.
 * Timing assertions check lower bounds exactly and upper bounds only generously.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RetryBackoffTest {
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();
  static final long MS = 1_000_000L;

  final Script script = new Script();

  static List<Long> delays(StepSpec spec, int retries) {
    return IntStream.rangeClosed(1, retries).mapToObj(spec::retryDelayMillis).toList();
  }

  // ------------------------------------------------------------------ retryDelayMillis

  @Test
  void delaysGrowByTheBackoffUpToTheMaximum() {
    StepSpec spec = StepSpec.builder("s").maxRetries(5).retryInterval(20).backoff(2.0).maxRetryInterval(50).build();
    assertEquals(List.of(20L, 40L, 50L, 50L, 50L), delays(spec, 5));
  }

  @Test
  void withoutMaximumTheDelayKeepsGrowing() {
    StepSpec spec = StepSpec.builder("s").retryInterval(10).backoff(3.0).build();
    assertEquals(List.of(10L, 30L, 90L, 270L, 810L), delays(spec, 5));
  }

  @Test
  void withoutBackoffTheDelayIsConstant() {
    StepSpec spec = StepSpec.builder("s").retryInterval(25).build();
    assertEquals(List.of(25L, 25L, 25L), delays(spec, 3));
  }

  @Test
  void fractionalDelaysAreRoundedDown() {
    StepSpec spec = StepSpec.builder("s").retryInterval(10).backoff(1.5).build();
    assertEquals(List.of(10L, 15L, 22L, 33L), delays(spec, 4)); // 22.5, 33.75
  }

  @Test
  void maximumBelowTheIntervalCapsEveryDelay() {
    StepSpec spec = StepSpec.builder("s").retryInterval(100).backoff(2.0).maxRetryInterval(30).build();
    assertEquals(List.of(30L, 30L), delays(spec, 2));
  }

  @Test
  void withoutIntervalThereIsNoDelayWhateverTheBackoff() {
    assertEquals(List.of(0L, 0L, 0L), delays(StepSpec.builder("s").backoff(2.0).maxRetryInterval(50).build(), 3));
    assertEquals(List.of(0L, 0L), delays(StepSpec.of("s", 3), 2));
  }

  @Test
  void hugeExponentsSaturateInsteadOfOverflowing() {
    StepSpec capped = StepSpec.builder("s").retryInterval(1000).backoff(10).maxRetryInterval(60_000).build();
    assertEquals(60_000L, capped.retryDelayMillis(400)); // 1000 * 10^399 is Infinity as a double
    StepSpec uncapped = StepSpec.builder("s").retryInterval(1000).backoff(10).build();
    assertEquals(Long.MAX_VALUE, uncapped.retryDelayMillis(400));
    assertTrue(uncapped.retryDelayMillis(30) > 0);
  }

  @Test
  void invalidValuesAreRejectedNamingTheStep() {
    List<IllegalArgumentException> errors = new ArrayList<>();
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").retryInterval(-1).build()));
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").maxRetryInterval(-1).build()));
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").timeout(-1).build()));
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").backoff(0.5).build()));
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").backoff(Double.NaN).build()));
    errors.add(assertThrows(IllegalArgumentException.class,
        () -> StepSpec.builder("pay").backoff(Double.POSITIVE_INFINITY).build()));
    errors.add(assertThrows(IllegalArgumentException.class, () -> StepSpec.builder("pay").maxRetries(-1).build()));
    for (IllegalArgumentException e : errors) {
      assertTrue(e.getMessage().contains("'pay'"), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> StepSpec.builder("pay").onFailure(null).build());
  }

  @Test
  void defaultsHaveNoDelayNoTimeoutAndCompensate() {
    StepSpec spec = StepSpec.of("s", 2);
    assertEquals(2, spec.maxRetries());
    assertEquals(3, spec.maxAttempts());
    assertEquals(0, spec.timeoutMillis());
    assertEquals(StepSpec.OnFailure.COMPENSATE, spec.onFailure());
    assertEquals(0, spec.retryDelayMillis(1));
  }

  // ------------------------------------------------------------------ runs

  @Test
  void attemptsOfAFailingStepAreSpacedByAtLeastTheConfiguredDelays() {
    script.onInvoke("charge", Script.fail(3));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(20).backoff(2.0).maxRetryInterval(50).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", NO_THROW);
    long elapsed = System.nanoTime() - start;

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k with charge-reservation-k", result.result());
    List<Long> gaps = gaps("invoke:charge@1", "invoke:charge@2", "invoke:charge@3", "invoke:charge@4");
    assertAtLeast(List.of(20L, 40L, 50L), gaps);
    assertTrue(elapsed < 3_000 * MS, "took " + elapsed / MS + " ms");
  }

  @Test
  void noPauseFollowsTheLastAttempt() {
    script.onInvoke("charge", Script.failAlways());
    // the pause before a third attempt would be 30 * 200 = 6000 ms
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(1).retryInterval(30).backoff(200).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", NO_THROW);
    long elapsed = System.nanoTime() - start;

    assertEquals(List.of("charge/INVOKE/2"), describe(result.errors()));
    assertAtLeast(List.of(30L), gaps("invoke:charge@1", "invoke:charge@2"));
    assertTrue(elapsed < 3_000 * MS, "took " + elapsed / MS + " ms");
  }

  @Test
  void aPermanentFailureIsNeitherRetriedNorDelayed() {
    script.onInvoke("reserve", ctx -> StepResponse.permanentFailure("out of stock"));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("reserve").maxRetries(3).retryInterval(5_000).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", NO_THROW);
    long elapsed = System.nanoTime() - start;

    assertEquals(List.of("reserve/INVOKE/1"), describe(result.errors()));
    assertEquals("out of stock",
        assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause()).getMessage());
    assertTrue(elapsed < 2_500 * MS, "took " + elapsed / MS + " ms");
  }

  @Test
  void aThrownPermanentFailureIsNeitherRetriedNorDelayed() {
    PermanentStepFailureException blocked = new PermanentStepFailureException("card blocked");
    script.onInvoke("charge", ctx -> {
      throw blocked;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(5_000).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", NO_THROW);
    long elapsed = System.nanoTime() - start;

    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertSame(blocked, result.errors().get(0).cause());
    assertTrue(elapsed < 2_500 * MS, "took " + elapsed / MS + " ms");
  }

  @Test
  void compensationsAreRetriedWithTheSameDelays() {
    script.onInvoke("ship", Script.failAlways());
    script.onCompensate("reserve", Script.fail(3));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("reserve").maxRetries(3).retryInterval(20).backoff(2.0).maxRetryInterval(50).build());

    WorkflowResult<String> result = runner.run("k", NO_THROW);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("ship/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of("compensate:charge(charge-reservation-k)@1",
        "compensate:reserve(res-k)@1", "compensate:reserve(res-k)@2", "compensate:reserve(res-k)@3",
        "compensate:reserve(res-k)@4"), script.events("compensate:"));
    assertAtLeast(List.of(20L, 40L, 50L), gaps("compensate:reserve(res-k)@1", "compensate:reserve(res-k)@2",
        "compensate:reserve(res-k)@3", "compensate:reserve(res-k)@4"));
  }

  @Test
  void aCompensationThatNeverSucceedsIsTriedAsOftenAsItsStepWithTheDelays() {
    script.onInvoke("ship", Script.failAlways());
    script.onCompensate("charge", Script.failAlways());
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(2).retryInterval(30).build());

    WorkflowResult<String> result = runner.run("k", NO_THROW);

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("ship/INVOKE/1", "charge/COMPENSATE/3"), describe(result.errors()));
    assertAtLeast(List.of(30L, 30L), gaps("compensate:charge(charge-reservation-k)@1",
        "compensate:charge(charge-reservation-k)@2", "compensate:charge(charge-reservation-k)@3"));
    assertEquals("compensate:reserve(res-k)@1", script.events("compensate:").get(3)); // the rest still ran
  }

  private List<Long> gaps(String... events) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < events.length; i++) {
      gaps.add(script.entry(events[i]).nanos() - script.entry(events[i - 1]).nanos());
    }
    return gaps;
  }

  /** Each gap (in nanoseconds) is at least the delay (in milliseconds), and not absurdly longer. */
  private static void assertAtLeast(List<Long> delaysMillis, List<Long> gapsNanos) {
    assertEquals(delaysMillis.size(), gapsNanos.size());
    for (int i = 0; i < delaysMillis.size(); i++) {
      long delay = delaysMillis.get(i);
      long gap = gapsNanos.get(i);
      int n = i;
      assertTrue(gap >= delay * MS, () -> "gap " + (n + 1) + " was " + gap / 1e6 + " ms, expected >= " + delay);
      assertTrue(gap < (delay + 2_000) * MS, () -> "gap " + (n + 1) + " was " + gap / 1e6 + " ms");
    }
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
