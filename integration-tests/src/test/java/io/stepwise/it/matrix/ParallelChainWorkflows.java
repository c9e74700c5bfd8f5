package io.stepwise.it.matrix;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * Chains inside a parallel group, Medusa's "two, four, six alongside three, five": each chain is a
 * child workflow, and the two child steps form one {@code @Parallel} group. "one" runs first, then
 * the chains together, each in its own order, then "seven" with both chains' results. The same
 * workflows, synchronous and asynchronous.
 */
final class ParallelChainWorkflows {
  private ParallelChainWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      ParallelChainWorkflows_SyncRunner runner = new ParallelChainWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      ParallelChainWorkflows_AsyncRunner runner = new ParallelChainWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("parallel-chains-sync")
  static final class Sync {
    @Step("one")
    String one(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "one");
    }

    @Compensate("one")
    void undoOne(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("chain-a")
    @Parallel("branches")
    @ChildWorkflow(EvenSync.class)
    Probe chainA(@From("one") String one, @Input Probe p) {
      return p;
    }

    @Step("chain-b")
    @Parallel("branches")
    @ChildWorkflow(OddSync.class)
    Probe chainB(@From("one") String one, @Input Probe p) {
      return p;
    }

    @Step("seven")
    String seven(@From("chain-a") String a, @From("chain-b") String b, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> a + " | " + b);
    }
  }

  @Workflow("parallel-chains-async")
  static final class Async {
    @Step("one")
    CompletableFuture<String> one(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "one");
    }

    @Compensate("one")
    void undoOne(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("chain-a")
    @Parallel("branches")
    @ChildWorkflow(EvenAsync.class)
    Probe chainA(@From("one") String one, @Input Probe p) {
      return p;
    }

    @Step("chain-b")
    @Parallel("branches")
    @ChildWorkflow(OddAsync.class)
    Probe chainB(@From("one") String one, @Input Probe p) {
      return p;
    }

    @Step("seven")
    CompletableFuture<String> seven(@From("chain-a") String a, @From("chain-b") String b, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> a + " | " + b);
    }
  }

  /** The first chain of the synchronous parent. */
  @Workflow("evens-sync")
  static final class EvenSync {
    @Step("two")
    String two(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "two");
    }

    @Compensate("two")
    void undoTwo(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("four")
    String four(@From("two") String before, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> before + " > four");
    }

    @Compensate("four")
    void undoFour(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("six")
    String six(@From("four") String before, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> before + " > six");
    }

    @Compensate("six")
    void undoSix(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }
  }

  /** The second chain of the synchronous parent. */
  @Workflow("odds-sync")
  static final class OddSync {
    @Step("three")
    String three(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "three");
    }

    @Compensate("three")
    void undoThree(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("five")
    String five(@From("three") String before, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> before + " > five");
    }

    @Compensate("five")
    void undoFive(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }
  }

  /** The first chain of the asynchronous parent. */
  @Workflow("evens-async")
  static final class EvenAsync {
    @Step("two")
    CompletableFuture<String> two(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "two");
    }

    @Compensate("two")
    void undoTwo(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("four")
    CompletableFuture<String> four(@From("two") String before, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> before + " > four");
    }

    @Compensate("four")
    void undoFour(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("six")
    CompletableFuture<String> six(@From("four") String before, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> before + " > six");
    }

    @Compensate("six")
    void undoSix(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }
  }

  /** The second chain of the asynchronous parent. */
  @Workflow("odds-async")
  static final class OddAsync {
    @Step("three")
    CompletableFuture<String> three(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "three");
    }

    @Compensate("three")
    void undoThree(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }

    @Step("five")
    CompletableFuture<String> five(@From("three") String before, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> before + " > five");
    }

    @Compensate("five")
    void undoFive(String done, StepContext ctx) {
      Probe.of(ctx).undo(ctx, done);
    }
  }
}
