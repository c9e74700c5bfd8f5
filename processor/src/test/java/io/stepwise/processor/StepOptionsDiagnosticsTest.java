package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The retry, timeout and failure options of {@code @Step}, and {@code @Workflow(timeout)}: durations,
 * backoff, options that need other options, and the Optional wiring of steps that may fail without
 * stopping the run.
 */
class StepOptionsDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  // ---- durations

  @Test
  void everyDurationForm_compilesCleanly_withTheRightMilliseconds() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", timeout = \"1h\") public class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3, retryInterval = \"250ms\", backoff = 2.0, maxRetryInterval = \"1.5m\",",
        "      timeout = \"2s\")",
        "  String create(@Input String in) { return in; }",
        "  @Step(value = \"charge\", maxRetries = 1, retryInterval = \"PT0.5S\", maxRetryInterval = \"PT0.5S\", timeout = \"1d\")",
        "  String charge(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner = runnerSource(c);
    assertThat(runner).contains(".retryInterval(250L)");
    assertThat(runner).contains(".backoff(2.0)");
    assertThat(runner).contains(".maxRetryInterval(90000L)");
    assertThat(runner).contains(".timeout(2000L)");
    assertThat(runner).contains(".retryInterval(500L)");
    assertThat(runner).contains(".maxRetryInterval(500L)");
    assertThat(runner).contains(".timeout(86400000L)");
    assertThat(runner).contains(".withTimeout(3600000L)");
  }

  @Test
  void emptyDurations_areTheDefaults_notErrors() {
    // "" is what the attributes default to: no pause, no timeout. Written out, it means the same.
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", timeout = \"\") public class Checkout {",
        "  @Step(value = \"create\", retryInterval = \"\", maxRetryInterval = \"\", timeout = \"\")",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner = runnerSource(c);
    assertThat(runner).contains("StepSpec.of(\"create\", 0)");
    assertThat(runner).doesNotContain("withTimeout(");
  }

  @Test
  void workflowTimeout_notADuration() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", timeout = \"soon\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("timeout = \"soon\"");
    assertThat(c).hadErrorContaining("@Workflow(timeout) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; "
        + "\"soon\" is not, because it is neither a number with a unit of ms, s, m, h or d, nor an ISO-8601 duration");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void stepTimeout_withAWordForAUnit() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", timeout = \"5 seconds\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("timeout = \"5 seconds\"");
    assertThat(c).hadErrorContaining("@Step(timeout) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; "
        + "\"5 seconds\" is not, because 'seconds' is not a unit; use ms, s, m, h or d");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void retryInterval_withoutAUnit_isNotAlsoMissingForTheBackoff() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3,",
        "      retryInterval = \"2\",",
        "      backoff = 2.0)",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // no RetryOptionWithoutInterval for the backoff: the interval is there, only wrong
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("retryInterval = \"2\"");
    assertThat(c).hadErrorContaining("@Step(retryInterval) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; "
        + "\"2\" is not, because it has no unit; add ms, s, m, h or d");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void maxRetryInterval_negative_isNotAlsoTooShort() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3, retryInterval = \"1s\",",
        "      maxRetryInterval = \"-5s\")",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("maxRetryInterval = \"-5s\"");
    assertThat(c).hadErrorContaining("@Step(maxRetryInterval) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; "
        + "\"-5s\" is not, because it is negative");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void badMaxRetryInterval_withoutRetryInterval_isOneError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3, maxRetryInterval = \"1 min\")",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // not also RetryOptionWithoutInterval for the same value
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("maxRetryInterval = \"1 min\"");
    assertThat(c).hadErrorContaining("\"1 min\" is not, because 'min' is not a unit; use ms, s, m, h or d");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fractionOfAMillisecond_onAStepWithoutRetries_isOneError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", retryInterval = \"1.5ms\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // not also RetryOptionWithoutRetries for the same value
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("retryInterval = \"1.5ms\"");
    assertThat(c).hadErrorContaining("@Step(retryInterval) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; "
        + "\"1.5ms\" is not, because it is not a whole number of milliseconds");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void isoDuration_thatDoesNotParse() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", timeout = \"PT5\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("timeout = \"PT5\"");
    assertThat(c).hadErrorContaining("\"PT5\" is not, because it is not a valid ISO-8601 duration");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void isoDuration_finerThanAMillisecond() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", timeout = \"PT0.0005S\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]")
        .inFile(src).onLineContaining("timeout = \"PT0.0005S\"");
    assertThat(c).hadErrorContaining("\"PT0.0005S\" is not, because it is not a whole number of milliseconds");
    assertNoRunner(c, "Checkout");
  }

  // ---- zero timeouts

  @Test
  void zeroStepTimeout() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", timeout = \"0s\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ZeroTimeout]")
        .inFile(src).onLineContaining("timeout = \"0s\"");
    assertThat(c).hadErrorContaining("@Step(timeout) must be longer than zero; leave it out for no timeout");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void zeroWorkflowTimeout_inIsoForm() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", timeout = \"PT0S\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ZeroTimeout]")
        .inFile(src).onLineContaining("timeout = \"PT0S\"");
    assertThat(c).hadErrorContaining("@Workflow(timeout) must be longer than zero; leave it out for no timeout");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void zeroRetryInterval_isAllowed() {
    // only a timeout must be longer than zero; a zero pause retries at once, like no pause
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"create\", maxRetries = 2, retryInterval = \"0ms\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  // ---- backoff

  @Test
  void backoffBelowOne() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3, retryInterval = \"1s\",",
        "      backoff = 0.5)",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadBackoff]")
        .inFile(src).onLineContaining("backoff = 0.5");
    assertThat(c).hadErrorContaining(
        "@Step(backoff) must be a finite number of at least 1.0 (1.0 keeps the pause constant); found 0.5");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void backoffNaN_isShownAsNaN() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = 3, retryInterval = \"1s\",",
        "      backoff = Double.NaN)",
        "  String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:BadBackoff]")
        .inFile(src).onLineContaining("backoff = Double.NaN");
    assertThat(c).hadErrorContaining("at least 1.0 (1.0 keeps the pause constant); found NaN");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void badBackoff_onAStepWithoutRetries_isOneError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", backoff = Double.POSITIVE_INFINITY) String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // not also RetryOptionWithoutRetries for the same value
    assertThat(c).hadErrorContaining("[stepwise:BadBackoff]")
        .inFile(src).onLineContaining("backoff = Double.POSITIVE_INFINITY");
    assertThat(c).hadErrorContaining("found Infinity");
    assertNoRunner(c, "Checkout");
  }

  // ---- options that need other options

  @Test
  void retryOptions_withoutRetries_eachOnItsValue() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\",",
        "      retryInterval = \"2s\",",
        "      backoff = 2.0,",
        "      maxRetryInterval = \"10s\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries] @Step(retryInterval)")
        .inFile(src).onLineContaining("retryInterval = \"2s\"");
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries] @Step(backoff)")
        .inFile(src).onLineContaining("backoff = 2.0");
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries] @Step(maxRetryInterval)")
        .inFile(src).onLineContaining("maxRetryInterval = \"10s\"");
    assertThat(c).hadErrorContaining("@Step(retryInterval) applies between retries, but step 'charge' has maxRetries = 0; "
        + "set maxRetries, or remove retryInterval");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void retryInterval_withExplicitZeroRetries() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 0, retryInterval = \"2s\") String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries]")
        .inFile(src).onLineContaining("retryInterval = \"2s\"");
    assertThat(c).hadErrorContaining("but step 'charge' has maxRetries = 0; set maxRetries, or remove retryInterval");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void backoffAndMaxRetryInterval_withoutRetryInterval() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 3,",
        "      backoff = 2.0,",
        "      maxRetryInterval = \"10s\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutInterval] @Step(backoff)")
        .inFile(src).onLineContaining("backoff = 2.0");
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutInterval] @Step(maxRetryInterval)")
        .inFile(src).onLineContaining("maxRetryInterval = \"10s\"");
    assertThat(c).hadErrorContaining("@Step(backoff) changes the retryInterval, but step 'charge' has none; "
        + "set retryInterval, or remove backoff");
    assertThat(c).hadErrorContaining("@Step(maxRetryInterval) changes the retryInterval, but step 'charge' has none; "
        + "set retryInterval, or remove maxRetryInterval");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void maxRetryInterval_shorterThanRetryInterval() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 3, retryInterval = \"5s\", backoff = 2.0,",
        "      maxRetryInterval = \"PT1S\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:MaxRetryIntervalTooShort]")
        .inFile(src).onLineContaining("maxRetryInterval = \"PT1S\"");
    assertThat(c).hadErrorContaining("@Step(maxRetryInterval) must be at least the retryInterval; "
        + "step 'charge' has maxRetryInterval 1000 ms, below its retryInterval 5000 ms");
    assertNoRunner(c, "Checkout");
  }

  // ---- retryOnTimeout

  @Test
  void retryOnTimeoutFalse_withoutTimeout() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 3,",
        "      retryOnTimeout = false)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RetryOnTimeoutWithoutTimeout]")
        .inFile(src).onLineContaining("retryOnTimeout = false");
    assertThat(c).hadErrorContaining("@Step(retryOnTimeout = false) fails the step when an attempt times out, but "
        + "step 'charge' has no timeout; set timeout, or remove retryOnTimeout");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void retryOnTimeoutFalse_withoutRetries() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", timeout = \"2s\",",
        "      retryOnTimeout = false)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries]")
        .inFile(src).onLineContaining("retryOnTimeout = false");
    assertThat(c).hadErrorContaining("@Step(retryOnTimeout) applies between retries, but step 'charge' has "
        + "maxRetries = 0; set maxRetries, or remove retryOnTimeout");
    assertNoRunner(c, "Checkout");
  }

  // ---- autoRetry = false

  @Test
  void autoRetryFalse_compilesCleanly_withRetryAndFailMethodsNamedFromTheStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge-payment\", maxRetries = 3, autoRetry = false, timeout = \"2s\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    String runner = runnerSource(c);
    assertThat(runner).contains(".autoRetry(false)");
    assertThat(runner).contains("public boolean retryChargePayment(String transactionId) {");
    assertThat(runner).contains("return runs.retryStep(transactionId, \"charge-payment\");");
    assertThat(runner).contains("public boolean failChargePayment(String transactionId) {");
    assertThat(runner).contains("return runs.failStep(transactionId, \"charge-payment\");");
  }

  @Test
  void autoRetryTrue_isTheDefault_andGivesNoMethods() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 1, autoRetry = true)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    String runner = runnerSource(c);
    assertThat(runner).doesNotContain("autoRetry");
    assertThat(runner).doesNotContain("retryCharge");
  }

  @Test
  void autoRetryFalse_withoutRetries() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\",",
        "      autoRetry = false)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RetryOptionWithoutRetries]")
        .inFile(src).onLineContaining("autoRetry = false");
    assertThat(c).hadErrorContaining("@Step(autoRetry) applies between retries, but step 'charge' has "
        + "maxRetries = 0; set maxRetries, or remove autoRetry");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void autoRetryFalse_withPauseOptions_isAnErrorOnEach() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge-card\", maxRetries = 2, autoRetry = false,",
        "      retryInterval = \"1s\",",
        "      backoff = 2.0)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:ManualRetryWithPause] @Step(retryInterval) shapes the pause before an "
        + "automatic retry, but step 'charge-card' has autoRetry = false: it is retried when the application calls "
        + "retryChargeCard(transactionId), after no pause; remove retryInterval")
        .inFile(src).onLineContaining("retryInterval = ");
    assertThat(c).hadErrorContaining("[stepwise:ManualRetryWithPause] @Step(backoff) shapes the pause")
        .inFile(src).onLineContaining("backoff = 2.0");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void autoRetryFalse_onStepsWhoseMethodsClash_isReportedOnTheSecond() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge-card\", maxRetries = 1, autoRetry = false) String a(@Input String in) { return in; }",
        "  @Step(value = \"charge_card\", maxRetries = 1, autoRetry = false) String b(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ManualRetryNameClash] Steps with autoRetry = false must give distinct "
        + "retry methods on the runner; steps 'charge-card' and 'charge_card' both give retryChargeCard(...). Rename one")
        .inFile(src).onLineContaining("charge_card");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void retryOnTimeoutFalse_withABadTimeout_isOneError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", timeout = \"2 sec\", retryOnTimeout = false)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // the timeout's own error, not also one for retryOnTimeout
    assertThat(c).hadErrorContaining("[stepwise:BadDuration]").inFile(src).onLineContaining("timeout = \"2 sec\"");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void retryOnTimeout_explicitTrue_orFalseWithTimeoutAndRetries_compilesCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", maxRetries = 2, timeout = \"2s\", retryOnTimeout = false)",
        "  String charge(@Input String in) { return in; }",
        "  @Step(value = \"ship\", retryOnTimeout = true) void ship(@From(\"charge\") String payment) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.CheckoutRunner")
        .contentsAsUtf8String().contains(".retryOnTimeout(false)");
  }

  // ---- failure options

  @Test
  void bothFailureOptions() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"notify\",",
        "      continueOnPermanentFailure = true,",
        "      skipOnPermanentFailure = true)",
        "  void sendNotice(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConflictingFailureOptions]")
        .inFile(src).onLineContaining("skipOnPermanentFailure = true");
    assertThat(c).hadErrorContaining("@Step may set continueOnPermanentFailure or skipOnPermanentFailure, not both; "
        + "step 'notify' sets both. Keep one");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAContinueOnFailureStep_needsOptional() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", continueOnPermanentFailure = true) String charge(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@From(\"charge\") String payment) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("String payment");
    assertThat(c).hadErrorContaining("@From parameters of a step that may end without an output must be Optional<T>, "
        + "empty when it did; step 'charge' has continueOnPermanentFailure, so parameter 'payment' must be "
        + "Optional<String>, not String");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromASkipOnFailureStep_needsOptionalOfTheBox() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"count\", skipOnPermanentFailure = true) int count(@Input String in) { return 1; }",
        "  @Step(\"ship\") void ship(@From(\"count\") int parcels) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("int parcels");
    assertThat(c).hadErrorContaining(
        "step 'count' has skipOnPermanentFailure, so parameter 'parcels' must be Optional<Integer>, not int");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAContinueOnFailureStep_asOptional_compilesCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", continueOnPermanentFailure = true) String charge(@Input String in) { return in; }",
        "  @Step(value = \"count\", skipOnPermanentFailure = true) int count(@Input String in) { return 1; }",
        "  @Step(\"ship\") String ship(@From(\"charge\") Optional<String> payment, @From(\"count\") Optional<Integer> parcels) {",
        "    return payment.orElse(\"unpaid\");",
        "  }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner = runnerSource(c);
    assertThat(runner).contains(".onFailure(");
    assertThat(runner).contains("CONTINUE)");
    assertThat(runner).contains("SKIP)");
  }

  private static String runnerSource(Compilation c) {
    try {
      return c.generatedSourceFile("test.CheckoutRunner").orElseThrow().getCharContent(true).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
