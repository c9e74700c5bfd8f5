package io.stepwise.runtime.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manual-retry waits ({@code @Step(autoRetry = false)}) that concern one run: those of its own
 * steps, by name, which {@code retryXxx}/{@code failXxx} end, and those of its child runs' steps (and
 * theirs), which a cancel of the run, or its giving up on the attempt that started the child, ends. A
 * run makes it at the first such wait. Not API.
 */
final class RunWaits {
  private final Execution run;
  /** The run's steps that wait, by name: more than one in a {@code @Parallel} group. */
  private final Map<String, ManualWait> own = new ConcurrentHashMap<>(2);
  /** The waits of steps of the run's child runs (and theirs). */
  private final Set<ManualWait> children = ConcurrentHashMap.newKeySet(2);

  RunWaits(Execution run) {
    this.run = run;
  }

  /**
   * The run's {@code step} waits after its failed {@code attempt} for the application to retry or
   * fail it. The wait ends at once if the run is cancelled, and at the run's deadline.
   */
  ManualWait begin(StepSpec step, int attempt) {
    ManualWait wait = new ManualWait(run, step, attempt);
    own.put(step.name(), wait);
    if (run.parent() != null) {
      RunRegistry.childWaits(run); // a child run is in no runner's registry: retryXxx finds it there
      for (Execution parent = run.parent(); parent != null; parent = parent.parent()) {
        parent.waits().children.add(wait); // a cancel of the parent ends the wait
      }
    }
    if (run.journal != null) {
      run.journal.waiting();
    }
    if (run.isCancelled()) {
      wait.decide(ManualWait.Decision.STOP);
    } else if (run.deadline().leftNanos() != Long.MAX_VALUE) {
      wait.stopAfter(run.deadline().leftNanos());
    }
    return wait;
  }

  /** The wait of one of the run's steps is over, however it ended. */
  void end(ManualWait wait) {
    own.remove(wait.step.name(), wait);
    for (Execution parent = run.parent(); parent != null; parent = parent.parent()) {
      parent.waits().children.remove(wait);
    }
  }

  /**
   * Ends the wait of step {@code stepName} with {@code decision}: false if the step does not wait
   * (it never did, it runs again, or its wait ended already).
   */
  boolean decide(String stepName, ManualWait.Decision decision) {
    ManualWait wait = own.get(stepName);
    return wait != null && wait.decide(decision);
  }

  /**
   * The run stopped waiting for {@code attempt} (an asynchronous attempt that timed out): the waits
   * of the child runs it started, and of theirs, end, so that they stop and compensate rather than
   * wait for a decision that no parent will use.
   */
  void abandoned(Attempt attempt) {
    for (ManualWait wait : children) {
      for (Execution child = wait.run; child != null && child != run; child = child.parent()) {
        if (child.parentStep() == attempt) {
          wait.decide(ManualWait.Decision.STOP);
          break;
        }
      }
    }
  }

  /** The run is cancelled: every wait of its steps and of its child runs' steps ends. */
  void stopAll() {
    own.values().forEach(wait -> wait.decide(ManualWait.Decision.STOP));
    children.forEach(wait -> wait.decide(ManualWait.Decision.STOP));
  }
}
