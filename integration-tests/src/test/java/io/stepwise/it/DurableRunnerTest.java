package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.internal.WorkflowSpec;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.Types;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the generated runners of real workflows, compiled by Maven, give a {@code WorkflowEngine}:
 * the constructor and {@code create} that take one register the workflow, once per engine; their
 * {@code SPEC} carries the {@code RunTypes} and fingerprint (read here by reflection, in the test only).
 */
class DurableRunnerTest {
  @Test
  void aRunnerWithAnEngine_registersItsWorkflowOncePerEngine() {
    try (WorkflowEngine engine = WorkflowEngine.builder().store(new InMemoryRunStore()).build()) {
      new SmallWorkflows_TickRunner(new SmallWorkflows.Tick(), Container.empty(), engine);
      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> SmallWorkflows_TickRunner.create(Container.empty(), engine));
      assertTrue(twice.getMessage().contains("'tick'"), twice.getMessage());

      SmallWorkflows_SquareRunner square = SmallWorkflows_SquareRunner.create(Container.empty(), engine);
      engine.start();
      assertEquals(144L, square.run(12).result());
    }
    // without an engine, as before: any number of runners of one workflow
    new SmallWorkflows_TickRunner(new SmallWorkflows.Tick());
    new SmallWorkflows_TickRunner(new SmallWorkflows.Tick(), Container.empty(), null);
    assertEquals(144L, SmallWorkflows_SquareRunner.create(Container.empty(), null).run(12).result());
  }

  /** A primitive input and output are recorded boxed; a workflow without input records Void. */
  @Test
  void runTypes_boxPrimitives_andVoidForNoInput() throws Exception {
    RunTypes square = types(SmallWorkflows_SquareRunner.class);
    assertEquals(Integer.class, square.input());
    assertEquals(Long.class, square.result());
    assertEquals(Long.class, square.output(0, "square"));

    RunTypes tick = types(SmallWorkflows_TickRunner.class);
    assertEquals(Void.class, tick.input());
    assertEquals(Void.class, tick.result());
    assertEquals(String.class, tick.output(0, "first"));
    assertEquals(Void.class, tick.compensationInput(1, "second"));
  }

  /**
   * A workflow whose result step is conditional records an Optional result; a step that runs a child
   * workflow records the child's result, and no compensation input (the child's run has its own record).
   */
  @Test
  void runTypes_optionalResult_andChildSteps() throws Exception {
    Type optionalString = Types.parameterized(Optional.class, String.class);
    RunTypes wrap = types(GiftWorkflows_WrapRunner.class);
    assertEquals(Script.class, wrap.input());
    assertEquals(optionalString, wrap.result());
    assertEquals(String.class, wrap.output(1, "wrap"));

    RunTypes box = types(GiftWorkflows_BoxRunner.class);
    assertEquals(optionalString, box.output(0, "wrap"));
    assertEquals(Void.class, box.compensationInput(0, "wrap"));
    assertEquals(optionalString, box.output(1, "wrap-async"));
    assertEquals(optionalString, box.result());
  }

  private static RunTypes types(Class<?> runner) throws ReflectiveOperationException {
    Field field = runner.getDeclaredField("SPEC");
    field.setAccessible(true);
    WorkflowSpec spec = (WorkflowSpec) field.get(null);
    assertTrue(spec.fingerprint().matches("sha256:[0-9a-f]{16}"), spec.fingerprint());
    return spec.types();
  }
}
