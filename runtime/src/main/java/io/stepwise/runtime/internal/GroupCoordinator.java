package io.stepwise.runtime.internal;

import io.stepwise.runtime.internal.WorkflowRun.Branch;
import io.stepwise.runtime.internal.WorkflowRun.Halt;
import io.stepwise.runtime.WorkflowSuspendedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * One {@code @Parallel} group of a run, for synchronous and asynchronous runs alike: each step's
 * {@link StepMachine} starts on the run's executor as it is added, on the run's driver; {@link
 * #join()} waits for all of them (on the driver), then settles them in the order they completed.
 * If any failed, the others have run to completion, and every completed step of the group is
 * compensated, then the earlier steps. Not API.
 */
final class GroupCoordinator {
  private final Execution run;
  private final String name;
  private final Executor executor;
  /** The MDC of the thread that started the group, which each step's task carries. */
  private final Map<String, String> mdc = MDC.getCopyOfContextMap();
  private final AtomicInteger completions = new AtomicInteger();
  private final List<Branch<?, ?>> branches = new ArrayList<>();
  private boolean joined;
  /**
   * Whether a {@code noWait} step failed, so that the run halts before this group: its steps do not
   * start, and {@link #join()} halts the run.
   */
  private final boolean stopped;
  /** The waits of members for a manual retry ({@code autoRetry = false}), ended or not: see {@link #waiting}. */
  private final Queue<ManualWait> waits = new ConcurrentLinkedQueue<>();
  /** Whether a member failed for good so that the run halts: a member's wait for a manual retry then ends. */
  private volatile boolean failing;

  GroupCoordinator(Execution run, String name) {
    this.run = run;
    this.name = name;
    this.executor = run.executor();
    this.stopped = run.noWaitFailed();
  }

  /**
   * Whether a step of the group failed for good so that the run halts, though it may not have
   * finished yet (its machine says so before listeners hear of the failure).
   */
  boolean halting() {
    return failing;
  }

  /** The run whose group this is. */
  Execution run() {
    return run;
  }

  /**
   * Starts a step of the group on the executor. A group's steps all start together: a cancel stops
   * the run after the group, not inside it, so the machine evaluates a condition whatever happened
   * meanwhile (it was made with {@code stopsBeforeCondition} false).
   */
  <O, C> Branch<O, C> start(StepMachine<O, C> machine, Compensation<? super C> compensation) {
    Branch<O, C> branch = new Branch<>(machine, compensation);
    if (stopped) {
      return branch; // never started: the run halts at the join, or before its next step
    }
    branches.add(branch);
    machine.compensatedBy(compensation).group = this;
    machine.then(() -> {
      branch.finish(completions);
      Throwable failure = machine.failure();
      if (failure != null && !machine.tolerates(failure)) {
        memberHalts(); // a failure the machine did not tell of (a condition that threw, a crash)
      }
    });
    Runnable task = () -> Mdc.with(mdc, () -> {
      try {
        machine.run();
      } catch (Throwable t) {
        if (!branch.finished.isDone()) {
          machine.crash(t, 1);
        }
      }
    });
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      machine.crash(e, 0);
    }
    return branch;
  }

  /**
   * Waits for every step of the group, then settles them in the order they completed. The future
   * completes with null when the run goes on, or with the {@link Halt} to throw once a failed step
   * halted the run and the compensations are over.
   */
  CompletableFuture<Halt> join() {
    if (joined) {
      throw new IllegalStateException("group '" + name + "' of workflow '" + run.spec().name() + "' was already joined");
    }
    joined = true;
    if (stopped) {
      return Compensator.halt(run, List.of());
    }
    CompletableFuture<Halt> settled = new CompletableFuture<>();
    Runnable settle = () -> {
      WorkflowSuspendedException suspended = run.suspension();
      if (suspended != null) {
        settled.completeExceptionally(suspended);
        return;
      }
      List<Settlement.Failure> failed = settle();
      if (failed.isEmpty()) {
        settled.complete(null);
      } else {
        Compensator.halt(run, failed).whenComplete((halt, error) -> {
          if (error == null) {
            settled.complete(halt);
          } else {
            settled.completeExceptionally(WorkflowRun.unwrap(error));
          }
        });
      }
    };
    // the steps must finish before anything is compensated: a blocking join is uninterruptible
    if (run.driver().await(run, finished(), settle)) {
      settle.run();
    }
    return settled;
  }

  /**
   * A member waits for the application to retry or fail it: the wait ends at once if a sibling has
   * failed for good, or when one does. The run is compensated then, so the waiting step fails with
   * its attempt's error instead of holding the group (and the compensation of its completed
   * siblings) until someone decides.
   */
  void waiting(ManualWait wait) {
    waits.add(wait);
    if (failing) {
      wait.decide(ManualWait.Decision.STOP);
    }
  }

  /** A member failed for good and halts the run: the members' waits end (those to come too). */
  void memberHalts() {
    failing = true;
    for (ManualWait wait : waits) {
      wait.decide(ManualWait.Decision.STOP);
    }
  }

  /** Completes when every step of the group has its outcome. */
  CompletableFuture<Void> finished() {
    return CompletableFuture.allOf(branches.stream().map(branch -> branch.finished).toArray(CompletableFuture<?>[]::new));
  }

  /**
   * Settles the steps of a {@code noWait} step's group, which have finished: the failures that halt
   * the run, which the next step (or the end of the steps) halts it with.
   */
  List<Settlement.Failure> settleNow() {
    return settle();
  }

  /**
   * Settles the finished steps in the order they completed: outputs are set, compensations join
   * the run's stack, tolerated failures are recorded. Returns the failures that halt the run.
   */
  private List<Settlement.Failure> settle() {
    List<Branch<?, ?>> byCompletion = new ArrayList<>(branches);
    byCompletion.sort(Comparator.comparingInt(Branch::order));
    List<Settlement.Failure> failed = new ArrayList<>();
    for (Branch<?, ?> branch : byCompletion) {
      Settlement.Failure failure = branch.settle(run);
      if (failure != null) {
        failed.add(failure);
      }
    }
    return failed;
  }
}
