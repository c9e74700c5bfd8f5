package io.stepwise.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous steps: a {@code @Step} method may return a {@code CompletionStage} (or a subtype),
 * and is then read as what the stage completes with. Bad stages, and stages where only a value will
 * do ({@code @Hook}, {@code @ChildWorkflow}, conditions, compensations), are errors.
 *
 * <p>The valid workflows here compile clean, runner included.
 */
class AsyncStepDiagnosticsTest {
  private static final String IMPORT = "import java.util.concurrent.*;";

  /** The application's types. */
  private static JavaFileObject types() {
    return source("Types",
        "class Types {}",
        "class Reservation {}",
        "class Payment {}");
  }

  /** The stepwise messages and the errors javac reports in the workflow's own source. */
  private static void assertNoErrorsFromTheProcessor(Compilation c, JavaFileObject src) {
    assertWithMessage("stepwise diagnostics").that(stepwiseMessages(c)).isEmpty();
    List<String> inSource = c.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .filter(d -> d.getSource() != null && d.getSource().toUri().equals(src.toUri()))
        .map(d -> d.getMessage(Locale.ROOT))
        .collect(Collectors.toList());
    assertWithMessage("errors in the workflow source").that(inSource).isEmpty();
  }

  // ---- valid shapes

  @Test
  void futureStageOfResponseAndStageOfVoid_areWiredByWhatTheyCompleteWith() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletableFuture<Reservation> reserve(@Input String in) {",
        "    return CompletableFuture.completedFuture(new Reservation());",
        "  }",
        "  @Compensate(\"reserve\") void release(Reservation reservation) {}",
        "  @Step(\"pay\") CompletionStage<StepResponse<Payment, String>> pay(@From(\"reserve\") Reservation r) {",
        "    return CompletableFuture.completedFuture(new StepResponse<>(new Payment(), \"pay-1\"));",
        "  }",
        "  @Compensate(\"pay\") void refund(String paymentId) {}",
        "  @Step(\"notify\") CompletionStage<Void> notifyCustomer(@Input String in) {",
        "    return CompletableFuture.completedFuture(null);",
        "  }",
        "  @Compensate(\"notify\") void unnotify(StepContext ctx) {}",
        "  @Step(\"ship\") String ship(@From(\"reserve\") Reservation r, @From(\"pay\") Payment p) { return \"shipped\"; }",
        "}");
    Compilation c = compile(src, types());
    assertNoErrorsFromTheProcessor(c, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void extendsWildcardsAndOwnStageTypes_areReadThroughTheirCompletionStageSupertype() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletionStage<? extends Reservation> reserve(@Input String in) { return null; }",
        "  @Compensate(\"reserve\") void release(Reservation reservation) {}",
        "  @Step(\"book\") Booking book(@From(\"reserve\") Reservation r) { return null; }",
        "  @Compensate(\"book\") void unbook(Reservation reservation) {}",
        "  @Step(\"batch\") Batch<Payment> batch(@From(\"book\") Reservation r) { return null; }",
        "  @Step(\"ship\") String ship(@From(\"reserve\") Reservation r, @From(\"batch\") List<Payment> payments) {",
        "    return \"shipped\";",
        "  }",
        "}",
        "/** A stage of the application's own. */",
        "abstract class Booking implements CompletionStage<Reservation> {}",
        "/** A generic one: its type argument is substituted. */",
        "class Batch<T> extends CompletableFuture<List<T>> {}");
    Compilation c = compile(src, types());
    assertNoErrorsFromTheProcessor(c, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  // ---- wiring and compensations use what the stage completes with

  @Test
  void fromParameterDeclaredAsTheStage_isATypeMismatchWithTheOutput() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletionStage<Reservation> reserve(@Input String in) { return null; }",
        "  @Step(\"ship\") void ship(@From(\"reserve\") CompletionStage<Reservation> reservation) {}",
        "}");
    Compilation c = compile(src, types());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("CompletionStage<Reservation> reservation");
    assertThat(c).hadErrorContaining("step 'reserve' produces Reservation, which parameter 'reservation' of type "
        + "CompletionStage<Reservation> cannot accept.");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAStageOfVoid_hasNoOutput() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"notify\") CompletionStage<Void> notifyCustomer(@Input String in) { return null; }",
        "  @Step(\"ship\") void ship(@From(\"notify\") Void nothing) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromVoidStep]")
        .inFile(src).onLineContaining("@From(\"notify\")");
    assertThat(c).hadErrorContaining("@From must name a step with an output; step 'notify' returns CompletionStage<Void>. "
        + "Return the value from 'notify', or remove @From");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationOfAFuture_takesWhatItCompletesWith_notTheFuture() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletableFuture<Reservation> reserve(@Input String in) { return null; }",
        "  @Compensate(\"reserve\") void release(CompletableFuture<Reservation> reservation) {}",
        "}");
    Compilation c = compile(src, types());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationTypeMismatch]")
        .inFile(src).onLineContaining("void release(");
    assertThat(c).hadErrorContaining("step 'reserve' hands over Reservation, which parameter 'reservation' of type "
        + "CompletableFuture<Reservation> cannot accept");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationOfAStageOfVoid_takesNoData() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"notify\") CompletionStage<Void> notifyCustomer(@Input String in) { return null; }",
        "  @Compensate(\"notify\") void unnotify(Void nothing) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationOfVoidStep]")
        .inFile(src).onLineContaining("Void nothing");
    assertNoRunner(c, "Checkout");
  }

  // ---- bad stages

  @Test
  void rawCompletionStage_isReportedOnceNotAgainByItsConsumersOrCompensation() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @SuppressWarnings(\"rawtypes\")",
        "  @Step(\"reserve\") CompletionStage reserve(@Input String in) { return null; }",
        "  @Compensate(\"reserve\") void release(String id) {}",
        "  @Step(\"ship\") void ship(@From(\"reserve\") String reservation) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RawCompletionStage]")
        .inFile(src).onLineContaining("CompletionStage reserve(");
    assertThat(c).hadErrorContaining("@Step methods returning a CompletionStage must give the type it completes with, "
        + "which is the step's output (CompletionStage<Void> for none); reserve(String) returns CompletionStage");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void rawCompletableFuture() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @SuppressWarnings(\"rawtypes\")",
        "  @Step(\"reserve\") CompletableFuture reserve(@Input String in) { return null; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RawCompletionStage]")
        .inFile(src).onLineContaining("CompletableFuture reserve(");
    assertThat(c).hadErrorContaining("reserve(String) returns CompletableFuture");
  }

  @Test
  void unboundedWildcardStage() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletionStage<?> reserve(@Input String in) { return null; }",
        "  @Step(\"ship\") void ship(@From(\"reserve\") Object reservation) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WildcardCompletionStage]")
        .inFile(src).onLineContaining("CompletionStage<?> reserve(");
    assertThat(c).hadErrorContaining("@Step methods returning a CompletionStage must give the type it completes with "
        + "as T or '? extends T', because T is the step's output; reserve(String) returns CompletionStage<?>");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void superWildcardFuture() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletableFuture<? super Reservation> reserve(@Input String in) { return null; }",
        "}");
    Compilation c = compile(src, types());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WildcardCompletionStage]")
        .inFile(src).onLineContaining("CompletableFuture<? super Reservation> reserve(");
    assertThat(c).hadErrorContaining("reserve(String) returns CompletableFuture<? super Reservation>");
  }

  @Test
  void stageOfAStage() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletionStage<CompletableFuture<Reservation>> reserve(@Input String in) { return null; }",
        "  @Compensate(\"reserve\") void release(Reservation reservation) {}",
        "  @Step(\"ship\") void ship(@From(\"reserve\") Reservation reservation) {}",
        "}");
    Compilation c = compile(src, types());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NestedCompletionStage]")
        .inFile(src).onLineContaining("CompletionStage<CompletableFuture<Reservation>> reserve(");
    assertThat(c).hadErrorContaining("@Step methods returning a CompletionStage must complete it with the step's output, "
        + "not with another CompletionStage; reserve(String) returns CompletionStage<CompletableFuture<Reservation>>. "
        + "Flatten it, for example with thenCompose");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void stageOfAnExtendsWildcardStage_isAStageOfAStage() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletableFuture<? extends CompletionStage<String>> reserve(@Input String in) { return null; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NestedCompletionStage]")
        .inFile(src).onLineContaining("reserve(@Input");
  }

  @Test
  void stageOfARawStepResponse_isARawStepResponse() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @SuppressWarnings(\"rawtypes\")",
        "  @Step(\"pay\") CompletionStage<StepResponse> pay(@Input String in) { return null; }",
        "  @Compensate(\"pay\") void refund(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RawStepResponse]")
        .inFile(src).onLineContaining("CompletionStage<StepResponse> pay(");
    assertThat(c).hadErrorContaining("pay(String) returns CompletionStage<StepResponse>");
  }

  @Test
  void stageOfAWildcardStepResponse_isAWildcardStepResponse() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"pay\") CompletableFuture<StepResponse<?, String>> pay(@Input String in) { return null; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WildcardStepResponse]")
        .inFile(src).onLineContaining("pay(@Input");
    assertThat(c).hadErrorContaining("pay(String) returns CompletableFuture<StepResponse<?, String>>");
  }

  // ---- where a stage is not allowed

  @Test
  void hookReturningAStage() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"created\") CompletionStage<String> created(@From(\"create\") String order) { return null; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompletionStageNotAllowed]")
        .inFile(src).onLineContaining("CompletionStage<String> created(");
    assertThat(c).hadErrorContaining("@Hook methods must return the hook's input synchronously, not a CompletionStage; "
        + "created(String) returns CompletionStage<String>. Return the value the handler needs itself");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void childWorkflowStepReturningAStage_isReportedOnceNotAsAnInputMismatch() {
    JavaFileObject child = source("Shipment",
        "@Workflow(\"create-shipment\") public class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier-\" + parcels; }",
        "}");
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(Shipment.class)",
        "  CompletableFuture<Integer> ship(@Input String in) { return null; }",
        "  @Step(\"track\") void track(@From(\"ship\") String booking) {}",
        "}");
    Compilation c = compile(src, child);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompletionStageNotAllowed]")
        .inFile(src).onLineContaining("CompletableFuture<Integer> ship(");
    assertThat(c).hadErrorContaining("@ChildWorkflow steps must return the child workflow's input synchronously, "
        + "not a CompletionStage; ship(String) returns CompletableFuture<Integer>. Return the input itself: "
        + "a child workflow with asynchronous steps is awaited without blocking a thread");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionReturningAStageOfBoolean_isNotBoolean() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  CompletionStage<Boolean> isBig() { return null; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionNotBoolean]")
        .inFile(src).onLineContaining("CompletionStage<Boolean> isBig()");
    assertThat(c).hadErrorContaining("@When conditions must return boolean; isBig() returns CompletionStage<Boolean>");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationReturningAStage_isNotVoid_andSaysCompensationsRunSynchronously() {
    JavaFileObject src = source("Checkout",
        IMPORT,
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") CompletableFuture<Reservation> reserve(@Input String in) { return null; }",
        "  @Compensate(\"reserve\") CompletableFuture<Void> release(Reservation reservation) { return null; }",
        "}");
    Compilation c = compile(src, types());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationNotVoid]")
        .inFile(src).onLineContaining("CompletableFuture<Void> release(");
    assertThat(c).hadErrorContaining("@Compensate methods must return void; release(Reservation) returns "
        + "CompletableFuture<Void>. Compensations run synchronously: finish the work in the method, for example with "
        + "join(), and return void");
    assertNoRunner(c, "Checkout");
  }
}
