package io.stepwise.example;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A console demo of the create-restock-order workflow: one order that is confirmed, and one that
 * the supplier's credit limit rejects at update-status, so that the steps before are undone. Prints
 * what each step and compensation did, each run's outcome, and what the store holds afterwards.
 *
 * <p>Run it with {@code java -jar example-app/target/stepwise-example-app.jar demo}.
 */
public final class RestockDemo {

  private RestockDemo() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the demo, printing to {@code out}. */
  static void run(PrintStream out) {
    SupplierService service = new InMemorySupplierService();
    CreateRestockOrderWorkflowRunner runner =
        CreateRestockOrderWorkflowRunner.create(Container.of(service, InMemoryDatabase.dataSource()));

    Supplier supplier = service.findSupplier(SupplierService.SEED_SUPPLIER_ID).orElseThrow();
    out.println("Stepwise demo: workflow create-restock-order");
    out.println("Supplier " + supplier.id() + " (" + supplier.name() + ") carries "
        + String.join(", ", new TreeSet<>(supplier.productIds()))
        + "; credit limit per order: " + supplier.creditLimit().toPlainString());

    CreateRestockOrderInput weekly = new CreateRestockOrderInput(SupplierService.SEED_SUPPLIER_ID,
        List.of(ItemInput.of("prod_1", 2, "10.50"), ItemInput.of("prod_2", 5, "4.00")), "weekly restock");
    out.println();
    out.println("Run 1: " + describe(weekly));
    WorkflowResult<RestockOrder> confirmed = runner.run(weekly);
    printRun(out, service, confirmed);
    RestockOrder order = confirmed.result();
    out.println("     order " + order.id() + ": " + order.status() + ", " + order.totalItems()
        + " item(s), total cost " + order.totalCost().toPlainString());

    CreateRestockOrderInput bulk = new CreateRestockOrderInput(SupplierService.SEED_SUPPLIER_ID,
        List.of(ItemInput.of("prod_3", 40, "30.00"), ItemInput.of("prod_1", 1, "10.50")), "bulk order");
    out.println();
    out.println("Run 2: " + describe(bulk) + " (over the credit limit)");
    WorkflowResult<?> rejected;
    try {
      rejected = runner.run(bulk);
    } catch (WorkflowFailedException e) {
      rejected = e.result();
    }
    printRun(out, service, rejected);

    List<RestockOrder> orders = service.listOrders();
    out.println();
    out.println("Store after both runs: " + orders.size() + " order(s), " + service.countItems() + " item(s)");
    for (RestockOrder o : orders) {
      out.println("  " + o.id() + ": " + o.status() + ", supplier " + o.supplierId() + ", "
          + o.totalItems() + " item(s), total cost " + o.totalCost().toPlainString()
          + (o.notes() == null ? "" : ", notes \"" + o.notes() + "\""));
      for (RestockOrderItem item : o.items()) {
        out.println("    " + item.id() + ": " + item.quantity() + " x " + item.productId()
            + " at " + item.unitCost().toPlainString());
      }
    }
  }

  private static String describe(CreateRestockOrderInput input) {
    List<String> items = new ArrayList<>();
    for (ItemInput item : input.items()) {
      items.add(item.quantity() + " x " + item.productId() + " at " + item.unitCost().toPlainString());
    }
    return String.join(", ", items) + " from " + input.supplierId();
  }

  private static void printRun(PrintStream out, SupplierService service, WorkflowResult<?> result) {
    for (AuditTrail.Entry entry : service.auditTrail().entries(result.transactionId())) {
      out.println("  " + entry);
    }
    out.println("  => " + result.status() + " (transaction " + result.transactionId() + ")");
    for (StepError error : result.errors()) {
      Throwable cause = error.cause();
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      out.println("     error in step " + error.step() + " (" + error.phase() + "): " + message);
    }
  }
}
