package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void makesUniqueIdsThatSortInTheOrderTheyWereMade() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(Ids.next("ro"));
    }
    assertEquals(ids.size(), new HashSet<>(ids).size());
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertEquals(ids, sorted);
    for (String id : ids) {
      assertTrue(id.matches("ro_[0-9A-HJKMNP-TV-Z]{26}"), id);
    }
  }
}
