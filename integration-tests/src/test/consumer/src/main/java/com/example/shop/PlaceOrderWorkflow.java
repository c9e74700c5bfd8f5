package com.example.shop;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;

/** A user's first workflow: reserve the goods, then charge; a declined charge releases the goods. */
@Workflow("place-order")
public class PlaceOrderWorkflow {
  private final Warehouse warehouse;

  public PlaceOrderWorkflow(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  @Step("reserve")
  String reserve(@Input Order order) {
    return warehouse.reserve(order.item(), order.quantity());
  }

  @Compensate("reserve")
  void release(String reservation) {
    warehouse.release(reservation);
  }

  @Step("charge")
  String charge(@From("reserve") String reservation, @Input Order order) {
    if (order.cents() > 10_000) {
      throw new IllegalStateException("card declined for " + order.cents() + " cents");
    }
    return "paid " + order.cents() + " for " + reservation;
  }
}
