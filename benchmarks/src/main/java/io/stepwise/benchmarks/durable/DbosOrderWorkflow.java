package io.stepwise.benchmarks.durable;

import dev.dbos.transact.workflow.Step;
import dev.dbos.transact.workflow.Workflow;

/**
 * The same 3-step workflow for DBOS Transact: a {@code @Workflow} method that calls three {@code
 * @Step} methods through DBOS's proxy (DBOS records a step only when it is called through the proxy;
 * see {@link Impl#self}). DBOS has no compensations: the success path, which is all that is measured,
 * is the same.
 */
public interface DbosOrderWorkflow {
  String process(DurableOrder order);

  String reserve(DurableOrder order);

  long charge(DurableOrder order);

  String ship(long charged, DurableOrder order);

  /** The implementation DBOS proxies. */
  final class Impl implements DbosOrderWorkflow {
    /** DBOS's proxy of this object, through which the workflow calls its steps. */
    private volatile DbosOrderWorkflow self;

    void self(DbosOrderWorkflow proxy) {
      this.self = proxy;
    }

    @Override
    @Workflow(name = "durable-order")
    public String process(DurableOrder order) {
      self.reserve(order);
      long charged = self.charge(order);
      return self.ship(charged, order);
    }

    @Override
    @Step(name = "reserve")
    public String reserve(DurableOrder order) {
      return OrderSteps.reserve(order);
    }

    @Override
    @Step(name = "charge")
    public long charge(DurableOrder order) {
      return OrderSteps.charge(order);
    }

    @Override
    @Step(name = "ship")
    public String ship(long charged, DurableOrder order) {
      return OrderSteps.ship(charged, order);
    }
  }
}
