package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.matrix.KindsWorkflows.Variant;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of step, conditional or not, alone or in a group ({@link KindsWorkflows}), on both
 * paths and in a workflow that mixes plain and asynchronous steps: what runs, in which order, what
 * flows on, and what is compensated in which order. The groups "prepare" (reserve, bill, notify, box)
 * and "dispatch" (invoice, sms, crate) complete in any order; a child is undone as a unit, label
 * before pack.
 */
class KindsMatrixTest {
  private static final List<String> BEFORE_THE_GROUPS = List.of("order#1", "when note", "note#1", "when charge",
      "charge#1", "when placed", "hook order", "when ship", "ship/pack#1", "ship/label#1");
  private static final Set<String> PREPARE = Set.of("when reserve", "reserve#1", "bill#1", "notify#1", "box/pack#1",
      "box/label#1");
  private static final Set<String> DISPATCH = Set.of("when invoice", "invoice#1", "when sms", "sms#1", "when crate",
      "crate/pack#1", "crate/label#1");
  private static final Set<String> DISPATCH_UNDONE = Set.of("invoice invoice-id", "sms", "crate/label labelled box",
      "crate/pack box");
  private static final List<String> UNDONE_BEFORE_THE_GROUPS = List.of("ship/label labelled box", "ship/pack box",
      "placed order", "charge payment-id", "note", "order order");

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void everyKindOfStepRunsInItsPlaceAndItsOutputFlowsOn(Variant variant) {
    Probe p = new Probe(variant.path);
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed payment labelled box reservation bill labelled box invoice labelled box", result.result());
    List<String> journal = p.journal();
    assertEquals(BEFORE_THE_GROUPS, journal.subList(0, 10));
    assertEquals(PREPARE, Set.copyOf(journal.subList(10, 16)));
    assertEquals(DISPATCH, Set.copyOf(journal.subList(16, 23)));
    for (String[] before : new String[][] {{"when reserve", "reserve#1"}, {"box/pack#1", "box/label#1"},
        {"when invoice", "invoice#1"}, {"when sms", "sms#1"}, {"when crate", "crate/pack#1"}}) {
      assertTrue(journal.indexOf(before[0]) < journal.indexOf(before[1]), journal.toString());
    }
    assertEquals(List.of("confirm#1"), journal.subList(23, journal.size()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void everyKindOfStepIsSkippedByItsCondition(Variant variant) {
    Probe p = skipEveryConditionalStep(new Probe(variant.path));
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed - - - bill labelled box - -", result.result());
    List<String> journal = p.journal();
    assertEquals(List.of("order#1", "when note", "when charge", "when placed", "when ship"), journal.subList(0, 5));
    assertEquals(Set.of("when reserve", "bill#1", "notify#1", "box/pack#1", "box/label#1"),
        Set.copyOf(journal.subList(5, 10)));
    assertEquals(Set.of("when invoice", "when sms", "when crate"), Set.copyOf(journal.subList(10, 13)));
    assertEquals(List.of("confirm#1"), journal.subList(13, journal.size()));
    assertTrue(p.events.lines().containsAll(List.of("skipped note#1", "skipped charge#1", "skipped placed#1",
        "skipped ship#1", "skipped reserve#1", "skipped invoice#1", "skipped sms#1", "skipped crate#1")),
        p.events.lines().toString());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void aLastStepsFailureCompensatesEveryKindInReverse(Variant variant) {
    Probe p = new Probe(variant.path).failAlways("confirm");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("confirm INVOKE 1 IllegalStateException: confirm failed on attempt 1"), errors(result));
    assertUndone(p, List.of(DISPATCH_UNDONE,
        Set.of("reserve reservation", "bill bill-id", "notify", "box/label labelled box", "box/pack box")),
        UNDONE_BEFORE_THE_GROUPS);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void aConditionalGroupMembersFailureCompensatesTheRestOfItsGroupThenEveryEarlierKind(Variant variant) {
    Probe p = new Probe(variant.path).failAlways("sms");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("sms INVOKE 1 IllegalStateException: sms failed on attempt 1"), errors(result));
    assertUndone(p, List.of(Set.of("invoice invoice-id", "crate/label labelled box", "crate/pack box"),
        Set.of("reserve reservation", "bill bill-id", "notify", "box/label labelled box", "box/pack box")),
        UNDONE_BEFORE_THE_GROUPS);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void aGroupMembersFailureCompensatesTheRestOfTheGroupThenEveryEarlierKind(Variant variant) {
    Probe p = new Probe(variant.path).failAlways("bill");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("bill INVOKE 1 IllegalStateException: bill failed on attempt 1"), errors(result));
    assertUndone(p, List.of(Set.of("reserve reservation", "notify", "box/label labelled box", "box/pack box")),
        UNDONE_BEFORE_THE_GROUPS);
    assertEquals(List.of(), p.journal().stream().filter(line -> line.startsWith("when invoice")
        || line.startsWith("confirm")).toList(), "nothing after the failed group starts");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void skippedStepsOfEveryKindAreNotCompensated(Variant variant) {
    Probe p = skipEveryConditionalStep(new Probe(variant.path)).failAlways("confirm");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertUndone(p, List.of(Set.of("bill bill-id", "notify", "box/label labelled box", "box/pack box")),
        List.of("order order"));
  }

  private static Probe skipEveryConditionalStep(Probe p) {
    for (String step : List.of("note", "charge", "placed", "ship", "reserve", "invoice", "sms", "crate")) {
      p.when(step, false);
    }
    return p;
  }

  /**
   * The groups' compensations, the last group first, each in any order (a child as a unit, label
   * before pack), then {@code before}, in order.
   */
  private static void assertUndone(Probe p, List<Set<String>> groups, List<String> before) {
    List<String> undone = p.undone();
    int from = 0;
    for (Set<String> group : groups) {
      assertEquals(group, Set.copyOf(undone.subList(from, Math.min(from + group.size(), undone.size()))),
          undone.toString());
      from += group.size();
    }
    assertEquals(before, undone.subList(Math.min(from, undone.size()), undone.size()), undone.toString());
    for (String child : List.of("box/", "crate/")) {
      if (undone.contains(child + "pack box")) {
        assertEquals(undone.indexOf(child + "label labelled box") + 1, undone.indexOf(child + "pack box"),
            undone.toString());
      }
    }
  }
}
