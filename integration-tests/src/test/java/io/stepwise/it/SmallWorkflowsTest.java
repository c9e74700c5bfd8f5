package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallWorkflowsTest {

  @Test
  void nestedWorkflowWithoutInputRunsWithNoArgumentsAndHasAVoidResult() {
    SmallWorkflows.Tick tick = new SmallWorkflows.Tick();
    WorkflowResult<Void> result = new SmallWorkflows_TickRunner(tick).run();

    assertEquals(WorkflowStatus.DONE, result.status());
    assertNull(result.result());
    assertEquals(List.of("first tick first", "second one"), tick.log);
    assertEquals("tick", SmallWorkflows_TickRunner.WORKFLOW_NAME);
  }

  @Test
  void runnerTakesAPrimitiveInput() {
    WorkflowResult<Long> result = SmallWorkflows_SquareRunner.create(Container.empty()).run(12);
    assertEquals(144L, result.result());
  }

  @Test
  void createResolvesConstructorParametersFromTheContainerAndExplainsAMissingOne() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> OrderWorkflowRunner.create(Container.empty()));
    assertEquals("Container.empty() has no service of type io.stepwise.it.Pricing (it has none); use Container.of(...)"
        + " with one, or a Container of your own",
        missing.getMessage());
  }

  @Test
  void nullOptionsAreRejectedWithAClearMessage() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> new SmallWorkflows_TickRunner(new SmallWorkflows.Tick()).run((RunOptions) null));
    assertEquals("RunOptions of workflow 'tick' must not be null; use RunOptions.defaults()", e.getMessage());
  }
}
