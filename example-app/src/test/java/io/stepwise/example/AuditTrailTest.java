package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's in-memory {@link AuditTrail} keeps its newest entries only, so that it does not grow without end. */
class AuditTrailTest {

  @Test
  void aFullTrailDropsItsOldestEntryForEachNewOne() {
    AuditTrail trail = new AuditTrail(3);
    trail.record(new TestStepContext("tx-a", "create-order", false), "created order ro_1");
    trail.record(new TestStepContext("tx-b", "create-order", false), "created order ro_2");
    trail.record(new TestStepContext("tx-a", "create-items", false), "created items roi_1 of order ro_1");
    trail.record(new TestStepContext("tx-b", "create-items", false), "failed: product prod_9 is not carried");
    trail.record(new TestStepContext("tx-b", "create-order", true), "deleted order ro_2");

    assertEquals(List.of("create-items: created items roi_1 of order ro_1",
            "create-items: failed: product prod_9 is not carried", "compensate create-order: deleted order ro_2"),
        trail.entries().stream().map(AuditTrail.Entry::toString).toList());
    assertEquals(List.of("create-items: failed: product prod_9 is not carried",
            "compensate create-order: deleted order ro_2"),
        trail.entries("tx-b").stream().map(AuditTrail.Entry::toString).toList());
  }

  @Test
  void aTrailKeepsTenThousandEntriesByDefault() {
    AuditTrail trail = new AuditTrail();
    for (int i = 0; i <= AuditTrail.DEFAULT_CAPACITY; i++) {
      trail.record(new TestStepContext("tx-" + i, "create-order", false), "created order ro_" + i);
    }

    List<AuditTrail.Entry> entries = trail.entries();
    assertEquals(10_000, entries.size());
    assertEquals("tx-1", entries.get(0).transactionId(), "the oldest entry, tx-0's, was dropped");
    assertEquals("tx-10000", entries.get(entries.size() - 1).transactionId());
  }

  @Test
  void aTrailWithoutRoomIsRefused() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new AuditTrail(0));
    assertEquals("capacity must be at least 1, was 0", refused.getMessage());
  }
}
