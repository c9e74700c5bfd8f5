package io.stepwise.it.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each pair of the matrix is one workflow written twice: the processor's diagrams of the two are the
 * same but for the names and the "async" mark on the asynchronous one's steps (on one step only of
 * the mixed kinds workflow). So a scenario that passes on both paths tests the paths, not two
 * different workflows.
 */
class PairsTest {

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of("retries", RetryWorkflows_SyncRunner.DIAGRAM, RetryWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("timeouts", TimeoutWorkflows_SyncRunner.DIAGRAM, TimeoutWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("fail-fast timeouts", FailFastTimeoutWorkflows_SyncRunner.DIAGRAM,
            FailFastTimeoutWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("deadline", DeadlineWorkflows_SyncRunner.DIAGRAM, DeadlineWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("permanent", PermanentWorkflows_SyncRunner.DIAGRAM, PermanentWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("tolerant", TolerantWorkflows_SyncRunner.DIAGRAM, TolerantWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("conditions", ConditionWorkflows_SyncRunner.DIAGRAM, ConditionWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("groups", GroupWorkflows_SyncRunner.DIAGRAM, GroupWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("children", ChildWorkflows_SyncRunner.DIAGRAM, ChildWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("parcel", ChildWorkflows_ParcelSyncRunner.DIAGRAM, ChildWorkflows_ParcelAsyncRunner.DIAGRAM),
        Arguments.of("parallel chains", ParallelChainWorkflows_SyncRunner.DIAGRAM,
            ParallelChainWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("hooks", HookWorkflows_SyncRunner.DIAGRAM, HookWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("cancels", CancelWorkflows_SyncRunner.DIAGRAM, CancelWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("kinds", KindsWorkflows_SyncRunner.DIAGRAM, KindsWorkflows_AsyncRunner.DIAGRAM),
        Arguments.of("kinds, mixed", KindsWorkflows_SyncRunner.DIAGRAM, KindsWorkflows_MixedRunner.DIAGRAM));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void theTwoWorkflowsOfAPairDifferOnlyInTheirPath(String name, String sync, String async) {
    assertFalse(sync.contains("async"), sync);
    assertTrue(async.contains("<br/>async"), async);
    String asSync = async.replace("<br/>async", "").replace("-async", "-sync").replace("-mixed", "-sync")
        .replace(".Async,", ".Sync,").replace(".Mixed,", ".Sync,").replace("ParcelAsync", "ParcelSync");
    assertEquals(sync, asSync);
  }
}
