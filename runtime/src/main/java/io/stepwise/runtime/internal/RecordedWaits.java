package io.stepwise.runtime.internal;

import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.StoredRun;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waits for a manual retry that an engine's store records ({@code STEP_WAITING}, the run {@code
 * WAITING}): ending one with the application's decision (a compare-and-set in the store, then the
 * run resumed in this process), and at its run's deadline. Not API.
 */
final class RecordedWaits {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);

  private final Engine engine;
  /** The timers that end recorded waits at their runs' deadlines, by transaction id. */
  private final ConcurrentHashMap<String, ScheduledFuture<?>> deadlines = new ConcurrentHashMap<>();

  RecordedWaits(Engine engine) {
    this.engine = engine;
  }

  /** How a recorded wait for a manual retry ends. */
  enum WaitEnd {
    /** The runner's {@code retryXxx}: the step's next attempt. */
    RETRY,
    /** The runner's {@code failXxx}: the step fails with a {@link ManualStepFailureException}. */
    FAIL,
    /** A cancel of the run: the step fails with a {@link WorkflowCancelledException}. */
    CANCEL,
    /** The run's deadline passed: the step fails with a {@link WorkflowTimeoutException}. */
    DEADLINE
  }

  /**
   * Schedules the end of the recorded waits of {@code registration}'s workflow at their runs'
   * deadlines, for the runs that wait when the engine starts; returns how many runs wait.
   */
  int watch(Engine.Registration<?, ?> registration) {
    if (!engine.store.recordsWaits()) {
      return 0;
    }
    int count = 0;
    for (int offset = 0; ; offset += RunQuery.MAX_LIMIT) {
      List<RunHeader> page = engine.store.list(RunQuery.builder().workflowName(registration.spec.name())
          .statuses(RunStatus.WAITING).limit(RunQuery.MAX_LIMIT).offset(offset).build());
      for (RunHeader header : page) {
        count++;
        header.deadline().ifPresent(d -> parked(registration.spec.name(), header.transactionId(), d.toEpochMilli()));
      }
      if (page.size() < RunQuery.MAX_LIMIT) {
        return count;
      }
    }
  }

  /**
   * Run {@code transactionId} of {@code workflow} stopped at a recorded wait: if it has a deadline
   * ({@code deadlineMillis} on the wall clock, 0 for none), its wait ends then, unless the
   * application decides first.
   */
  void parked(String workflow, String transactionId, long deadlineMillis) {
    Engine.Registration<?, ?> registration = engine.registration(workflow);
    if (deadlineMillis <= 0 || registration == null || engine.isClosing()) {
      return;
    }
    long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
    deadlines.computeIfAbsent(transactionId, id -> Scheduling.timer().schedule(() -> {
      deadlines.remove(id);
      CompletableFuture.runAsync(() -> {
        try {
          endWait(registration, id, null, WaitEnd.DEADLINE);
        } catch (RuntimeException e) {
          log.warn("Workflow '{}': the wait of run '{}' could not be ended at its deadline: {}; the next "
              + "WorkflowEngine.start() tries again", workflow, id, RunEvents.oneLine(e));
        }
      }, Scheduling.pool());
    }, delay, TimeUnit.MILLISECONDS));
  }

  /**
   * Ends the recorded wait of run {@code transactionId} of {@code registration}'s workflow at step
   * {@code stepName} (any step, when null): records the decision in the store, a compare-and-set
   * from {@link RunStatus#WAITING} so that of concurrent calls in any processes one ends it, then
   * resumes the run in this process, which replays its record and goes on from the decision. Blocks
   * on the store's read and write; does not wait for the resumed run.
   *
   * @return whether this call ended the wait: false if the run is unknown, of another workflow or
   *     definition, does not wait (it runs, ended, or its wait was ended first), or waits at another step
   */
  boolean endWait(Engine.Registration<?, ?> registration, String transactionId, String stepName, WaitEnd how) {
    WorkflowSpec spec = registration.spec;
    if (!engine.store.recordsWaits() || engine.isClosing()) {
      return false;
    }
    Optional<RunHeader> header = engine.store.find(transactionId);
    if (header.isEmpty() || header.get().status() != RunStatus.WAITING
        || !header.get().workflowName().equals(spec.name()) || !header.get().fingerprint().equals(spec.fingerprint())) {
      return false;
    }
    StoredRun stored = engine.store.load(spec.types(), transactionId).orElse(null);
    if (stored == null || stored.checkpoints().isEmpty()) {
      return false;
    }
    Checkpoint waiting = stored.checkpoints().get(stored.checkpoints().size() - 1); // in sequence order
    if (waiting.kind() != CheckpointKind.STEP_WAITING || (stepName != null && !waiting.stepName().equals(stepName))) {
      return false;
    }
    Checkpoint decision = decision(spec, transactionId, waiting, how);
    if (!engine.compareAndSet(transactionId, RunStatus.WAITING,
        engine.store.endWait(spec.types(), transactionId, decision))) {
      return false;
    }
    ScheduledFuture<?> timer = deadlines.remove(transactionId);
    if (timer != null && how != WaitEnd.DEADLINE) {
      timer.cancel(false);
    }
    log.info("Workflow '{}' ({}): the wait at step '{}' ended ({}); the run resumes", spec.name(), transactionId,
        waiting.stepName(), how);
    registration.resume(stored.input(), transactionId).whenComplete((result, error) -> {
      Throwable failure = WorkflowRun.unwrap(error);
      if (failure != null && !(failure instanceof WorkflowSuspendedException)) {
        log.error("Workflow '{}': run '{}' could not be resumed after its wait ended; the next WorkflowEngine.start() "
            + "resumes it", spec.name(), transactionId, failure);
      }
    });
    return true;
  }

  /** The checkpoint that ends the wait {@code waiting} as {@code how} says. */
  private static Checkpoint decision(WorkflowSpec spec, String transactionId, Checkpoint waiting, WaitEnd how) {
    int attempt = waiting.attempts();
    int next = waiting.sequence() + 1;
    if (how == WaitEnd.RETRY) {
      return Checkpoint.builder(next, CheckpointKind.RETRY_DECIDED, waiting.position(), waiting.stepName())
          .attempts(attempt).build();
    }
    StepSpec step = spec.steps().get(waiting.position());
    Throwable attemptError = Replay.restore(waiting.error().orElseThrow());
    Throwable failure = switch (how) {
      case FAIL -> ManualWait.failedByApplication(spec, transactionId, step, attempt, attemptError);
      case CANCEL -> new WorkflowCancelledException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") was cancelled while step '" + step.name() + "' waited for a manual retry after attempt " + attempt
          + " of " + step.maxAttempts() + " failed with " + RunEvents.oneLine(attemptError) + "; no further attempt "
          + "was started, and the completed steps are compensated");
      default -> new WorkflowTimeoutException("workflow '" + spec.name() + "' (transaction " + transactionId
          + ") passed its deadline while step '" + step.name() + "' waited for a manual retry after attempt "
          + attempt + " of " + step.maxAttempts() + " failed with " + RunEvents.oneLine(attemptError) + "; no "
          + "further attempt was started, and the completed steps are compensated");
    };
    return Checkpoint.builder(next, CheckpointKind.FAILURE_DECIDED, waiting.position(), waiting.stepName())
        .attempts(attempt).error(failure).build();
  }

  /** Stops the deadlines' timers: the engine closes (the next one's start() watches the waits again). */
  void close() {
    deadlines.values().forEach(timer -> timer.cancel(false));
    deadlines.clear();
  }
}
