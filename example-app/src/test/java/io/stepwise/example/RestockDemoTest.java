package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestockDemoTest {

  @Test
  void printsBothOutcomesStepByStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      RestockDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);

    for (String expected : List.of(
        "create-order: created order ro_1 for supplier sup_1 (pending)",
        "update-status: confirmed order ro_1",
        "=> DONE (transaction ",
        "order ro_1: confirmed, 2 item(s), total cost 41.00",
        "update-status: failed: order ro_2 rejected: total cost 1210.50 exceeds the credit limit 1000.00 of supplier sup_1",
        "compensate create-items: deleted items roi_3, roi_4",
        "compensate create-order: deleted order ro_2",
        "=> REVERTED (transaction ",
        "error in step update-status (INVOKE): order ro_2 rejected",
        "Store after both runs: 1 order(s), 2 item(s)")) {
      assertTrue(out.contains(expected), () -> "missing \"" + expected + "\" in:\n" + out);
    }
    assertTrue(out.indexOf("compensate create-items") < out.indexOf("compensate create-order"), out);
    assertFalse(out.contains("\tat "), out);
    assertFalse(out.contains("Exception"), out);
  }
}
