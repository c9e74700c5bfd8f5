package io.stepwise.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The rules for {@code @Step} methods: where they are, their names, modifiers, retries and return types. */
class StepDiagnosticsTest {

  @Test
  void stepInAClassWithoutWorkflow() {
    JavaFileObject src = source("Checkout",
        "class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // and no MisplacedWiring for its @Input
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("@Step(\"create\")");
    assertThat(c).hadErrorContaining(
        "@Step methods must be declared in a @Workflow class; Checkout is not one. Annotate it with @Workflow(\"...\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationInAClassWithoutWorkflow() {
    JavaFileObject src = source("Checkout",
        "class Checkout {",
        "  @Compensate(\"create\") void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("@Compensate(\"create\")");
    assertThat(c).hadErrorContaining("@Compensate methods must be declared in a @Workflow class; Checkout is not one");
  }

  @Test
  void conditionalStepInAClassWithoutWorkflow_oneErrorForTheOneMissingAnnotation() {
    // The class lacks @Workflow: the @When on the step and the @Input of its condition would be
    // right in a workflow, so they add no errors of their own.
    JavaFileObject src = source("Checkout",
        "class Checkout {",
        "  @Step(\"ship\") @When(\"isBig\") void ship(@Input String order) {}",
        "  boolean isBig(@Input String order) { return true; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("@Step(\"ship\")");
    assertThat(c).hadErrorContaining("@Step methods must be declared in a @Workflow class; Checkout is not one");
  }

  @Test
  void stepInAPlainClassNestedInAWorkflow() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  static class Helper {",
        "    @Step(\"help\") void help() {}",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("@Step(\"help\")");
    assertThat(c).hadErrorContaining("Checkout.Helper is not one");
  }

  @Test
  void emptyStepName_suggestsOneFromTheMethodName() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"\") String createOrder(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepNameEmpty]")
        .inFile(src).onLineContaining("@Step(\"\")");
    assertThat(c).hadErrorContaining("@Step names must not be empty; name it, for example @Step(\"create-order\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void duplicateStepName_pointsAtTheSecondAndNamesTheFirst() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") String chargeCard(@Input String in) { return in; }",
        "  @Step(\"charge\") String chargeAgain(@From(\"charge\") String card) { return card; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:DuplicateStep]")
        .inFile(src).onLineContaining("chargeAgain");
    assertThat(c).hadErrorContaining("'charge' is also the name of chargeCard(String). Rename one of them");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void privateStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") private String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepPrivate]")
        .inFile(src).onLineContaining("private String create");
    assertThat(c).hadErrorContaining(
        "@Step methods must not be private, because the generated runner calls them; make create(String) package-private or public");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void privateCompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") private void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepPrivate]")
        .inFile(src).onLineContaining("private void undo");
    assertThat(c).hadErrorContaining("@Compensate methods must not be private");
    assertThat(c).hadErrorContaining("make undo(String) package-private or public");
  }

  @Test
  void genericStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") <T> String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepGeneric]")
        .inFile(src).onLineContaining("<T> String create");
    assertThat(c).hadErrorContaining("@Step methods must not declare type parameters; create(String) declares <T>");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void genericCompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") <X extends Exception> void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepGeneric]")
        .inFile(src).onLineContaining("void undo");
    assertThat(c).hadErrorContaining("@Compensate methods must not declare type parameters; undo(String) declares <X>");
  }

  @Test
  void stepThatIsAlsoACompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"cancel\") @Compensate(\"create\") void cancel(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepAndCompensate]")
        .inFile(src).onLineContaining("void cancel");
    assertThat(c).hadErrorContaining("Methods must not be both @Step and @Compensate; cancel(String) is both");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void negativeRetries() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(value = \"create\", maxRetries = -1) String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NegativeRetries]")
        .inFile(src).onLineContaining("maxRetries = -1");
    assertThat(c).hadErrorContaining("@Step(maxRetries) must be 0 or more; found -1");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void rawStepResponse_isReportedOnceNotAgainByItsConsumersOrCompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @SuppressWarnings(\"rawtypes\")",
        "  @Step(\"create\") StepResponse create(@Input String in) { return new StepResponse<>(in); }",
        "  @Compensate(\"create\") void undo(String id) {}",
        "  @Step(\"ship\") void ship(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:RawStepResponse]")
        .inFile(src).onLineContaining("StepResponse create(");
    assertThat(c).hadErrorContaining("StepResponse<Output, CompensationInput>; create(String) returns StepResponse");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void wildcardStepResponse() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") StepResponse<?, String> create(@Input String in) { return new StepResponse<>(in, in); }",
        "  @Step(\"ship\") void ship(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WildcardStepResponse]")
        .inFile(src).onLineContaining("StepResponse<?, String> create(");
    assertThat(c).hadErrorContaining("must give exact type arguments, not wildcards; create(String) returns StepResponse<?, String>");
    assertNoRunner(c, "Checkout");
  }
}
