package io.stepwise.it;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The input of the test workflows: what each step should do, and a journal of what happened. Each
 * run gets its own script, so concurrent runs never share state.
 */
public final class Script {
  /** How often each step (or "undo:step") should throw before it succeeds; Integer.MAX_VALUE = always. */
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<String> journal = new CopyOnWriteArrayList<>();
  private static final Map<String, Script> BY_ID = new ConcurrentHashMap<>();

  final String id;

  /** A script for the run whose transaction id is {@code id}. */
  public Script(String id) {
    this.id = id;
    BY_ID.put(id, this);
  }

  /** The script of the run a compensation belongs to, found by its transaction id. */
  static Script of(StepContext context) {
    String id = context.transactionId();
    // a child workflow's transaction id is the parent's, then "/" and the parent's step
    return BY_ID.get(id.contains("/") ? id.substring(0, id.indexOf('/')) : id);
  }

  /** The script whose id is {@code id}, or null: how a test's HTTP server finds the run a request belongs to. */
  static Script byId(String id) {
    return BY_ID.get(id);
  }

  /** Run options that give the run this script's id as its transaction id. */
  public RunOptions options() {
    return RunOptions.builder().transactionId(id).throwOnError(false).build();
  }

  public Script fail(String step, int times) {
    failures.put(step, times);
    return this;
  }

  public Script failAlways(String step) {
    return fail(step, Integer.MAX_VALUE);
  }

  /** Records the call and throws if the script says so. */
  void call(String what) {
    int n = calls.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    journal.add(what);
    if (n <= failures.getOrDefault(what, 0)) {
      throw new IllegalStateException(what + " failed (call " + n + ") in " + id);
    }
  }

  void record(String what) {
    journal.add(what);
  }

  public int calls(String what) {
    AtomicInteger n = calls.get(what);
    return n == null ? 0 : n.get();
  }

  public List<String> journal() {
    return List.copyOf(journal);
  }
}
