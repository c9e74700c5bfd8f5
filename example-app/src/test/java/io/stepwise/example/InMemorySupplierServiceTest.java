package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link SupplierService} contract, in memory. */
class InMemorySupplierServiceTest extends SupplierServiceContractTest {

  @Override
  protected SupplierService newService(ConfirmationPolicy policy) {
    return new InMemorySupplierService(policy);
  }

  @Test
  void countsIdsUpPerStore() {
    RestockOrder order = service.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    List<RestockOrderItem> items = service.createItems(order.id(),
        List.of(ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_2", 1, "1.00")));
    assertEquals("ro_1", order.id());
    assertEquals("roi_1", items.get(0).id());
    assertEquals("roi_2", items.get(1).id());
  }
}
