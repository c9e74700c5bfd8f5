package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.compileWithoutProcessor;
import static io.stepwise.processor.DiagnosticTesting.generated;
import static io.stepwise.processor.DiagnosticTesting.messages;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @ChildWorkflow}: the child is a valid, visible {@code @Workflow} that does not lead back to
 * the parent; the step method returns the child's input; the step has no compensation of its own;
 * and later steps receive the child's result through {@code @From}.
 */
class ChildWorkflowDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  /** A child that takes an Integer and produces a String. */
  private static JavaFileObject shipment() {
    return source("Shipment",
        "@Workflow(\"create-shipment\") public class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier-\" + parcels; }",
        "  @Compensate(\"book\") void unbook(String booking) {}",
        "  @Step(\"label\") String label(@From(\"book\") String booking) { return \"label-\" + booking; }",
        "}");
  }

  /** A child that takes no input and produces a Long. */
  private static JavaFileObject audit() {
    return source("Audit",
        "@Workflow(\"audit\") public class Audit {",
        "  @Step(\"count\") long count() { return 42L; }",
        "}");
  }

  // ---- success

  @Test
  void childWithInput_compilesCleanly_andBothRunnersAreGeneratedInTheSameRound() {
    // The parent comes first, so its runner is written before the child's, in the same round.
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"order\") String order(@Input String cart) { return cart; }",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  Integer ship(@From(\"order\") String order) { return order.length(); }",
        "  @Step(\"confirm\") String confirm(@From(\"ship\") String label) { return label; }",
        "}");
    Compilation c = compile(LINT, src, shipment());
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertRunner(c, "Shipment");
    String runner = generated(c, "test.CheckoutRunner");
    assertThat(runner).contains("this.shipRunner = ChildRunners.create(ShipmentRunner::create, container,");
    assertThat(runner).contains(".runAsChild(");
  }

  @Test
  void childWithInput_acceptsABoxableReturnType() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(Shipment.class) int ship(@Input String cart) { return cart.length(); }",
        "}");
    Compilation c = compile(LINT, src, shipment());
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void childWithoutInput_stepReturnsVoid_compilesCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"order\") String order(@Input String cart) { return cart; }",
        "  @Step(\"audit\") @ChildWorkflow(Audit.class) void audit(@From(\"order\") String order) {}",
        "  @Step(\"report\") String report(@From(\"audit\") Long count) { return \"audited \" + count; }",
        "}");
    Compilation c = compile(LINT, src, audit());
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertRunner(c, "Audit");
    assertThat(generated(c, "test.CheckoutRunner")).contains(".runAsChild(ctx)");
  }

  @Test
  void childWhoseResultStepIsConditional_producesAnOptional() {
    JavaFileObject child = source("Gift",
        "@Workflow(\"gift\") public class Gift {",
        "  boolean wanted(@Input String order) { return order.startsWith(\"gift\"); }",
        "  @Step(\"wrap\") @When(\"wanted\") String wrap(@Input String order) { return \"wrapped \" + order; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"gift\") @ChildWorkflow(Gift.class) String gift(@Input String order) { return order; }",
        "  @Step(\"ship\") String ship(@From(\"gift\") Optional<String> wrapping) { return wrapping.orElse(\"plain\"); }",
        "}");
    Compilation c = compile(LINT, src, child);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertRunner(c, "Gift");
  }

  @Test
  void childWhoseResultIsOptional_takenAsItsElementType_isATypeMismatch() {
    JavaFileObject child = source("Gift",
        "@Workflow(\"gift\") public class Gift {",
        "  boolean wanted(@Input String order) { return order.startsWith(\"gift\"); }",
        "  @Step(\"wrap\") @When(\"wanted\") String wrap(@Input String order) { return \"wrapped \" + order; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"gift\") @ChildWorkflow(Gift.class) String gift(@Input String order) { return order; }",
        "  @Step(\"ship\") String ship(@From(\"gift\") String wrapping) { return wrapping; }",
        "}");
    Compilation c = compile(src, child);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("String wrapping");
    assertThat(c).hadErrorContaining(
        "step 'gift' produces Optional<String>, which parameter 'wrapping' of type String cannot accept.");
    assertNoRunner(c, "Checkout");
    assertRunner(c, "Gift");
  }

  @Test
  void childStepInAParallelGroup_andAConditionalChildStep_compileCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"order\") String order(@Input String cart) { return cart; }",
        "  @Step(\"ship\") @Parallel(\"fulfil\") @ChildWorkflow(Shipment.class)",
        "  Integer ship(@From(\"order\") String order) { return order.length(); }",
        "  @Step(\"invoice\") @Parallel(\"fulfil\") String invoice(@From(\"order\") String order) { return order; }",
        "  boolean audited(@From(\"order\") String order) { return order.isEmpty(); }",
        "  @Step(\"audit\") @When(\"audited\") @ChildWorkflow(Audit.class) void audit() {}",
        "  @Step(\"confirm\") String confirm(@From(\"ship\") String label, @From(\"audit\") Optional<Long> count) {",
        "    return label + count.map(n -> \" audited \" + n).orElse(\"\");",
        "  }",
        "}");
    Compilation c = compile(LINT, src, shipment(), audit());
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertRunner(c, "Shipment");
    assertRunner(c, "Audit");
    assertThat(generated(c, "test.CheckoutRunner")).contains("run.parallel(\"fulfil\")");
  }

  @Test
  void conditionalChildStep_takenWithoutOptional_needsOptional() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean audited(@Input String cart) { return cart.isEmpty(); }",
        "  @Step(\"audit\") @When(\"audited\") @ChildWorkflow(Audit.class) void audit() {}",
        "  @Step(\"report\") void report(@From(\"audit\") Long count) {}",
        "}");
    Compilation c = compile(src, audit());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("Long count");
    assertThat(c).hadErrorContaining("step 'audit' has @When, so parameter 'count' must be Optional<Long>, not Long");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAChildStep_withTheWrongType_namesTheChildsResultType() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(Shipment.class) Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Step(\"confirm\") void confirm(@From(\"ship\") Integer label) {}",
        "}");
    Compilation c = compile(src, shipment());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("Integer label");
    assertThat(c).hadErrorContaining(
        "step 'ship' produces String, which parameter 'label' of type Integer cannot accept.");
    assertNoRunner(c, "Checkout");
    assertRunner(c, "Shipment");
  }

  // ---- rounds

  /** A child, in another package, whose result type another processor generates. */
  private static JavaFileObject receiptShipment() {
    return JavaFileObjects.forSourceLines("shipping.Shipment",
        "package shipping;",
        "import gen.Receipt;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"create-shipment\") public class Shipment {",
        "  @Step(\"book\") public Receipt book(@Input String order) { return new Receipt(order); }",
        "}");
  }

  /** A parent that names none of the child's types: only the child waits for gen.Receipt by itself. */
  private static JavaFileObject receiptCheckout() {
    return source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(shipping.Shipment.class) String ship(@Input String order) { return order; }",
        "  @Step(\"confirm\") String confirm(@From(\"ship\") Object receipt) { return receipt.toString(); }",
        "}");
  }

  @Test
  void childWaitingForAGeneratedType_theParentWaitsWithIt() {
    Compilation c = javac()
        .withProcessors(new LaterRoundProcessor("gen.Receipt", "package gen;\npublic class Receipt {\n  public Receipt(String order) {}\n}\n"), new WorkflowProcessor())
        .withOptions(LINT)
        .compile(receiptCheckout(), receiptShipment());
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("shipping/ShipmentRunner").isNotNull();
    assertThat(generated(c, "test.CheckoutRunner")).contains("import gen.Receipt;");
  }

  @Test
  void childWhoseTypeNeverAppears_parentGetsNoRunnerAndNoErrorOfItsOwn() {
    JavaFileObject child = receiptShipment();
    Compilation c = compile(receiptCheckout(), child);
    assertThat(c).failed();
    // javac's own errors only, all in the child: none in a generated runner, none from stepwise
    assertThat(c).hadErrorContaining("package gen does not exist").inFile(child).onLineContaining("import gen.Receipt");
    assertThat(c.errors().stream().map(e -> e.getSource() == null ? "?" : e.getSource().getName()).distinct()
        .collect(Collectors.toList())).containsExactly(child.getName());
    assertThat(messages(c, Diagnostic.Kind.ERROR).stream().filter(m -> m.contains("[stepwise:")).count()).isEqualTo(0);
    assertThat(c).hadNoteContaining("[stepwise:UnresolvedType] Could not generate CheckoutRunner because "
        + "Receipt in child workflow Shipment could not be resolved. If it is generated by another processor, look for earlier errors");
    assertNoRunner(c, "Checkout");
  }

  // ---- ChildNotAWorkflow

  @Test
  void childThatIsNotAWorkflow_pointsAtTheAnnotationValue() {
    JavaFileObject plain = source("Shipping",
        "public class Shipping {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier\"; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipping.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Step(\"confirm\") void confirm(@From(\"ship\") String label) {}",
        "}");
    Compilation c = compile(src, plain);
    // the child's own mistake (StepOutsideWorkflow) in its file, and one error in the parent; the
    // @From of the step is not judged against an unknown result
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]").inFile(plain).onLineContaining("book(");
    assertThat(c).hadErrorContaining("[stepwise:ChildNotAWorkflow]")
        .inFile(src).onLineContaining("@ChildWorkflow(Shipping.class)");
    assertThat(c).hadErrorContaining("@ChildWorkflow must name a @Workflow class; Shipping is not one");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void childThatIsAJdkClass() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(String.class)",
        "  void ship() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildNotAWorkflow]")
        .inFile(src).onLineContaining("@ChildWorkflow(String.class)");
    assertThat(c).hadErrorContaining("@ChildWorkflow must name a @Workflow class; String is not one");
    assertNoRunner(c, "Checkout");
  }

  // ---- ChildWorkflowCycle

  @Test
  void workflowRunningItself() {
    JavaFileObject src = source("Loop",
        "@Workflow(\"loop\") class Loop {",
        "  @Step(\"start\") String start(@Input String in) { return in; }",
        "  @Step(\"again\")",
        "  @ChildWorkflow(Loop.class)",
        "  String again(@From(\"start\") String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(src).onLineContaining("@ChildWorkflow(Loop.class)");
    assertThat(c).hadErrorContaining(
        "Workflows must not run themselves as a child, directly or through others; step 'again' starts the cycle Loop -> Loop");
    assertNoRunner(c, "Loop");
  }

  @Test
  void workflowRunningItself_whoseResultIsTakenByALaterStep_neitherCrashesNorCascades() {
    // Judging @From("again") needs the child's result, which is this workflow's result, which is
    // the output of 'again' again: the processor must stop, not recurse.
    JavaFileObject src = source("Loop",
        "@Workflow(value = \"loop\", result = \"again\") class Loop {",
        "  @Step(\"again\")",
        "  @ChildWorkflow(Loop.class)",
        "  void again() {}",
        "  @Step(\"use\") void use(@From(\"again\") String result) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(src).onLineContaining("@ChildWorkflow(Loop.class)");
    assertThat(c).hadErrorContaining("step 'again' starts the cycle Loop -> Loop");
    assertThat(stepwiseMessages(c)).hasSize(1); // in particular no InternalError
    assertNoRunner(c, "Loop");
  }

  @Test
  void twoWorkflowsRunningEachOther_eachReportsTheCycleOnceOnItsOwnStep() {
    JavaFileObject a = source("Alpha",
        "@Workflow(\"alpha\") class Alpha {",
        "  @Step(\"beta\")",
        "  @ChildWorkflow(Beta.class)",
        "  void beta() {}",
        "  @Step(\"after\") void after(@From(\"beta\") String out) {}",
        "}");
    JavaFileObject b = source("Beta",
        "@Workflow(value = \"beta\", result = \"alpha\") class Beta {",
        "  @Step(\"alpha\")",
        "  @ChildWorkflow(Alpha.class)",
        "  void alpha() {}",
        "  @Step(\"after\") void after(@From(\"alpha\") String out) {}",
        "}");
    Compilation c = compile(a, b);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(a).onLineContaining("@ChildWorkflow(Beta.class)");
    assertThat(c).hadErrorContaining("step 'beta' starts the cycle Alpha -> Beta -> Alpha");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(b).onLineContaining("@ChildWorkflow(Alpha.class)");
    assertThat(c).hadErrorContaining("step 'alpha' starts the cycle Beta -> Alpha -> Beta");
    assertThat(stepwiseMessages(c)).hasSize(2); // no ChildWorkflowInvalid for the other one, no InternalError
    assertNoRunner(c, "Alpha");
    assertNoRunner(c, "Beta");
  }

  @Test
  void workflowRunningAChildThatIsOnAnotherCycle_saysTheChildHasErrors() {
    // Outer -> Beta <-> Gamma: the cycle is Beta's and Gamma's; Outer only runs Beta.
    JavaFileObject outer = source("Outer",
        "@Workflow(\"outer\") class Outer {",
        "  @Step(\"beta\")",
        "  @ChildWorkflow(Beta.class)",
        "  void beta() {}",
        "}");
    JavaFileObject b = source("Beta",
        "@Workflow(\"beta\") class Beta {",
        "  @Step(\"gamma\")",
        "  @ChildWorkflow(Gamma.class)",
        "  void gamma() {}",
        "}");
    JavaFileObject g = source("Gamma",
        "@Workflow(\"gamma\") class Gamma {",
        "  @Step(\"beta\")",
        "  @ChildWorkflow(Beta.class)",
        "  void beta() {}",
        "}");
    Compilation c = compile(outer, b, g);
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowInvalid]")
        .inFile(outer).onLineContaining("@ChildWorkflow(Beta.class)");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(b).onLineContaining("@ChildWorkflow(Gamma.class)");
    assertThat(c).hadErrorContaining("step 'gamma' starts the cycle Beta -> Gamma -> Beta");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowCycle]")
        .inFile(g).onLineContaining("@ChildWorkflow(Beta.class)");
    assertThat(c).hadErrorContaining("step 'beta' starts the cycle Gamma -> Beta -> Gamma");
    assertNoRunner(c, "Outer");
    assertNoRunner(c, "Beta");
    assertNoRunner(c, "Gamma");
  }

  // ---- ChildWorkflowInvalid

  @Test
  void invalidChild_isReportedOnceInTheParent_andItsErrorsOnlyWhereItIsDeclared() {
    // The child's result step is unknown, so its result type is too: the parent's @From of the
    // child step is not judged (no TypeMismatch against a made-up result).
    JavaFileObject child = source("Shipment",
        "@Workflow(value = \"create-shipment\", result = \"lable\") class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier\"; }",
        "  @Step(\"label\") String label(@From(\"bok\") String booking) { return booking; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Step(\"confirm\") void confirm(@From(\"ship\") String label) {}",
        "}");
    JavaFileObject other = source("Returns",
        "@Workflow(\"returns\") class Returns {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "}");
    Compilation c = compile(src, child, other);
    // the child's two errors, once each, plus one ChildWorkflowInvalid in each parent
    assertThat(c).hadErrorCount(4);
    assertThat(c).hadErrorContaining("[stepwise:UnknownStep]").inFile(child).onLineContaining("@From(\"bok\")");
    assertThat(c).hadErrorContaining("[stepwise:UnknownResultStep]").inFile(child).onLineContaining("result = \"lable\"");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowInvalid]")
        .inFile(src).onLineContaining("@ChildWorkflow(Shipment.class)");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowInvalid]")
        .inFile(other).onLineContaining("@ChildWorkflow(Shipment.class)");
    assertThat(c).hadErrorContaining("@ChildWorkflow must name a valid workflow; workflow 'create-shipment' (Shipment) "
        + "has errors, reported where it is declared. Fix them first");
    assertNoRunner(c, "Checkout");
    assertNoRunner(c, "Returns");
    assertNoRunner(c, "Shipment");
  }

  @Test
  void childThatIsAnAbstractWorkflow_isInvalid() {
    JavaFileObject child = source("Shipment",
        "@Workflow(\"create-shipment\") abstract class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier\"; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "}");
    Compilation c = compile(src, child);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:WorkflowAbstract]").inFile(child).onLineContaining("abstract class Shipment");
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowInvalid]")
        .inFile(src).onLineContaining("@ChildWorkflow(Shipment.class)");
    assertNoRunner(c, "Checkout");
  }

  // ---- ChildWorkflowNotVisible

  @Test
  void packagePrivateChildInAnotherPackage_isOnlyJavacsAccessError() {
    // javac itself refuses Shipment.class outside its package; the processor adds nothing to that.
    JavaFileObject child = JavaFileObjects.forSourceLines("shipping.Shipment",
        "package shipping;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"create-shipment\") class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier\"; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(shipping.Shipment.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "}");
    Compilation alone = compileWithoutProcessor(src, child);
    Compilation c = compile(src, child);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(alone.errors().size());
    assertThat(c).hadErrorContaining("Shipment").inFile(src).onLineContaining("@ChildWorkflow(shipping.Shipment.class)");
    assertThat(messages(c, Diagnostic.Kind.ERROR).stream().filter(m -> m.contains("[stepwise:")).count()).isEqualTo(0);
    assertNoRunner(c, "Checkout");
  }

  @Test
  void protectedNestedChildInAnotherPackage_isNotVisibleToTheRunner() {
    // The parent sees Base.Shipment through inheritance, but its runner, in package test, cannot
    // call Base_ShipmentRunner, which is package-private in package shipping.
    JavaFileObject base = JavaFileObjects.forSourceLines("shipping.Base",
        "package shipping;",
        "import io.stepwise.annotations.*;",
        "public class Base {",
        "  @Workflow(\"create-shipment\") protected static class Shipment {",
        "    @Step(\"book\") String book(@Input Integer parcels) { return \"carrier\"; }",
        "  }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout extends shipping.Base {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  Integer ship(@Input Integer parcels) { return parcels; }",
        "}");
    Compilation c = compile(src, base);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowNotVisible]")
        .inFile(src).onLineContaining("@ChildWorkflow(Shipment.class)");
    assertThat(c).hadErrorContaining("@ChildWorkflow must name a workflow whose runner this workflow's runner can call; "
        + "Base.Shipment is not public and lies in another package. Make it public");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void publicChildInAnotherPackage_compilesCleanly() {
    JavaFileObject child = JavaFileObjects.forSourceLines("shipping.Shipment",
        "package shipping;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"create-shipment\") public class Shipment {",
        "  @Step(\"book\") String book(@Input Integer parcels) { return \"carrier-\" + parcels; }",
        "}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(shipping.Shipment.class) Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Step(\"confirm\") String confirm(@From(\"ship\") String label) { return label; }",
        "}");
    Compilation c = compile(LINT, src, child);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    assertThat(generated(c, "test.CheckoutRunner")).contains("ShipmentRunner");
  }

  // ---- ChildInputMismatch

  @Test
  void stepReturnsAnotherTypeThanTheChildsInput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  String ship(@Input String cart) { return cart; }",
        "  @Step(\"confirm\") void confirm(@From(\"ship\") String label) {}",
        "}");
    Compilation c = compile(src, shipment());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildInputMismatch]")
        .inFile(src).onLineContaining("String ship(");
    assertThat(c).hadErrorContaining("@ChildWorkflow steps return the child workflow's input; "
        + "workflow 'create-shipment' takes Integer, but ship(String) returns String");
    assertNoRunner(c, "Checkout");
    assertRunner(c, "Shipment");
  }

  @Test
  void stepReturnsAValue_butTheChildTakesNoInput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"audit\")",
        "  @ChildWorkflow(Audit.class)",
        "  String audit(@Input String cart) { return cart; }",
        "}");
    Compilation c = compile(src, audit());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildInputMismatch]")
        .inFile(src).onLineContaining("String audit(");
    assertThat(c).hadErrorContaining("workflow 'audit' takes no input, so the method must return void, "
        + "but audit(String) returns String");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void stepReturnsVoid_butTheChildTakesInput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\")",
        "  @ChildWorkflow(Shipment.class)",
        "  void ship(@Input String cart) {}",
        "}");
    Compilation c = compile(src, shipment());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildInputMismatch]")
        .inFile(src).onLineContaining("void ship(");
    assertThat(c).hadErrorContaining("workflow 'create-shipment' takes Integer, but ship(String) returns void");
    assertNoRunner(c, "Checkout");
  }

  // ---- ChildCompensation

  @Test
  void compensationOfAChildStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(Shipment.class) Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Compensate(\"ship\") void unship(String label) {}",
        "}");
    Compilation c = compile(src, shipment());
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildCompensation]")
        .inFile(src).onLineContaining("void unship(");
    assertThat(c).hadErrorContaining("Steps that run a child workflow are compensated by the child's own compensations, "
        + "as a unit; remove @Compensate from unship(String), or put it in workflow 'create-shipment' (Shipment)");
    assertNoRunner(c, "Checkout");
    assertRunner(c, "Shipment");
  }

  @Test
  void compensationOfAChildStep_withTheWrongParameterType_isStillOneError() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"ship\") @ChildWorkflow(Shipment.class) Integer ship(@Input Integer parcels) { return parcels; }",
        "  @Compensate(\"ship\") void unship(java.time.Duration nothing, String extra) {}",
        "}");
    Compilation c = compile(src, shipment());
    // CompensationParameters for 'extra' is a mistake of its own; no CompensationTypeMismatch
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("[stepwise:ChildCompensation]")
        .inFile(src).onLineContaining("void unship(");
    assertThat(c).hadErrorContaining("[stepwise:CompensationParameters]")
        .inFile(src).onLineContaining("void unship(");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void childWorkflowOnAMethodThatIsNotAStep_isReported() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @ChildWorkflow(Checkout.class) String ship(String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ChildWorkflowOutsideStep] @ChildWorkflow is only allowed on @Step "
        + "methods; ship(String) is not a step").inFile(src).onLineContaining("@ChildWorkflow(Checkout.class)");
    assertNoRunner(c, "Checkout");
  }
}
