package io.stepwise.runtime.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code noWait} steps of one run: those that started and are not settled yet, each on a {@link
 * GroupCoordinator} of its own, and the failures of settled ones that halt the run, kept until a halt
 * takes them. A run makes it at its first {@code noWait} step; read and written by the run's thread only
 * (a synchronous run's, or the segment of an asynchronous run that runs). Not API.
 */
final class NoWaitSteps {
  /** The steps that started and are not settled yet, in the order they started. */
  private final List<GroupCoordinator> running = new ArrayList<>(2);
  /** The failures of settled steps that halt the run, kept until a halt takes them. */
  private List<Settlement.Failure> failures = List.of();

  /** A {@code noWait} step started: it is settled once it finished, at the latest when the steps are over. */
  void started(GroupCoordinator step) {
    running.add(step);
  }

  /**
   * Settles the steps that have finished (their compensations join the stack in the order they
   * finished); whether one of them failed so that the run halts (or has failed so, and not finished
   * yet: the halt waits for it).
   */
  boolean failed() {
    for (Iterator<GroupCoordinator> steps = running.iterator(); steps.hasNext(); ) {
      GroupCoordinator step = steps.next();
      if (step.finished().isDone()) {
        steps.remove();
        List<Settlement.Failure> failed = step.settleNow();
        if (!failed.isEmpty()) {
          if (failures.isEmpty()) {
            failures = new ArrayList<>(failed.size());
          }
          failures.addAll(failed);
        }
      }
    }
    if (!failures.isEmpty()) {
      return true;
    }
    // a noWait step that failed for good but has not finished: the run halts, and waits for it there
    for (GroupCoordinator step : running) {
      if (step.halting()) {
        return true;
      }
    }
    return false;
  }

  /** Completes when every step that is not settled has its outcome; null if there is none. */
  CompletableFuture<Void> running() {
    return running.isEmpty() ? null
        : CompletableFuture.allOf(running.stream().map(GroupCoordinator::finished).toArray(CompletableFuture<?>[]::new));
  }

  /**
   * The failures that halt the run, once every step finished: those of {@code noWait} steps first
   * (they failed before), then {@code failed}. The steps are settled then.
   */
  List<Settlement.Failure> withFailures(List<Settlement.Failure> failed) {
    failed();
    if (failures.isEmpty()) {
      return failed;
    }
    List<Settlement.Failure> all = new ArrayList<>(failures);
    all.addAll(failed);
    failures = List.of();
    return all;
  }
}
