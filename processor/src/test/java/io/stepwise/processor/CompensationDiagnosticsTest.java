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

/** {@code @Compensate}: the step it names, its return type and its one data parameter. */
class CompensationDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  @Test
  void validCompensations_compileCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"create\") StepResponse<List<String>, String> create(@Input String in) { return new StepResponse<>(List.of(in), in); }",
        "  @Compensate(\"create\") void deleteOrder(CharSequence orderId, StepContext ctx) {}",
        "  @Step(\"count\") int count(@From(\"create\") List<String> items) { return items.size(); }",
        "  @Compensate(\"count\") void uncount(long count) {}",
        "  @Step(\"notify\") void notify(@From(\"count\") int count) {}",
        "  @Compensate(\"notify\") void unnotify(StepContext ctx) {}",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void compensationOfAnUnknownStep_suggestsTheClosest() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Compensate(\"crate-order\") void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownCompensatedStep]")
        .inFile(src).onLineContaining("crate-order");
    assertThat(c).hadErrorContaining(
        "@Compensate must name a step of the workflow, but 'checkout' has no step 'crate-order'; did you mean 'create-order'?");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void twoCompensationsOfOneStep_pointsAtTheSecond() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") void deleteOrder(String id) {}",
        "  @Compensate(\"create\") void archiveOrder(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:DuplicateCompensation]")
        .inFile(src).onLineContaining("archiveOrder");
    assertThat(c).hadErrorContaining("Steps may have at most one @Compensate method, because the runner calls one "
        + "method to undo a step; step 'create' is already compensated by deleteOrder(String). "
        + "Keep one @Compensate(\"create\") method, and merge the work of both into it");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationReturningAValue() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") boolean undo(String id) { return true; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationNotVoid]")
        .inFile(src).onLineContaining("boolean undo(");
    assertThat(c).hadErrorContaining("@Compensate methods must return void; undo(String) returns boolean");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationWithTwoDataParameters() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") void undo(String id, StepContext ctx, String reason) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationParameters]")
        .inFile(src).onLineContaining("String reason");
    assertThat(c).hadErrorContaining("@Compensate methods take at most one data parameter, the step's compensation input, "
        + "plus an optional StepContext; parameter 'reason' is one too many");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationOfAVoidStepWithADataParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"notify\") void notify(@Input String in) {}",
        "  @Compensate(\"notify\") void unnotify(String message) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationOfVoidStep]")
        .inFile(src).onLineContaining("String message");
    assertThat(c).hadErrorContaining(
        "remove parameter 'message', or return a value from step 'notify'");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationTakingTheOutputInsteadOfTheCompensationInput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") StepResponse<Integer, String> create(@Input String in) { return new StepResponse<>(1, in); }",
        "  @Compensate(\"create\") void undo(Integer order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationTypeMismatch]")
        .inFile(src).onLineContaining("Integer order");
    assertThat(c).hadErrorContaining("@Compensate methods must accept their step's compensation input; "
        + "step 'create' hands over String, which parameter 'order' of type Integer cannot accept");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void compensationOfAPlainStep_withTheWrongGenericType() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") List<String> create(@Input String in) { return List.of(in); }",
        "  @Compensate(\"create\") void undo(List<Object> ids) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationTypeMismatch]")
        .inFile(src).onLineContaining("List<Object> ids");
    assertThat(c).hadErrorContaining("step 'create' hands over List<String>, which parameter 'ids' of type List<Object> cannot accept");
  }

  @Test
  void inputOnACompensationParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") void undo(@Input String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // and no MisplacedWiring
    assertThat(c).hadErrorContaining("[stepwise:CompensationWiredParameter]")
        .inFile(src).onLineContaining("@Input String id");
    assertThat(c).hadErrorContaining(
        "@Compensate parameters receive the step's compensation input and take no @Input; remove it from parameter 'id'");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromOnACompensationParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") void undo(@From(\"create\") String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:CompensationWiredParameter]")
        .inFile(src).onLineContaining("@From(\"create\") String id");
    assertThat(c).hadErrorContaining("take no @From; remove it from parameter 'id'");
  }
}
