package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import io.stepwise.processor.Fixtures;
import io.stepwise.processor.Goldens;
import io.stepwise.processor.WorkflowProcessor;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class RunnerGoldenTest {
  private static final List<JavaFileObject> RESTOCK = Fixtures.sources("restock",
      "CreateRestockOrderWorkflow", "SupplierService", "RestockOrder", "RestockOrderItem", "CreateRestockOrderInput");

  private static final List<JavaFileObject> SHIPPING = Fixtures.sources("shipping",
      "ShipOrderWorkflow", "Warehouse", "PaymentGateway", "ShipOrderInput");

  private static final List<JavaFileObject> GROUP = Fixtures.sources("group", "PackOrderWorkflow");

  private static final List<JavaFileObject> NO_WAIT = Fixtures.sources("nowait", "NotifyOrderWorkflow");

  private static final List<JavaFileObject> HOOK = Fixtures.sources("hook", "RegisterUserWorkflow");

  private static final List<JavaFileObject> CHILD = Fixtures.sources("child",
      "PlaceOrderWorkflow", "ShipWorkflow", "AuditWorkflow");

  private static final List<JavaFileObject> CONDITION = Fixtures.sources("condition", "ApproveLoanWorkflow");

  private static final List<JavaFileObject> TRANSACTIONAL = Fixtures.sources("transactional", "OpenAccountWorkflow");

  private static Compilation compile(List<JavaFileObject> sources) {
    return javac()
        .withProcessors(new WorkflowProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(sources);
  }

  /** Compiles {@code sources} without a warning and compares the runner {@code fqcn} with the golden of {@code test}. */
  private static void assertRunner(List<JavaFileObject> sources, String test, String fqcn) {
    Compilation compilation = compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, RunnerGoldenTest.class, test, fqcn);
  }

  @Test
  void restockRunner() {
    assertRunner(RESTOCK, "restockRunner", "com.acme.restock.CreateRestockOrderWorkflowRunner");
  }

  /** A workflow with asynchronous steps and a parallel group: the steps are chained with thenCompose. */
  @Test
  void asyncRunner() {
    assertRunner(SHIPPING, "asyncRunner", "com.acme.shipping.ShipOrderWorkflowRunner");
  }

  /**
   * A synchronous workflow with a parallel group: the group, a branch for each step whose output is
   * used later (an Optional one for a tolerated failure), join, then the outputs read from the branches.
   */
  @Test
  void syncGroupRunner() {
    assertRunner(GROUP, "syncGroupRunner", "com.acme.group.PackOrderWorkflowRunner");
  }

  /**
   * noWait steps in an asynchronous runner: each started on a group of its own that is never
   * joined, the chain going on at once; the diagram draws the steps after them from the step before.
   */
  @Test
  void noWaitRunner() {
    assertRunner(NO_WAIT, "noWaitRunner", "com.acme.nowait.NotifyOrderWorkflowRunner");
  }

  /** A hook: its slot field, its call among the steps, and the two registration methods. */
  @Test
  void hookRunner() {
    assertRunner(HOOK, "hookRunner", "com.acme.hook.RegisterUserWorkflowRunner");
  }

  /** Child workflows, with and without an input: the child runners' fields, their creation and their calls. */
  @Test
  void childRunner() {
    assertRunner(CHILD, "childRunner", "com.acme.child.PlaceOrderWorkflowRunner");
  }

  /** Conditional steps (an instance and a static condition), an Optional input and an Optional result. */
  @Test
  void conditionRunner() {
    assertRunner(CONDITION, "conditionRunner", "com.acme.condition.ApproveLoanWorkflowRunner");
  }

  /**
   * Steps that take a java.sql.Connection: transactionalStep with a (ctx, connection) body that
   * answers a StepResponse (the step's own; one whose output is the compensation input for a plain
   * value; one of nulls for void), conditional and in a group.
   */
  @Test
  void transactionalRunner() {
    assertRunner(TRANSACTIONAL, "transactionalRunner", "com.acme.transactional.OpenAccountWorkflowRunner");
  }

  @Test
  void generatedSourceIsByteIdenticalAcrossCompiles() {
    String first = generated(compile(RESTOCK));
    String second = generated(compile(RESTOCK));
    assertEquals(first, second);
  }

  private static String generated(Compilation compilation) {
    return compilation.generatedSourceFiles().stream()
        .filter(f -> f.getName().endsWith("CreateRestockOrderWorkflowRunner.java"))
        .map(f -> {
          try {
            return f.getCharContent(false).toString();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .findFirst()
        .orElseThrow();
  }
}
