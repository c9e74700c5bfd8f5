package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepwise.it.CourierWorkflows.Courier;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A child workflow's runner is built from its parent's container when the parent's runner is
 * created: a parent created without a container whose child needs a service fails then, and says
 * how to create it.
 */
class ChildContainerTest {
  private static final String COURIER = Courier.class.getName();

  private static String withoutContainer(String runner, String children) {
    return runner + " was created without a container (new " + runner + "(workflow), or Container.empty()), but its"
        + " child workflow " + children + " needs a service of type " + COURIER + ", and a child workflow is built"
        + " from its parent's container: create it with " + runner + ".create(container) or new " + runner
        + "(workflow, container)";
  }

  @Test
  void aSynchronousParentWithoutAContainerFailsAtCreationNamingTheChildTheServiceAndTheFix() {
    String expected = withoutContainer("CourierWorkflows_SendRunner", "'deliver' (CourierWorkflows.Deliver)");

    IllegalStateException constructed = assertThrows(IllegalStateException.class,
        () -> new CourierWorkflows_SendRunner(new CourierWorkflows.Send()));
    IllegalStateException created = assertThrows(IllegalStateException.class,
        () -> CourierWorkflows_SendRunner.create(Container.empty()));

    assertEquals(expected, constructed.getMessage());
    assertEquals(expected, created.getMessage());
  }

  @Test
  void anAsynchronousParentWithoutAContainerFailsAtCreationNamingTheChildTheServiceAndTheFix() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new CourierWorkflows_SendAsyncRunner(new CourierWorkflows.SendAsync()));

    assertEquals(withoutContainer("CourierWorkflows_SendAsyncRunner", "'deliver' (CourierWorkflows.Deliver)"),
        e.getMessage());
  }

  @Test
  void aGrandchildThatNeedsAServiceIsNamedThroughItsParent() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new CourierWorkflows_SendGiftRunner(new CourierWorkflows.SendGift()));

    assertEquals(withoutContainer("CourierWorkflows_SendGiftRunner", "'send' (CourierWorkflows.Send), through its own"
        + " child workflow 'deliver' (CourierWorkflows.Deliver),"), e.getMessage());
  }

  @Test
  void theHttpWorkflowsChildNeedsItsRemoteApiToo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new PayAndShipWorkflowRunner(new PayAndShipWorkflow(new RemoteApi(URI.create("http://127.0.0.1:1/")))));

    assertEquals("PayAndShipWorkflowRunner was created without a container (new PayAndShipWorkflowRunner(workflow),"
        + " or Container.empty()), but its child workflow 'carrier' (CarrierWorkflow) needs a service of type "
        + RemoteApi.class.getName() + ", and a child workflow is built from its parent's container: create it with"
        + " PayAndShipWorkflowRunner.create(container) or new PayAndShipWorkflowRunner(workflow, container)",
        e.getMessage());
  }

  @Test
  void aContainerThatLacksTheServiceSaysSoInItsOwnWords() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CourierWorkflows_SendRunner.create(Container.of("not a courier")));

    assertEquals("Container.of(...) has no service of type " + COURIER + "; add one to Container.of(...)",
        e.getMessage());
  }

  @Test
  void theChildIsBuiltFromItsParentsContainerOnBothPaths() {
    Container container = Container.of(new Courier());

    WorkflowResult<String> sync = CourierWorkflows_SendRunner.create(container).run("a book");
    WorkflowResult<String> async = new CourierWorkflows_SendAsyncRunner(new CourierWorkflows.SendAsync(), container)
        .run("a lamp");
    WorkflowResult<String> nested = CourierWorkflows_SendGiftRunner.create(container).run("a pen");

    assertEquals(WorkflowStatus.DONE, sync.status());
    assertEquals("delivered parcel of a book from the parent's container", sync.result());
    assertEquals("delivered parcel of a lamp from the parent's container", async.result());
    assertEquals("delivered parcel of gift a pen from the parent's container", nested.result());
  }

  @Test
  void aContainerFromAFunctionServesTheParentAndItsChildrenOnBothPaths() {
    Courier courier = new Courier();
    Container container = Container.from(type -> type == Courier.class ? courier : null);

    assertEquals("delivered parcel of a cup from the parent's container",
        CourierWorkflows_SendRunner.create(container).run("a cup").result());
    assertEquals("delivered parcel of a mug from the parent's container",
        CourierWorkflows_SendAsyncRunner.create(container).run("a mug").result());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CourierWorkflows_SendRunner.create(Container.from(type -> null)));
    assertEquals("Container.from(...) has no service of type " + COURIER + ": its function returned null for it;"
        + " return one, or throw an exception that says why there is none", e.getMessage());
  }
}
