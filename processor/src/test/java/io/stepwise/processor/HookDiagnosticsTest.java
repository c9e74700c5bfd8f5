package io.stepwise.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Hook}: its input, its name, and what may not be done with it. */
class HookDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  @Test
  void validHooks_compileCleanlyWithTypedRegistrationMethods() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"create\") List<String> create(@Input String in) { return List.of(in); }",
        "  @Hook(\"order-created\") List<String> orderCreated(@From(\"create\") List<String> items) { return items; }",
        "  boolean large(@From(\"create\") List<String> items) { return items.size() > 2; }",
        "  @Hook(\"large-order\") @When(\"large\") int largeOrder(@From(\"create\") List<String> items) { return items.size(); }",
        "  @Step(\"confirm\") String confirm(@From(\"create\") List<String> items) { return \"ok\"; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertThat(c).generatedSourceFile("test/CheckoutRunner").contentsAsUtf8String()
        .contains("public CheckoutRunner onOrderCreated(HookHandler<List<String>> handler)");
    assertThat(c).generatedSourceFile("test/CheckoutRunner").contentsAsUtf8String()
        .contains("public CheckoutRunner onLargeOrder(HookHandler<Integer> handler,");
    // the result is the last step, not the hook declared after it
    assertThat(c).generatedSourceFile("test/CheckoutRunner").contentsAsUtf8String()
        .contains("public WorkflowResult<String> run(String input)");
  }

  @Test
  void hookReturningVoid_isReportedOnTheMethod() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"created\") void created(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:HookReturnsVoid] @Hook methods return the hook's input, which the "
        + "registered handler receives; created(String) returns void").inFile(src).onLineContaining("void created");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void methodThatIsStepAndHook_isReportedOnce() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\")",
        "  @Hook(\"created\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:HookAndStep] Methods must not be both @Step and @Hook; "
        + "create(String) is both").inFile(src).onLineContaining("@Hook(\"created\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAHook_isReportedOnTheParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"created\") String created(@From(\"create\") String order) { return order; }",
        "  @Step(\"ship\") void ship(@From(\"created\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromHook] @From must name a step with an output; 'created' is a "
        + "@Hook, which has none").inFile(src).onLineContaining("@From(\"created\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensateOfAHook_pointsAtTheCompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"created\") String created(@From(\"create\") String order) { return order; }",
        "  @Compensate(\"created\") void undoCreated(String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:HookCompensation] Hooks are compensated by the compensation "
        + "registered with their handler, not by @Compensate; remove @Compensate(\"created\") from undoCreated(String)")
        .inFile(src).onLineContaining("@Compensate(\"created\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void hooksWhoseRegistrationMethodsClash_areReportedOnTheSecond() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"order-created\") String a(@From(\"create\") String order) { return order; }",
        "  @Hook(\"order_created\") String b(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:HookNameClash] @Hook names must give distinct registration methods "
        + "on the runner; hooks 'order-created' and 'order_created' both give onOrderCreated(...)")
        .inFile(src).onLineContaining("order_created");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void hookOnAParallelGroup_isNotAStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Parallel(\"p\") @Hook(\"created\") String created(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelOutsideStep]").inFile(src).onLineContaining("@Parallel(\"p\")");
  }

  @Test
  void emptyHookName_isReportedAsAHook() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Hook(\"\") String orderCreated(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepNameEmpty] @Hook names must not be empty; name it, for example "
        + "@Hook(\"order-created\")").inFile(src).onLineContaining("@Hook(\"\")");
    assertNoRunner(c, "Checkout");
  }
}
