package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.jakartaInject;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The rules for the {@code @Workflow} class itself: kind, nesting, visibility, name, steps, constructor, result. */
class WorkflowClassDiagnosticsTest {

  @Test
  void interfaceWorkflow_isNotAClass() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") interface Checkout {",
        "  @Step(\"create\") default String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowNotAClass]")
        .inFile(src).onLineContaining("@Workflow(\"checkout\") interface");
    assertThat(c).hadErrorContaining("@Workflow types must be classes; Checkout is an interface");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void enumWorkflow_isNotAClass() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") enum Checkout {",
        "  INSTANCE;",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowNotAClass]")
        .inFile(src).onLineContaining("@Workflow(\"checkout\") enum");
    assertThat(c).hadErrorContaining("Checkout is an enum");
  }

  @Test
  void abstractWorkflow() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") abstract class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowAbstract]")
        .inFile(src).onLineContaining("abstract class Checkout");
    assertThat(c).hadErrorContaining("remove 'abstract' from Checkout");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void genericWorkflow() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout<T, U> {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowGeneric]")
        .inFile(src).onLineContaining("class Checkout<T, U>");
    assertThat(c).hadErrorContaining("Checkout declares type parameters <T, U>");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void innerClassWorkflow() {
    JavaFileObject src = source("Outer",
        "class Outer {",
        "  @Workflow(\"inner\") class Inner {",
        "    @Step(\"create\") String create(@Input String in) { return in; }",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowInnerClass]")
        .inFile(src).onLineContaining("@Workflow(\"inner\")");
    assertThat(c).hadErrorContaining("Outer.Inner is an inner class. Declare it 'static'");
    assertNoRunner(c, "Outer_Inner");
  }

  @Test
  void privateNestedWorkflow_oneErrorNotAlsoItsImplicitConstructor() {
    // The implicit constructor of a private class is private too (JLS 8.8.9); making the class
    // package-private fixes both, so this is one mistake and one error.
    JavaFileObject src = source("Outer",
        "class Outer {",
        "  @Workflow(\"hidden\") private static class Hidden {",
        "    @Step(\"create\") String create(@Input String in) { return in; }",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowPrivate]")
        .inFile(src).onLineContaining("@Workflow(\"hidden\")");
    assertThat(c).hadErrorContaining("Outer.Hidden is private. Make it package-private or public");
    assertNoRunner(c, "Outer_Hidden");
  }

  @Test
  void privateNestedWorkflow_withAnExplicitPrivateConstructor_reportsBothMistakes() {
    JavaFileObject src = source("Outer",
        "class Outer {",
        "  @Workflow(\"hidden\") private static class Hidden {",
        "    private Hidden() {}",
        "    @Step(\"create\") String create(@Input String in) { return in; }",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowPrivate]")
        .inFile(src).onLineContaining("@Workflow(\"hidden\")");
    assertThat(c).hadErrorContaining("[stepwise:NoUsableConstructor]")
        .inFile(src).onLineContaining("@Workflow(\"hidden\")");
  }

  @Test
  void workflowInsideAPrivateClass_namesThePrivateClass() {
    JavaFileObject src = source("Outer",
        "class Outer {",
        "  private static class Holder {",
        "    @Workflow(\"nested\") static class Nested {",
        "      @Step(\"create\") String create(@Input String in) { return in; }",
        "    }",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowPrivate]")
        .inFile(src).onLineContaining("@Workflow(\"nested\")");
    assertThat(c).hadErrorContaining("Outer.Holder is private");
  }

  @Test
  void localWorkflowClass_isNeverShownToProcessors() {
    // javac's RoundEnvironment holds no local classes, so WorkflowLocalClass cannot be reported
    // (DiagCoverageTest excludes it for this reason). Should javac ever report them, this fails
    // and the diagnostic needs its own test.
    JavaFileObject src = source("Host",
        "class Host {",
        "  void run() {",
        "    @Workflow(\"local\") class Local {",
        "      @Step(\"create\") String create(@Input String in) { return in; }",
        "    }",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).succeeded();
    assertThat(stepwiseMessages(c)).isEmpty();
    assertNoRunner(c, "Local");
  }

  @Test
  void emptyWorkflowName_suggestsOne() {
    JavaFileObject src = source("CreateRestockOrderWorkflow",
        "@Workflow(\"\") class CreateRestockOrderWorkflow {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowNameEmpty]")
        .inFile(src).onLineContaining("@Workflow(\"\")");
    assertThat(c).hadErrorContaining("for example @Workflow(\"create-restock-order\")");
    assertNoRunner(c, "CreateRestockOrderWorkflow");
  }

  @Test
  void twoWorkflowsWithOneName_theSecondIsReportedAndGetsNoRunner() {
    JavaFileObject first = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"pay\") String pay(@Input String in) { return in; }",
        "}");
    JavaFileObject second = source("EuCheckout",
        "@Workflow(\"checkout\") class EuCheckout {",
        "  @Step(\"pay\") String pay(@Input String in) { return in; }",
        "}");
    Compilation c = compile(first, second);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:DuplicateWorkflowName] @Workflow names must be unique, because runs and "
        + "the diagram META-INF/stepwise/checkout.mmd are named after them; EuCheckout is named 'checkout', as "
        + "test.Checkout is. Rename one of them")
        .inFile(second).onLineContaining("@Workflow(\"checkout\")");
    assertRunner(c, "Checkout");
    assertNoRunner(c, "EuCheckout");
  }

  @Test
  void namesThatGiveTheSameDiagramPathAreDuplicatesToo() {
    JavaFileObject first = source("Checkout",
        "@Workflow(\"checkout/eu\") class Checkout {",
        "  @Step(\"pay\") String pay(@Input String in) { return in; }",
        "}");
    JavaFileObject second = source("EuCheckout",
        "@Workflow(\"checkout_eu\") class EuCheckout {",
        "  @Step(\"pay\") String pay(@Input String in) { return in; }",
        "}");
    Compilation c = compile(first, second);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("EuCheckout is named 'checkout_eu', as test.Checkout is (its name 'checkout/eu' "
        + "gives the same path)")
        .inFile(second).onLineContaining("@Workflow(\"checkout_eu\")");
  }

  @Test
  void workflowWithoutSteps() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  String create(String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoSteps]")
        .inFile(src).onLineContaining("@Workflow(\"checkout\")");
    assertThat(c).hadErrorContaining("must declare at least one @Step method; Checkout has none");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void onlyPrivateConstructors() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  private Checkout() {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:NoUsableConstructor]")
        .inFile(src).onLineContaining("@Workflow(\"checkout\")");
    assertThat(c).hadErrorContaining("Checkout has only private constructors");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void twoPackagePrivateConstructors_areAmbiguous() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  Checkout() {}",
        "  Checkout(String currency) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:AmbiguousConstructor]")
        .inFile(src).onLineContaining("@Workflow(\"checkout\")");
    assertThat(c).hadErrorContaining("Checkout has 2 candidates: Checkout(), Checkout(String)");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void onePublicConstructorAmongSeveral_isChosen() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  Checkout() {}",
        "  public Checkout(String currency) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void twoInjectConstructors_pointsAtTheSecond() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @jakarta.inject.Inject Checkout() {}",
        "  @jakarta.inject.Inject Checkout(String currency) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src, jakartaInject());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:MultipleInjectConstructors]")
        .inFile(src).onLineContaining("Checkout(String currency)");
    assertThat(c).hadErrorContaining("may annotate only one constructor with @Inject; Checkout has 2");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void privateInjectConstructor() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  Checkout() {}",
        "  @jakarta.inject.Inject private Checkout(String currency) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src, jakartaInject());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:InjectConstructorPrivate]")
        .inFile(src).onLineContaining("private Checkout(String currency)");
    assertThat(c).hadErrorContaining("@Inject constructors of @Workflow classes must not be private");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void unknownResultStep_suggestsTheClosestStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(value = \"checkout\", result = \"confrim\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"confirm\") String confirm(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownResultStep]")
        .inFile(src).onLineContaining("result = \"confrim\"");
    assertThat(c).hadErrorContaining("@Workflow(result = \"confrim\") must name a step of the workflow, "
        + "but 'checkout' has no step 'confrim'; did you mean 'confirm'?");
    assertNoRunner(c, "Checkout");
  }
}
