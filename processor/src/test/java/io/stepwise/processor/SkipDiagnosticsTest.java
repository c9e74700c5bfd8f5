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
 * Skipped steps: {@code skipOnPermanentFailure} skips the steps after the failed one (up to its
 * {@code skipUntil}), so their outputs are {@code Optional}; {@code skipUntil} names a later step of
 * another group; {@code skippable} steps return a {@code StepResponse} and have {@code Optional} outputs.
 */
class SkipDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  // ---- which steps may be skipped

  @Test
  void fromAStepAfterASkipOnFailureStep_needsOptional_andTheMessageNamesTheSkippingStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true) String charge(@Input String in) { return in; }",
        "  @Step(\"pack\") String pack(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@From(\"pack\") String parcel) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("String parcel");
    assertThat(c).hadErrorContaining("@From parameters of a step that may end without an output must be Optional<T>, "
        + "empty when it did; step 'pack' is skipped when step 'charge' fails, because that step has "
        + "skipOnPermanentFailure, so parameter 'parcel' must be Optional<String>, not String");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void stepsFromTheSkipUntilStepOn_keepTheirOutputs_andTheResultOfASkippableResultStepIsOptional() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true, skipUntil = \"ship\")",
        "  String charge(@Input String in) { return in; }",
        "  @Step(\"pack\") String pack(@Input String in) { return in; }",
        "  @Step(\"ship\") String ship(@From(\"pack\") Optional<String> parcel) { return parcel.orElse(\"none\"); }",
        "  @Step(\"bill\") String bill(@From(\"ship\") String shipment) { return shipment; }",
        "  @Step(value = \"notify\", skipOnPermanentFailure = true) void notifyBuyer(@Input String in) {}",
        "  @Step(\"archive\") String archive(@From(\"bill\") String bill) { return bill; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner = runnerSource(c);
    assertThat(runner).contains(".onFailure(StepSpec.OnFailure.SKIP)\n      .skipUntil(\"ship\")");
    // 'archive', after 'notify', may be skipped: the workflow's result is Optional, as for a @When result step
    assertThat(runner).contains("public WorkflowResult<Optional<String>> run(String input)");
    assertThat(runner).contains("Optional<String> pack = run.<String>valueStep(PACK,\n            Condition.ALWAYS,");
    assertThat(runner).contains("String ship = run.<String>valueStep(SHIP,\n");
  }

  @Test
  void aFailingGroupMemberSkipsTheStepsAfterItsGroup_notItsSiblings() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"quote\", skipOnPermanentFailure = true) @Parallel(\"prepare\")",
        "  String quote(@Input String in) { return in; }",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"ship\") String ship(@From(\"reserve\") String reservation) { return reservation; }",
        "  @Step(\"bill\") void bill(@From(\"ship\") String shipment) {}",
        "}");
    Compilation c = compile(src);
    // ship, after the group, may be skipped when quote fails: bill takes it Optional. reserve, quote's
    // sibling, ran together with it: ship takes it as it is
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("String shipment");
    assertThat(c).hadErrorContaining("step 'ship' is skipped when step 'quote' fails");
  }

  @Test
  void aSiblingOfAFailingGroupMember_keepsItsOutput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"quote\", skipOnPermanentFailure = true, skipUntil = \"ship\") @Parallel(\"prepare\")",
        "  String quote(@Input String in) { return in; }",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"ship\") String ship(@From(\"reserve\") String reservation) { return reservation; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertThat(runnerSource(c)).contains("public WorkflowResult<String> run(String input)");
  }

  @Test
  void aSkipUntilStepInAGroup_resumesAtTheWholeGroup() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true, skipUntil = \"label\")",
        "  String charge(@Input String in) { return in; }",
        "  @Step(\"pack\") String pack(@Input String in) { return in; }",
        "  @Step(\"box\") @Parallel(\"ship\") String box(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"ship\") String label(@Input String in) { return in; }",
        "  @Step(\"send\") String send(@From(\"box\") String box, @From(\"label\") String label,",
        "      @From(\"pack\") Optional<String> pack) { return box + label + pack.orElse(\"\"); }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    String runner = runnerSource(c);
    assertThat(runner).contains(".skipUntil(\"box\")");
    assertThat(runner).contains("public WorkflowResult<String> run(String input)");
  }

  // ---- skipUntil

  @Test
  void skipUntilWithoutSkipOnPermanentFailure_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", continueOnPermanentFailure = true,",
        "      skipUntil = \"ship\")",
        "  String charge(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:SkipUntilWithoutSkip]")
        .inFile(src).onLineContaining("skipUntil = \"ship\"");
    assertThat(c).hadErrorContaining("@Step(skipUntil) names the step at which a run goes on after the step fails "
        + "with skipOnPermanentFailure; step 'charge' does not set skipOnPermanentFailure. Add "
        + "skipOnPermanentFailure = true, or remove skipUntil");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void skipUntilAnUnknownStep_isAnError_withASuggestion() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true,",
        "      skipUntil = \"shipp\")",
        "  String charge(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownSkipUntilStep]")
        .inFile(src).onLineContaining("skipUntil = \"shipp\"");
    assertThat(c).hadErrorContaining("@Step(skipUntil = \"shipp\") must name a step of the workflow, but 'checkout' "
        + "has no step 'shipp'; did you mean 'ship'?");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void skipUntilAnEarlierStep_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true,",
        "      skipUntil = \"create\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:SkipUntilNotLater]")
        .inFile(src).onLineContaining("skipUntil = \"create\"");
    assertThat(c).hadErrorContaining("@Step(skipUntil) must name a step declared after step 'charge', because a run "
        + "skips forward to it; 'create' is declared before it. Name a later step, or remove skipUntil to skip "
        + "every step after 'charge'");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void skipUntilTheStepItself_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true,",
        "      skipUntil = \"charge\")",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:SkipUntilNotLater]")
        .inFile(src).onLineContaining("skipUntil = \"charge\"");
    assertThat(c).hadErrorContaining("'charge' is the step itself.");
  }

  @Test
  void skipUntilAStepOfTheSameGroup_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"quote\", skipOnPermanentFailure = true,",
        "      skipUntil = \"reserve\")",
        "  @Parallel(\"prepare\") String quote(@Input String in) { return in; }",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:SkipUntilSameGroup]")
        .inFile(src).onLineContaining("skipUntil = \"reserve\"");
    assertThat(c).hadErrorContaining("@Step(skipUntil) must name a step after the @Parallel group of step 'quote', "
        + "because the steps of a group run together and a failure skips only the steps after the group; 'reserve' "
        + "is in the same group 'prepare'. Name a step after the group, or remove skipUntil");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void anEmptySkipUntil_isTheDefault() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", skipOnPermanentFailure = true, skipUntil = \"\") void charge(@Input String in) {}",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertThat(runnerSource(c)).doesNotContain(".skipUntil(");
  }

  // ---- skippable

  @Test
  void skippableOnAStepThatDoesNotReturnAStepResponse_isAnError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\",",
        "      skippable = true)",
        "  String charge(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:SkippableNeedsStepResponse]")
        .inFile(src).onLineContaining("skippable = true");
    assertThat(c).hadErrorContaining("@Step(skippable = true) steps skip themselves by returning StepResponse.skip(), "
        + "so they must return StepResponse<O, C> (or a CompletionStage of one); charge(String) returns String. "
        + "Return a StepResponse, or remove skippable");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromASkippableStep_needsOptional() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"charge\", skippable = true)",
        "  StepResponse<String, String> charge(@Input String in) { return StepResponse.skip(); }",
        "  @Step(\"ship\") void ship(@From(\"charge\") String payment) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("String payment");
    assertThat(c).hadErrorContaining("step 'charge' has skippable = true, so parameter 'payment' must be "
        + "Optional<String>, not String");
  }

  @Test
  void aSkippableAsyncStep_compilesCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(value = \"charge\", skippable = true)",
        "  java.util.concurrent.CompletableFuture<StepResponse<String, String>> charge(@Input String in) {",
        "    return java.util.concurrent.CompletableFuture.completedFuture(StepResponse.skip(\"no card\"));",
        "  }",
        "  @Step(\"ship\") String ship(@From(\"charge\") Optional<String> payment) { return payment.orElse(\"\"); }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertThat(runnerSource(c)).contains(".skippable()");
  }

  private static String runnerSource(Compilation c) {
    return DiagnosticTesting.generated(c, "test.CheckoutRunner");
  }
}
