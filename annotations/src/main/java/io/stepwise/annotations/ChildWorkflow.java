package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a {@link Step} run another workflow as a child, as Medusa's {@code runAsStep}. The step
 * method builds the child's input and returns it ({@code void} if the child takes no input); the
 * child's result is the step's output, which later steps receive through {@link From}.
 *
 * <pre>{@code
 * @Step("create-shipment")
 * @ChildWorkflow(CreateShipmentWorkflow.class)
 * ShipmentRequest shipment(@From("create-order") Order order) { return new ShipmentRequest(order.id()); }
 * }</pre>
 *
 * <p>The child runs with its own steps, retries and compensations, under a transaction id derived
 * from the parent's ({@code parent-id/create-shipment}). If the child fails, it compensates itself
 * and the step fails. If a later step of the parent fails, the child's completed steps are
 * compensated as a unit, in reverse order, at the step's place in the parent's compensation order;
 * so the step takes no {@link Compensate} of its own.
 *
 * <p>The compiler checks that the named class is a valid {@code @Workflow}, that the method returns
 * exactly the child's input type, and that no workflow runs itself, directly or through others.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface ChildWorkflow {
  /** The {@code @Workflow} class to run. */
  Class<?> value();
}
