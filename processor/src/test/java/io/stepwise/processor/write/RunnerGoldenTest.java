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

  private static Compilation compile(List<JavaFileObject> sources) {
    return javac()
        .withProcessors(new WorkflowProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(sources);
  }

  @Test
  void restockRunner() {
    Compilation compilation = compile(RESTOCK);
    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, RunnerGoldenTest.class, "restockRunner",
        "com.acme.restock.CreateRestockOrderWorkflowRunner");
  }

  /** A workflow with asynchronous steps and a parallel group: the steps are chained with thenCompose. */
  @Test
  void asyncRunner() {
    Compilation compilation = compile(SHIPPING);
    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, RunnerGoldenTest.class, "asyncRunner", "com.acme.shipping.ShipOrderWorkflowRunner");
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
