package com.example.shop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the workflow asked of it, in order. */
public final class Warehouse {
  private final List<String> journal = new CopyOnWriteArrayList<>();

  String reserve(String item, int quantity) {
    journal.add("reserve " + quantity + " " + item);
    return "R-" + item;
  }

  void release(String reservation) {
    journal.add("release " + reservation);
  }

  List<String> journal() {
    return journal;
  }
}
