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
 * flows on, and what is compensated in which order. The group "prepare" (reserve, bill, notify, box)
 * completes in any order; the child "box" is undone as a unit, label before pack.
 */
class KindsMatrixTest {
  private static final List<String> BEFORE_THE_GROUP = List.of("order#1", "when note", "note#1", "when charge",
      "charge#1", "when placed", "hook order", "when ship", "ship/pack#1", "ship/label#1");
  private static final Set<String> GROUP = Set.of("when reserve", "reserve#1", "bill#1", "notify#1", "box/pack#1",
      "box/label#1");
  private static final List<String> UNDONE_BEFORE_THE_GROUP = List.of("ship/label labelled box", "ship/pack box",
      "placed order", "charge payment-id", "note", "order order");

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void everyKindOfStepRunsInItsPlaceAndItsOutputFlowsOn(Variant variant) {
    Probe p = new Probe(variant.path);
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed payment labelled box reservation bill labelled box", result.result());
    List<String> journal = p.journal();
    assertEquals(BEFORE_THE_GROUP, journal.subList(0, 10));
    assertEquals(GROUP, Set.copyOf(journal.subList(10, 16)));
    assertTrue(journal.indexOf("when reserve") < journal.indexOf("reserve#1"), journal.toString());
    assertTrue(journal.indexOf("box/pack#1") < journal.indexOf("box/label#1"), journal.toString());
    assertEquals(List.of("confirm#1"), journal.subList(16, journal.size()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void everyKindOfStepIsSkippedByItsCondition(Variant variant) {
    Probe p = new Probe(variant.path).when("note", false).when("charge", false).when("placed", false)
        .when("ship", false).when("reserve", false);
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed - - - bill labelled box", result.result());
    List<String> journal = p.journal();
    assertEquals(List.of("order#1", "when note", "when charge", "when placed", "when ship"), journal.subList(0, 5));
    assertEquals(Set.of("when reserve", "bill#1", "notify#1", "box/pack#1", "box/label#1"),
        Set.copyOf(journal.subList(5, 10)));
    assertEquals(List.of("confirm#1"), journal.subList(10, journal.size()));
    assertTrue(p.events.lines().containsAll(List.of("skipped note#1", "skipped charge#1", "skipped placed#1",
        "skipped ship#1", "skipped reserve#1")), p.events.lines().toString());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void aLastStepsFailureCompensatesEveryKindInReverse(Variant variant) {
    Probe p = new Probe(variant.path).failAlways("confirm");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("confirm INVOKE 1 IllegalStateException: confirm failed on attempt 1"), errors(result));
    assertUndone(p, Set.of("reserve reservation", "bill bill-id", "notify", "box/label labelled box", "box/pack box"),
        UNDONE_BEFORE_THE_GROUP);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void aGroupMembersFailureCompensatesTheRestOfTheGroupThenEveryEarlierKind(Variant variant) {
    Probe p = new Probe(variant.path).failAlways("bill");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("bill INVOKE 1 IllegalStateException: bill failed on attempt 1"), errors(result));
    assertUndone(p, Set.of("reserve reservation", "notify", "box/label labelled box", "box/pack box"),
        UNDONE_BEFORE_THE_GROUP);
    assertTrue(!p.calls().contains("confirm#1"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void skippedStepsOfEveryKindAreNotCompensated(Variant variant) {
    Probe p = new Probe(variant.path).when("note", false).when("charge", false).when("placed", false)
        .when("ship", false).when("reserve", false).failAlways("confirm");
    WorkflowResult<String> result = KindsWorkflows.runner(variant).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertUndone(p, Set.of("bill bill-id", "notify", "box/label labelled box", "box/pack box"), List.of("order order"));
  }

  /** The group's compensations in any order (its child as a unit), then {@code before}, in order. */
  private static void assertUndone(Probe p, Set<String> group, List<String> before) {
    List<String> undone = p.undone();
    assertEquals(group.size() + before.size(), undone.size(), undone.toString());
    assertEquals(group, Set.copyOf(undone.subList(0, group.size())), undone.toString());
    assertEquals(undone.indexOf("box/label labelled box") + 1, undone.indexOf("box/pack box"), undone.toString());
    assertEquals(before, undone.subList(group.size(), undone.size()));
  }
}
