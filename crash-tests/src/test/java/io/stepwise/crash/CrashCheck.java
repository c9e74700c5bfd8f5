package io.stepwise.crash;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the store's record of every run against the effect log, after the last child JVM resumed
 * what the killed ones left. Collects every violation (with the log lines and checkpoints that show
 * it) rather than stopping at the first. What it checks, and why each check is sound, is in {@link
 * CrashTest}'s documentation.
 */
final class CrashCheck {
  private static final Set<String> ORDER_WORKFLOWS = Set.of(OrderWorkflowRunner.WORKFLOW_NAME,
      AsyncOrderWorkflowRunner.WORKFLOW_NAME);
  private static final Set<String> PARCEL_WORKFLOWS = Set.of(ParcelWorkflowRunner.WORKFLOW_NAME,
      AsyncParcelWorkflowRunner.WORKFLOW_NAME);
  /** The steps that have a {@code @Compensate}, by workflow kind. */
  private static final List<String> ORDER_COMPENSATED = List.of("reserve", "price", "label", "gift", "charge",
      "confirm");
  private static final List<String> PARCEL_COMPENSATED = List.of("pack", "seal");
  /** The step that runs the child workflow: its body is not logged (it only maps the input). */
  private static final String CHILD_STEP = "ship";
  private static final Pattern FAILED_TOKEN = Pattern.compile("invocation (\\S+)");

  private final List<Effect> effects;
  private final RunStore store;
  private final List<String> violations = new ArrayList<>();
  private final Map<String, List<Effect>> byRun = new HashMap<>();
  private final Map<String, StoredRun> runs = new LinkedHashMap<>();
  /** A parent's transaction id to its child's run. */
  private final Map<String, StoredRun> children = new HashMap<>();
  private final Stats stats = new Stats();

  /** How many runs and things the check saw: what the test prints, and what shows it tested something. */
  static final class Stats {
    int started;
    int neverRecorded;
    int done;
    int reverted;
    int childRuns;
    /** Top-level runs whose effects span more than one child JVM: interrupted by a kill, finished by another JVM. */
    int resumedRuns;
    /** Invocations of a step that succeeded but were not the one recorded: run again after a kill (at-least-once). */
    int stepsRunAgain;
    /** Compensations that succeeded but ran again after a kill, before their checkpoint was recorded. */
    int compensationsRunAgain;
    int invocations;
    int compensations;
    /** Top-level runs that stopped at a recorded wait for a manual retry ({@code STEP_WAITING}) at least once. */
    int waitedRuns;
    /** Of those, the runs whose wait a later JVM ended (its retry came after the JVM that parked it was killed). */
    int waitsEndedByALaterJvm;

    @Override
    public String toString() {
      return started + " runs started (" + neverRecorded + " killed before their beginning was recorded), " + done
          + " DONE, " + reverted + " REVERTED, " + childRuns + " child runs; " + resumedRuns
          + " runs went on in a later JVM; " + invocations + " step invocations, " + stepsRunAgain
          + " of them succeeded but ran again after a kill; " + compensations + " compensation invocations, "
          + compensationsRunAgain + " of them succeeded but ran again after a kill; " + waitedRuns + " runs waited for a "
          + "manual retry, " + waitsEndedByALaterJvm + " of them retried by a later JVM";
    }
  }

  CrashCheck(List<Effect> effects, RunStore store) {
    this.effects = effects;
    this.store = store;
    for (Effect e : effects) {
      byRun.computeIfAbsent(e.transactionId(), k -> new ArrayList<>()).add(e);
    }
  }

  /** Runs every check; returns the violations found, empty if none. */
  List<String> run() {
    List<RunHeader> headers = new ArrayList<>();
    for (int offset = 0; ; offset += RunQuery.MAX_LIMIT) {
      List<RunHeader> page = store.list(RunQuery.builder().limit(RunQuery.MAX_LIMIT).offset(offset).build());
      headers.addAll(page);
      if (page.size() < RunQuery.MAX_LIMIT) {
        break;
      }
    }
    for (RunHeader header : headers) {
      StoredRun run = store.load(RunTypes.untyped(header.workflowName()), header.transactionId()).orElseThrow();
      runs.put(header.transactionId(), run);
      if (!header.status().isEnded()) {
        violation("run " + header.transactionId() + " is stuck: " + header.status() + " after the last JVM's recovery; "
            + run);
      }
      header.parentTransactionId().ifPresent(parent -> {
        if (children.put(parent, run) != null) {
          violation("run " + parent + " has more than one child run");
        }
      });
    }
    checkStartedRuns();
    for (StoredRun run : runs.values()) {
      checkRecordedSteps(run);
      checkCompensations(run);
    }
    return violations;
  }

  Stats stats() {
    return stats;
  }

  /** Every run a worker started ended as its input says; every top-level run in the store was started by a worker. */
  private void checkStartedRuns() {
    Map<String, Effect> starts = new LinkedHashMap<>();
    for (Effect e : effects) {
      if (e.kind() == Effect.Kind.START && starts.put(e.transactionId(), e) != null) {
        violation("two runs started with transaction id " + e.transactionId());
      }
    }
    stats.started = starts.size();
    for (StoredRun run : runs.values()) {
      if (run.header().parentTransactionId().isEmpty() && !starts.containsKey(run.transactionId())) {
        violation("the store has run " + run.transactionId() + ", which no worker started: " + run);
      }
      if (run.header().parentTransactionId().isPresent()) {
        stats.childRuns++;
        if (!runs.containsKey(run.header().parentTransactionId().get())) {
          violation("child run " + run.transactionId() + " has no parent run in the store");
        }
      }
    }
    for (Effect start : starts.values()) {
      String tx = start.transactionId();
      StoredRun run = runs.get(tx);
      List<Effect> own = effectsOf(tx, e -> e.kind() != Effect.Kind.START);
      if (run == null) {
        stats.neverRecorded++;
        // killed before the beginning was durable: then nothing of it may have run, and its caller got no answer
        List<Effect> child = effectsOfChildren(tx);
        if (!own.isEmpty() || !child.isEmpty()) {
          violation("run " + tx + " is not in the store, but it did things: " + first(own, child));
        }
        continue;
      }
      CrashOrder order = new CrashOrder(Integer.parseInt(start.data()));
      if (!run.header().workflowName().equals(start.step())) {
        violation("run " + tx + " was started as " + start.step() + " and recorded as " + run.header().workflowName());
      }
      if (!(run.input() instanceof Map<?, ?> input) || !Objects.equals(asInt(input.get("number")), order.number())) {
        violation("run " + tx + " was started with input " + order + " and recorded with " + run.input());
      }
      RunStatus expected = RunStatus.of(order.expectedStatus());
      if (run.status() != expected) {
        violation("run " + tx + " of " + order + " ended " + run.status() + ", not " + expected + ": " + run);
      }
      if (run.status() == RunStatus.DONE) {
        stats.done++;
      } else if (run.status() == RunStatus.REVERTED) {
        stats.reverted++;
      }
      Optional<Effect> end = own.stream().filter(e -> e.kind() == Effect.Kind.END).findFirst();
      if (end.isPresent() && !end.get().data().equals(run.status().name())) {
        violation("the caller of run " + tx + " got " + end.get().data() + ", the store says " + run.status() + ": "
            + end.get());
      }
      if (own.stream().anyMatch(e -> e.generation() != start.generation())
          || effectsOfChildren(tx).stream().anyMatch(e -> e.generation() != start.generation())) {
        stats.resumedRuns++;
      }
      countWaits(run, own);
      checkRun(order, run);
    }
  }

  /**
   * Counts a run that waited for a manual retry, and whether a later JVM than the one whose attempt
   * failed made the next attempt (the retry came after a kill). Every wait must have been decided:
   * a STEP_WAITING is followed by a RETRY_DECIDED of the same attempt.
   */
  private void countWaits(StoredRun run, List<Effect> own) {
    List<Checkpoint> waits = run.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.STEP_WAITING).toList();
    if (waits.isEmpty()) {
      return;
    }
    stats.waitedRuns++;
    for (Checkpoint wait : waits) {
      boolean decided = run.checkpoints().stream().anyMatch(c -> c.kind() == CheckpointKind.RETRY_DECIDED
          && c.sequence() > wait.sequence() && c.stepName().equals(wait.stepName()) && c.attempts() == wait.attempts());
      if (!decided) {
        violation("run " + run.transactionId() + " waited at " + wait.stepName() + " after attempt " + wait.attempts()
            + " and ended " + run.status() + " without the retry that ends the wait: " + run);
      }
    }
    java.util.Set<Integer> generations = new java.util.HashSet<>();
    own.stream().filter(e -> e.step().equals("charge")).forEach(e -> generations.add(e.generation()));
    if (generations.size() > 1) {
      stats.waitsEndedByALaterJvm++;
    }
  }

  /** What a run of an order workflow must have recorded, given how it ended. */
  private void checkRun(CrashOrder order, StoredRun run) {
    String tx = run.transactionId();
    if (!ORDER_WORKFLOWS.contains(run.header().workflowName())) {
      violation("run " + tx + " is of an unknown workflow: " + run);
      return;
    }
    StoredRun child = children.get(tx);
    if (child == null) {
      violation("run " + tx + " has no child run in the store: " + run);
      return;
    }
    if (!PARCEL_WORKFLOWS.contains(child.header().workflowName())) {
      violation("the child of run " + tx + " is of an unknown workflow: " + child);
    }
    if (child.status() != RunStatus.DONE) {
      violation("child run " + child.transactionId() + " ended " + child.status() + ", not DONE (its steps always "
          + "succeed by their last attempt): " + child);
    }
    Map<String, Checkpoint> outcomes = outcomes(run);
    Checkpoint gift = outcomes.get("gift");
    CheckpointKind giftKind = order.wantsGift() ? CheckpointKind.STEP_COMPLETED : CheckpointKind.STEP_SKIPPED;
    if (gift == null || gift.kind() != giftKind) {
      violation("run " + tx + " of " + order + " should have recorded " + giftKind + " for step 'gift': " + run);
    }
    for (String step : List.of("reserve", "price", "label", "notify", "charge", CHILD_STEP)) {
      if (outcomes.get(step) == null || outcomes.get(step).kind() != CheckpointKind.STEP_COMPLETED) {
        violation("run " + tx + " has not recorded step '" + step + "' as completed: " + run);
      }
    }
    Checkpoint ship = outcomes.get(CHILD_STEP);
    if (ship != null && child.end().isPresent() && !Objects.equals(ship.output(), child.end().get().result())) {
      violation("run " + tx + " recorded " + ship.output() + " as its child's result, the child " + child);
    }
    Checkpoint confirm = outcomes.get("confirm");
    Set<String> compensated = new TreeSet<>(compensatedSteps(run));
    Set<String> childCompensated = new TreeSet<>(compensatedSteps(child));
    if (order.fails()) {
      if (confirm == null || confirm.kind() != CheckpointKind.STEP_FAILED) {
        violation("run " + tx + " of " + order + " has not recorded step 'confirm' as failed: " + run);
      }
      Set<String> expected = new TreeSet<>(List.of("reserve", "price", "label", "charge", CHILD_STEP));
      if (order.wantsGift()) {
        expected.add("gift");
      }
      if (order.failureCompensates()) {
        expected.add("confirm");
      }
      if (!compensated.equals(expected)) {
        violation("reverted run " + tx + " of " + order + " recorded the compensations of " + compensated + ", not "
            + expected + ": " + run);
      }
      if (!childCompensated.equals(new TreeSet<>(PARCEL_COMPENSATED))) {
        violation("the child of reverted run " + tx + " recorded the compensations of " + childCompensated
            + ", not " + PARCEL_COMPENSATED + ": " + child);
      }
      checkRevertedByEffects(run, child, order);
    } else {
      if (confirm == null || confirm.kind() != CheckpointKind.STEP_COMPLETED) {
        violation("run " + tx + " has not recorded step 'confirm' as completed: " + run);
      } else if (run.end().isPresent() && !Objects.equals(run.end().get().result(), confirm.output())) {
        violation("run " + tx + " ended with result " + run.end().get().result() + ", not the output of 'confirm': "
            + run);
      }
      List<Effect> compensations = new ArrayList<>(effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATE));
      compensations.addAll(effectsOf(child.transactionId(), e -> e.kind() == Effect.Kind.COMPENSATE));
      if (!compensated.isEmpty() || !childCompensated.isEmpty() || !compensations.isEmpty()) {
        violation("run " + tx + " ended DONE, but compensated " + compensated + childCompensated + ": "
            + compensations);
      }
    }
    checkRecordedBeforeNext(run, child);
    Map<String, Checkpoint> childOutcomes = outcomes(child);
    for (String step : PARCEL_COMPENSATED) {
      if (childOutcomes.get(step) == null || childOutcomes.get(step).kind() != CheckpointKind.STEP_COMPLETED) {
        violation("child run " + child.transactionId() + " has not recorded step '" + step + "' as completed: " + child);
      }
    }
    Checkpoint seal = childOutcomes.get("seal");
    if (child.end().isPresent() && seal != null && !Objects.equals(child.end().get().result(), seal.output())) {
      violation("child run " + child.transactionId() + " ended with result " + child.end().get().result()
          + ", not the output of 'seal': " + child);
    }
  }

  /**
   * What a step waits for was durable before the step began: every step before it (but those of its
   * own parallel group) has its outcome recorded with a time before the step's condition was
   * evaluated or the step was invoked, in whichever JVM; the child's steps begin after the parent's
   * steps before the child step; a compensation begins after the halting failure and the
   * compensations before it in order were recorded. A write that the store acknowledged and then
   * lost to a kill shows here: the step after it began, and the record has the step before it
   * recorded later (by the JVM that ran it again), or not at all.
   */
  private void checkRecordedBeforeNext(StoredRun run, StoredRun child) {
    checkPredecessorsRecorded(run, run.transactionId(), Integer.MAX_VALUE);
    Integer ship = positionOf(run, CHILD_STEP);
    checkPredecessorsRecorded(child, child.transactionId(), Integer.MAX_VALUE);
    if (ship != null) {
      checkPredecessorsRecorded(run, child.transactionId(), ship);
    }
    Checkpoint halt = outcomes(run).get("confirm");
    if (halt == null || halt.kind() != CheckpointKind.STEP_FAILED) {
      return;
    }
    for (String tx : List.of(run.transactionId(), child.transactionId())) {
      List<Effect> early = effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATE && e.micros() < micros(halt.ended()));
      if (!early.isEmpty()) {
        violation("run " + tx + " compensated before the failure that halted it was recorded (" + halt + "): " + early);
      }
    }
  }

  /**
   * The effects of run {@code tx} (the run itself, or its child) that begin a step or its condition,
   * each against the outcomes that {@code run} recorded for the steps before it; for the child's
   * effects ({@code before} is the child step's position), the parent's steps before the child step.
   */
  private void checkPredecessorsRecorded(StoredRun run, String tx, int before) {
    List<Checkpoint> outcomes = run.checkpoints().stream().filter(CrashCheck::isOutcome).toList();
    for (Effect e : effectsOf(tx, e -> e.kind() == Effect.Kind.INVOKE || e.kind() == Effect.Kind.WHEN)) {
      Integer position = before != Integer.MAX_VALUE ? Integer.valueOf(before) : positionOf(run, e.step());
      if (position == null) {
        continue; // reported elsewhere: a step invoked without an outcome
      }
      String group = groupOf(run, e.step());
      for (Checkpoint c : outcomes) {
        boolean sameGroup = before == Integer.MAX_VALUE && group != null && group.equals(groupOf(run, c.stepName()));
        if (c.position() < position && !sameGroup && micros(c.ended()) > e.micros()) {
          violation("run " + tx + ": " + e + " began before the outcome of step '" + c.stepName() + "' that it waits for"
              + " was recorded (" + c + "): an acknowledged checkpoint was lost, or a step began too early");
        }
      }
    }
  }

  /** The {@code @Parallel} group of a step of the order workflows; null for one outside a group. */
  private static String groupOf(StoredRun run, String step) {
    return ORDER_WORKFLOWS.contains(run.header().workflowName()) && List.of("price", "label", "notify").contains(step)
        ? "prepare"
        : null;
  }

  /**
   * Each recorded outcome of a step is that of the step's last invocation in the log, and no
   * invocation of it began after its checkpoint; a step skipped by its condition was never invoked;
   * no condition was evaluated after its decision was recorded.
   */
  private void checkRecordedSteps(StoredRun run) {
    String tx = run.transactionId();
    Map<Integer, Checkpoint> outcomeAt = new HashMap<>();
    Map<Integer, Checkpoint> decisionAt = new HashMap<>();
    for (Checkpoint c : run.checkpoints()) {
      if (c.kind() == CheckpointKind.ATTEMPT_FAILED) {
        checkFailedAttempt(run, c);
        continue;
      }
      boolean decision = c.kind() == CheckpointKind.CONDITION_MET;
      boolean outcome = isOutcome(c);
      if (decision && decisionAt.put(c.position(), c) != null) {
        violation("run " + tx + " recorded the condition of step '" + c.stepName() + "' twice: " + run);
      }
      if (outcome && outcomeAt.put(c.position(), c) != null) {
        violation("run " + tx + " recorded step '" + c.stepName() + "' twice: " + run);
      }
      if (decision || outcome) { // a condition's decision is recorded by CONDITION_MET, or by the step's outcome
        List<Effect> late = effectsOf(tx, e -> e.kind() == Effect.Kind.WHEN && e.step().equals(c.stepName())
            && e.micros() > micros(c.ended()));
        if (!late.isEmpty()) {
          violation("run " + tx + ": the condition of step '" + c.stepName() + "' was evaluated again after its "
              + "decision was recorded (" + c + "): " + late);
        }
      }
      if (!outcome || c.stepName().equals(CHILD_STEP)) {
        continue;
      }
      List<Effect> invocations = effectsOf(tx, e -> e.kind() == Effect.Kind.INVOKE && e.step().equals(c.stepName()));
      stats.invocations += invocations.size();
      if (c.kind() == CheckpointKind.STEP_SKIPPED) {
        if (!invocations.isEmpty()) {
          violation("run " + tx + " recorded step '" + c.stepName() + "' as skipped, but it was invoked: " + invocations);
        }
        continue;
      }
      if (invocations.isEmpty()) {
        violation("run " + tx + " recorded " + c + ", but the step was never invoked");
        continue;
      }
      Effect last = invocations.get(invocations.size() - 1);
      List<Effect> late = invocations.stream().filter(e -> e.micros() > micros(c.ended())).toList();
      if (!late.isEmpty()) {
        violation("run " + tx + ": step '" + c.stepName() + "' was invoked again after its checkpoint was recorded ("
            + c + "): " + late);
      }
      String recorded = recordedToken(c);
      Effect.Kind ending = c.kind() == CheckpointKind.STEP_COMPLETED ? Effect.Kind.OK : Effect.Kind.FAIL;
      if (recorded == null) { // the void step: its last invocation must have succeeded
        recorded = last.token();
      }
      String token = recorded;
      if (!token.equals(last.token())) {
        violation("run " + tx + " recorded the outcome of invocation " + token + " of step '" + c.stepName()
            + "', but the last invocation is " + last + " (" + c + "); invocations: " + invocations);
      }
      if (effectsOf(tx, e -> e.kind() == ending && token.equals(e.token())).isEmpty()) {
        violation("run " + tx + " recorded " + c + ", but the log has no " + ending + " of invocation " + token);
      }
      stats.stepsRunAgain += effectsOf(tx, e -> e.kind() == Effect.Kind.OK && e.step().equals(c.stepName())
          && !e.token().equals(token)).size();
    }
    for (Effect invoke : effectsOf(tx, e -> e.kind() == Effect.Kind.INVOKE)) {
      Integer position = positionOf(run, invoke.step());
      if (run.status().isEnded() && (position == null || !outcomeAt.containsKey(position))) {
        violation("run " + tx + " ended without an outcome for step '" + invoke.step() + "', which was invoked: "
            + invoke + "; " + run);
      }
    }
  }

  /**
   * A recorded failed attempt ({@code c}) is the failure of an invocation with that attempt's number,
   * and no invocation of the step with that number or a lower one began after it was recorded: a
   * resumed run goes on with the next attempt.
   */
  private void checkFailedAttempt(StoredRun run, Checkpoint c) {
    String tx = run.transactionId();
    String token = recordedToken(c);
    if (effectsOf(tx, e -> e.kind() == Effect.Kind.FAIL && e.token().equals(token) && e.step().equals(c.stepName())
        && e.attempt() == c.attempts()).isEmpty()) {
      violation("run " + tx + " recorded " + c + ", but the log has no FAIL of attempt " + c.attempts()
          + " with invocation " + token);
    }
    List<Effect> again = effectsOf(tx, e -> e.kind() == Effect.Kind.INVOKE && e.step().equals(c.stepName())
        && e.attempt() <= c.attempts() && e.micros() > micros(c.ended()));
    if (!again.isEmpty()) {
      violation("run " + tx + ": step '" + c.stepName() + "' was tried again as attempt " + c.attempts()
          + " or earlier after " + c + " was recorded: " + again);
    }
  }

  /**
   * Each recorded compensation ran with the recorded compensation input, its last invocation
   * succeeded, and none of its invocations began after its checkpoint; a compensation that ran is
   * recorded.
   */
  private void checkCompensations(StoredRun run) {
    String tx = run.transactionId();
    Map<String, Checkpoint> compensated = new HashMap<>();
    Map<String, Checkpoint> outcomes = outcomes(run);
    for (Checkpoint c : run.checkpoints()) {
      if (c.kind() == CheckpointKind.COMPENSATION_FAILED) {
        violation("run " + tx + " recorded a failed compensation (the compensations succeed by their last "
            + "attempt): " + c);
      }
      if (c.kind() == CheckpointKind.COMPENSATED && compensated.put(c.stepName(), c) != null) {
        violation("run " + tx + " recorded the compensation of step '" + c.stepName() + "' twice: " + run);
      }
    }
    Set<String> steps = new TreeSet<>();
    effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATE).forEach(e -> steps.add(e.step()));
    steps.addAll(compensated.keySet());
    for (String step : steps) {
      if (step.equals(CHILD_STEP)) {
        checkChildCompensated(run, compensated.get(step));
        continue;
      }
      List<Effect> invocations = effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATE && e.step().equals(step));
      stats.compensations += invocations.size();
      Checkpoint c = compensated.get(step);
      if (c == null) {
        if (run.status().isEnded()) {
          violation("run " + tx + " ran the compensation of step '" + step + "' but did not record it: " + invocations);
        }
        continue;
      }
      if (invocations.isEmpty()) {
        violation("run " + tx + " recorded " + c + ", but the compensation was never invoked");
        continue;
      }
      Checkpoint outcome = outcomes.get(step);
      Object input = outcome == null || !outcome.hasCompensationInput() ? null : outcome.compensationInput();
      List<Effect> wrongInput = invocations.stream().filter(e -> !Objects.equals(e.data(), input)).toList();
      if (!wrongInput.isEmpty()) {
        violation("run " + tx + ": the compensation of step '" + step + "' ran with another input than the recorded "
            + input + " (" + outcome + "): " + wrongInput);
      }
      List<Effect> late = invocations.stream().filter(e -> e.micros() > micros(c.ended())).toList();
      if (!late.isEmpty()) {
        violation("run " + tx + ": the compensation of step '" + step + "' ran again after it was recorded (" + c
            + "): " + late);
      }
      Effect last = invocations.get(invocations.size() - 1);
      List<Effect> succeeded = effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATED && e.step().equals(step));
      if (succeeded.stream().noneMatch(e -> e.token().equals(last.token()))) {
        violation("run " + tx + " recorded " + c + ", but the last invocation of the compensation did not succeed: "
            + last);
      }
      stats.compensationsRunAgain += succeeded.size() - 1;
    }
  }

  /**
   * The parent's checkpoint of its child step's compensation ({@code c}) comes after the child
   * recorded the compensations of all its completed steps: the child is compensated as a unit.
   */
  private void checkChildCompensated(StoredRun run, Checkpoint c) {
    StoredRun child = children.get(run.transactionId());
    if (child == null) {
      return; // reported by checkRun
    }
    Map<String, Checkpoint> childCompensated = new HashMap<>();
    child.checkpoints().stream().filter(cc -> cc.kind() == CheckpointKind.COMPENSATED)
        .forEach(cc -> childCompensated.put(cc.stepName(), cc));
    for (Checkpoint completed : child.checkpoints()) {
      if (completed.kind() != CheckpointKind.STEP_COMPLETED || !PARCEL_COMPENSATED.contains(completed.stepName())) {
        continue;
      }
      Checkpoint undone = childCompensated.get(completed.stepName());
      if (undone == null || undone.ended().isAfter(c.ended())) {
        violation("run " + run.transactionId() + " recorded the compensation of its child (" + c + ") before the "
            + "child recorded that of step '" + completed.stepName() + "': " + child);
      }
    }
  }

  /**
   * In the log, every compensated step of a reverted run (and of its child) that ran was compensated
   * after its last invocation, with that invocation's compensation input, and the compensations
   * that counted (the last of each step) came in the reverse order of the steps' completion.
   */
  private void checkRevertedByEffects(StoredRun run, StoredRun child, CrashOrder order) {
    List<Effect> lastCompensations = new ArrayList<>();
    List<String> expectedOrder = new ArrayList<>();
    if (order.failureCompensates()) {
      expectedOrder.add(run.transactionId() + " confirm");
    }
    List<Checkpoint> completed = run.checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.STEP_COMPLETED)
        .sorted(Comparator.comparingInt(Checkpoint::sequence).reversed())
        .toList();
    for (Checkpoint c : completed) {
      if (c.stepName().equals(CHILD_STEP)) {
        child.checkpoints().stream()
            .filter(cc -> cc.kind() == CheckpointKind.STEP_COMPLETED && PARCEL_COMPENSATED.contains(cc.stepName()))
            .sorted(Comparator.comparingInt(Checkpoint::sequence).reversed())
            .forEach(cc -> expectedOrder.add(child.transactionId() + " " + cc.stepName()));
      } else if (ORDER_COMPENSATED.contains(c.stepName())) {
        expectedOrder.add(run.transactionId() + " " + c.stepName());
      }
    }
    for (String runAndStep : expectedOrder) {
      String tx = runAndStep.substring(0, runAndStep.indexOf(' '));
      String step = runAndStep.substring(runAndStep.indexOf(' ') + 1);
      List<Effect> invocations = effectsOf(tx, e -> (e.kind() == Effect.Kind.OK || e.kind() == Effect.Kind.FAIL)
          && e.step().equals(step));
      if (invocations.isEmpty()) {
        violation("reverted run " + tx + " recorded step '" + step + "', but no invocation of it ended in the log");
        continue;
      }
      Effect lastRun = invocations.get(invocations.size() - 1);
      String input = switch (step) {
        case "label" -> "label-" + lastRun.token();
        case "confirm" -> "confirm-" + lastRun.token();
        default -> lastRun.token();
      };
      List<Effect> after = effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATED && e.step().equals(step)
          && e.position() > lastRun.position() && input.equals(e.data()));
      if (after.isEmpty()) {
        violation("reverted run " + tx + ": step '" + step + "' was not compensated with " + input + " after its last "
            + "invocation " + lastRun);
        continue;
      }
      lastCompensations.add(after.get(after.size() - 1));
    }
    for (int i = 1; i < expectedOrder.size(); i++) {
      Checkpoint previous = compensationCheckpoint(run, child, expectedOrder.get(i - 1));
      String next = expectedOrder.get(i);
      String tx = next.substring(0, next.indexOf(' '));
      String step = next.substring(next.indexOf(' ') + 1);
      List<Effect> early = previous == null ? List.of() : effectsOf(tx, e -> e.kind() == Effect.Kind.COMPENSATE
          && e.step().equals(step) && e.micros() < micros(previous.ended()));
      if (!early.isEmpty()) {
        violation("reverted run " + run.transactionId() + ": the compensation of " + next + " began before that of "
            + expectedOrder.get(i - 1) + " was recorded (" + previous + "): " + early);
      }
    }
    List<Effect> inLogOrder = lastCompensations.stream().sorted(Comparator.comparingInt(Effect::position)).toList();
    if (!inLogOrder.equals(lastCompensations)) {
      violation("reverted run " + run.transactionId() + " was compensated in the order " + inLogOrder + ", not in the "
          + "reverse order of completion " + expectedOrder);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The recorded compensation of {@code runAndStep} ("transactionId step"), in the run or its child; null if none. */
  private static Checkpoint compensationCheckpoint(StoredRun run, StoredRun child, String runAndStep) {
    String tx = runAndStep.substring(0, runAndStep.indexOf(' '));
    String step = runAndStep.substring(runAndStep.indexOf(' ') + 1);
    StoredRun owner = tx.equals(run.transactionId()) ? run : child;
    return owner.checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.COMPENSATED && c.stepName().equals(step))
        .findFirst().orElse(null);
  }

  /** The token of the invocation whose outcome {@code c} records; null for the void step, which has none. */
  private String recordedToken(Checkpoint c) {
    if (c.kind() == CheckpointKind.STEP_FAILED || c.kind() == CheckpointKind.ATTEMPT_FAILED) {
      String message = c.error().map(e -> e.message()).orElse("");
      Matcher m = FAILED_TOKEN.matcher(message);
      if (!m.find()) {
        violation("failed step '" + c.stepName() + "' recorded an error without the invocation's token: " + c);
        return "?";
      }
      return m.group(1);
    }
    return c.output() == null ? null : c.output().toString();
  }

  /** Each step's outcome (completed, skipped, failed or tolerated), by the step's name. */
  private static Map<String, Checkpoint> outcomes(StoredRun run) {
    Map<String, Checkpoint> outcomes = new HashMap<>();
    for (Checkpoint c : run.checkpoints()) {
      if (isOutcome(c)) {
        outcomes.put(c.stepName(), c);
      }
    }
    return outcomes;
  }

  /** Whether {@code c} records how a step ended: not a decision, a failed attempt or a compensation. */
  private static boolean isOutcome(Checkpoint c) {
    return switch (c.kind()) {
      case STEP_COMPLETED, STEP_SKIPPED, STEP_FAILED, STEP_TOLERATED -> true;
      case CONDITION_MET, ATTEMPT_FAILED, COMPENSATED, COMPENSATION_FAILED, REVERT_BEGUN, STEP_WAITING, RETRY_DECIDED,
          FAILURE_DECIDED -> false;
    };
  }

  private static List<String> compensatedSteps(StoredRun run) {
    return run.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.COMPENSATED).map(Checkpoint::stepName)
        .toList();
  }

  private static Integer positionOf(StoredRun run, String step) {
    return run.checkpoints().stream().filter(c -> c.stepName().equals(step)).map(Checkpoint::position).findFirst()
        .orElse(null);
  }

  private List<Effect> effectsOf(String tx, Predicate<Effect> filter) {
    return byRun.getOrDefault(tx, List.of()).stream().filter(filter).toList();
  }

  /** The effects of runs whose transaction id starts with {@code tx + "/"}: a child's, whose run is not recorded. */
  private List<Effect> effectsOfChildren(String tx) {
    List<Effect> found = new ArrayList<>();
    byRun.forEach((id, list) -> {
      if (id.startsWith(tx + "/")) {
        found.addAll(list);
      }
    });
    return found;
  }

  private static Effect first(List<Effect> a, List<Effect> b) {
    return a.isEmpty() ? b.get(0) : a.get(0);
  }

  private static Integer asInt(Object value) {
    return value instanceof Number n ? n.intValue() : null;
  }

  private static long micros(java.time.Instant instant) {
    return Effect.micros(instant);
  }

  private void violation(String message) {
    violations.add(message);
  }
}
