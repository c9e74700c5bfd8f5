package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Step(noWait = true)}: the steps after it start while it runs, so nothing takes its output,
 * it is not the result step nor the last step, not in a {@code @Parallel} group, and does not skip
 * the steps after it on a failure. A valid one is started on a group of its own that is never joined.
 */
class NoWaitDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  @Test
  void aNoWaitStepIsStartedAndNeverJoined_andItsWhenAndContinueOnFailureAreAllowed() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"charge\") String charge(@Input String in) { return in; }",
        "  @Step(value = \"email\", noWait = true, maxRetries = 2, continueOnPermanentFailure = true)",
        "  @When(\"wantsMail\") String email(@From(\"charge\") String charge) { return charge; }",
        "  boolean wantsMail(@Input String in) { return !in.isEmpty(); }",
        "  @Step(\"ship\") String ship(@From(\"charge\") String charge) { return charge; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner = runnerSource(c);
    assertThat(runner).contains("WorkflowRun.Group emailNoWait = run.noWait(\"email\");\n"
        + "    emailNoWait.<String>valueStep(EMAIL,");
    assertThat(runner).doesNotContain("emailNoWait.join()");
    assertThat(runner).contains("email<br/>retries: 2<br/>when wantsMail()<br/>continue on failure<br/>no wait");
    assertThat(runner).contains("step1 --> step2\\n\"\n      + \"  step1 --> step3\\n\"");
    assertThat(runner).contains("step2 -.->|\\\"no wait: ends before the run\\\"| result");
  }

  @Test
  void anAsyncNoWaitStepGoesOnWithTheChainAtOnce() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"charge\") java.util.concurrent.CompletableFuture<String> charge(@Input String in) {",
        "    return java.util.concurrent.CompletableFuture.completedFuture(in);",
        "  }",
        "  @Step(value = \"email\", noWait = true) java.util.concurrent.CompletableFuture<Void> email(@Input String in) {",
        "    return java.util.concurrent.CompletableFuture.completedFuture(null);",
        "  }",
        "  @Step(\"ship\") String ship(@From(\"charge\") String charge) { return charge; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    String runner = runnerSource(c);
    assertThat(runner).contains("AsyncRun.Group emailNoWait = run.noWait(\"email\");\n"
        + "        emailNoWait.voidStepAsync(EMAIL,");
    assertThat(runner).contains("return run.<String>valueStep(SHIP,");
  }

  @Test
  void fromANoWaitStep_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"email\", noWait = true) String email(@Input String in) { return in; }",
        "  @Step(\"ship\") String ship(",
        "      @From(\"email\") String mail) { return mail; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromNoWaitStep]").inFile(src).onLineContaining("String mail");
    assertThat(c).hadErrorContaining("@From cannot take the output of a noWait step, because the steps after it "
        + "start while it still runs; step 'email' has noWait = true, and parameter 'mail' of ship(String) "
        + "takes @From(\"email\"). Remove noWait from step 'email', or take the value from a step that is waited for");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromANoWaitStepInACondition_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"email\", noWait = true) String email(@Input String in) { return in; }",
        "  @Step(\"ship\") @When(\"mailed\") void ship(@Input String in) {}",
        "  boolean mailed(",
        "      @From(\"email\") String mail) { return true; }",
        "  @Step(\"bill\") String bill(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromNoWaitStep]").inFile(src).onLineContaining("String mail");
    assertThat(c).hadErrorContaining("parameter 'mail' of mailed(String) takes @From(\"email\")");
  }

  @Test
  void theImplicitResultStep_cannotBeNoWait() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") String charge(@Input String in) { return in; }",
        "  @Step(value = \"ship\", noWait = true) String ship(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoWaitResultStep]").inFile(src).onLineContaining("\"ship\"");
    assertThat(c).hadErrorContaining("@Step(noWait = true) cannot be on the workflow's result step, because the "
        + "result is its output, which the run cannot wait for; step 'ship' is the result step of 'checkout' (the "
        + "last declared step). Remove noWait, or make another step the result with @Workflow(result = \"...\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void theExplicitResultStep_cannotBeNoWait() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", result = \"charge\") class Checkout {",
        "  @Step(value = \"charge\", noWait = true) String charge(@Input String in) { return in; }",
        "  @Step(\"ship\") String ship(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoWaitResultStep]").inFile(src).onLineContaining("\"charge\", noWait");
    assertThat(c).hadErrorContaining("step 'charge' is the result step of 'checkout' (named by @Workflow(result))");
  }

  @Test
  void theLastStep_cannotBeNoWait() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", result = \"charge\") class Checkout {",
        "  @Step(\"charge\") String charge(@Input String in) { return in; }",
        "  @Step(value = \"ship\", noWait = true) void ship(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoWaitLastStep]").inFile(src).onLineContaining("\"ship\"");
    assertThat(c).hadErrorContaining("@Step(noWait = true) lets the steps after a step start without waiting for "
        + "it, but step 'ship' is the last step of 'checkout' and has none after it; the run waits for it anyway. "
        + "Remove noWait");
  }

  @Test
  void aStepOfAParallelGroup_cannotBeNoWait() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"email\", noWait = true) @Parallel(\"notify\") void email(@Input String in) {}",
        "  @Step(\"text\") @Parallel(\"notify\") void text(@Input String in) {}",
        "  @Step(\"ship\") String ship(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoWaitInParallel]").inFile(src).onLineContaining("\"email\"");
    assertThat(c).hadErrorContaining("@Step(noWait = true) cannot be on a step of a @Parallel group, because the "
        + "steps after a group start only when each of its steps ended; step 'email' is in group 'notify'. Remove "
        + "noWait, or move the step out of the group");
  }

  @Test
  void noWaitWithSkipOnPermanentFailure_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"email\", noWait = true, skipOnPermanentFailure = true) void email(@Input String in) {}",
        "  @Step(\"ship\") String ship(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoWaitSkipOnPermanentFailure]").inFile(src)
        .onLineContaining("\"email\"");
    assertThat(c).hadErrorContaining("@Step(noWait = true) cannot go with skipOnPermanentFailure, because the steps "
        + "after a noWait step start while it runs and may have ended when it fails, too late to be skipped; step "
        + "'email' sets both. Use continueOnPermanentFailure, or remove noWait");
  }

  private static String runnerSource(Compilation c) {
    return DiagnosticTesting.generated(c, "test.CheckoutRunner");
  }
}
