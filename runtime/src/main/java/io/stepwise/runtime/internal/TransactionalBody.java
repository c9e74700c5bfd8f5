package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.sql.Connection;

/**
 * A step that works on a database through a {@link Connection} the runtime gives it, in a
 * transaction it does not commit itself: in a durable run on a JDBC store, the transaction that
 * records the step's checkpoint. Not API.
 */
@FunctionalInterface
public interface TransactionalBody<O, C> {
  StepResponse<O, C> invoke(StepContext context, Connection connection) throws Exception;
}
