package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.compileWithoutProcessor;
import static io.stepwise.processor.DiagnosticTesting.messages;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor as a whole: a valid workflow compiles cleanly, independent mistakes are all reported
 * in one compile without a runner, and types javac cannot resolve give only javac's own errors.
 */
class ProcessorRobustnessTest {

  @Test
  void validWorkflow_compilesWithoutWarnings() {
    JavaFileObject src = source("CreateRestockOrderWorkflow",
        "@Workflow(\"create-restock-order\") public class CreateRestockOrderWorkflow {",
        "  public interface Suppliers { String create(String input); void delete(String id); }",
        "  private final Suppliers suppliers;",
        "  public CreateRestockOrderWorkflow(Suppliers suppliers) { this.suppliers = suppliers; }",
        "  @Step(\"create-order\")",
        "  StepResponse<String, String> createOrder(@Input String input) {",
        "    String id = suppliers.create(input);",
        "    return new StepResponse<>(id, id);",
        "  }",
        "  @Compensate(\"create-order\") void deleteOrder(String orderId) { suppliers.delete(orderId); }",
        "  @Step(value = \"create-items\", maxRetries = 2)",
        "  StepResponse<List<String>, List<String>> createItems(@From(\"create-order\") String order, @Input String input) {",
        "    return new StepResponse<>(List.of(order + input));",
        "  }",
        "  @Compensate(\"create-items\") void deleteItems(List<String> itemIds, StepContext ctx) {}",
        "  boolean hasItems(@From(\"create-items\") List<String> items) { return !items.isEmpty(); }",
        "  @Step(\"notify\") @When(\"hasItems\") void notifySupplier(@From(\"create-order\") String order, StepContext ctx) {}",
        "  @Step(\"update-status\") int confirm(@From(\"create-items\") List<String> items) { return items.size(); }",
        "  @Compensate(\"update-status\") void revertStatus(Integer count, StepContext ctx) {}",
        "}");
    Compilation c = compile(List.of("-Xlint:all"), src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "CreateRestockOrderWorkflow");
    assertThat(c).generatedSourceFile("test/CreateRestockOrderWorkflowRunner");
  }

  @Test
  void independentMistakes_areAllReportedInOneCompile_andNoRunnerIsGenerated() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create-order\") int undo(String id) { return 0; }",
        "  @Step(\"charge\") private void charge(@From(\"crate-order\") String order) {}",
        "  @Step(\"ship\") void ship(@From(\"create-order\") Integer order, String label) {}",
        "  @Step(value = \"notify\", maxRetries = -2) void notifyCustomer(@Input String in) {}",
        "  @Compensate(\"notfiy\") void unnotify() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(7);
    assertThat(c).hadErrorContaining("[stepwise:CompensationNotVoid]").inFile(src).onLineContaining("int undo(");
    assertThat(c).hadErrorContaining("[stepwise:StepPrivate]").inFile(src).onLineContaining("private void charge(");
    assertThat(c).hadErrorContaining("[stepwise:UnknownStep]").inFile(src).onLineContaining("crate-order");
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]").inFile(src).onLineContaining("Integer order");
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]").inFile(src).onLineContaining("String label");
    assertThat(c).hadErrorContaining("[stepwise:NegativeRetries]").inFile(src).onLineContaining("maxRetries = -2");
    assertThat(c).hadErrorContaining("[stepwise:UnknownCompensatedStep]").inFile(src).onLineContaining("\"notfiy\"");
    assertThat(c).hadErrorContaining("did you mean 'notify'?");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void oneInvalidWorkflow_doesNotStopTheRunnerOfAnotherOne() {
    JavaFileObject bad = source("Bad",
        "@Workflow(\"bad\") class Bad {",
        "  @Step(\"create\") void create(@From(\"nope\") String in) {}",
        "}");
    JavaFileObject good = source("Good",
        "@Workflow(\"good\") class Good {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(bad, good);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownStep]").inFile(bad).onLineContaining("\"nope\"");
    assertNoRunner(c, "Bad");
    assertRunner(c, "Good");
  }

  @Test
  void missingParameterType_givesOnlyJavacsErrors_andANote() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") String charge(@Input Money amount) { return \"paid\"; }",
        "  @Step(\"ship\") void ship(@From(\"charge\") String receipt) {}",
        "}");
    assertOnlyJavacErrors(src, "Money");
  }

  @Test
  void missingGenericArgumentType_givesOnlyJavacsErrors_andANote() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"items\") List<Item> items(@Input String in) { return List.of(); }",
        "  @Step(\"ship\") void ship(@From(\"items\") List<Item> items) {}",
        "}");
    assertOnlyJavacErrors(src, "Item");
  }

  @Test
  void missingConstantInAnAnnotationValue_givesOnlyJavacsErrors_andANote() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(StepNames.CREATE) String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@From(StepNames.CREATE) String order) {}",
        "}");
    assertOnlyJavacErrors(src, "the value of @Step on create(String)");
  }

  private static void assertOnlyJavacErrors(JavaFileObject src, String missingType) {
    Compilation javacAlone = compileWithoutProcessor(src);
    assertThat(javacAlone).failed();
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(javacAlone.errors().size());
    assertThat(messages(c, Diagnostic.Kind.ERROR)).containsExactlyElementsIn(messages(javacAlone, Diagnostic.Kind.ERROR));
    assertThat(String.join("\n", stepwiseMessages(c))).doesNotContain("[stepwise:InternalError]");
    // the note proves that this processor instance ran, and says why there is no runner
    assertThat(c).hadNoteContaining("[stepwise:UnresolvedType]").inFile(src).onLineContaining("@Workflow(\"checkout\")");
    assertThat(c).hadNoteContaining("Could not generate CheckoutRunner because " + missingType + " could not be resolved");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Checkout");
  }
}
