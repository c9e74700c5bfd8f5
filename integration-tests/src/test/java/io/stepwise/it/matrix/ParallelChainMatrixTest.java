package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chains inside a parallel group (Medusa's orchestrator runs "two, four, six" alongside "three,
 * five"), written the Stepwise way: each chain a child workflow, the two child steps one {@code
 * @Parallel} group. Each chain keeps its order, the two overlap, and a failure in one chain undoes
 * that chain (by itself), then the other chain as a unit, then what ran before the group.
 */
class ParallelChainMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void eachChainRunsInItsOrderAlongsideTheOther(Path path) {
    // "four" and "five" each wait until the other is at work: the chains pass only if they overlap
    Probe p = new Probe(path).meet("four", "five");
    WorkflowResult<String> result = ParallelChainWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("two > four > six | three > five", result.result());
    List<String> calls = p.calls();
    assertEquals(7, calls.size(), calls.toString());
    assertEquals("one#1", calls.get(0));
    assertEquals("seven#1", calls.get(6));
    assertInOrder(calls, "chain-a/two#1", "chain-a/four#1", "chain-a/six#1");
    assertInOrder(calls, "chain-b/three#1", "chain-b/five#1");
    assertTrue(p.journal().containsAll(List.of("met four", "met five")), p.journal().toString());
    assertEquals(List.of(), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailureInOneChainUndoesItThenTheOtherChainThenWhatCameBefore(Path path) {
    Probe p = new Probe(path).failAlways("five").after("five", "six");
    WorkflowResult<String> result = ParallelChainWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(1, errors(result).size(), errors(result).toString());
    assertTrue(errors(result).get(0).startsWith("chain-b INVOKE 1 WorkflowFailedException"), errors(result).toString());
    assertEquals(List.of(
        "chain-b/three three",                               // the failing chain undoes itself
        "chain-a/six two > four > six", "chain-a/four two > four", "chain-a/two two", // then the other, as a unit
        "one one"), p.undone());
    assertFalse(p.calls().contains("seven#1"));
  }

  private static void assertInOrder(List<String> calls, String... expected) {
    int last = -1;
    for (String call : expected) {
      int at = calls.indexOf(call);
      assertTrue(at > last, call + " should come after " + (last < 0 ? "the start" : calls.get(last)) + ": " + calls);
      last = at;
    }
  }
}
