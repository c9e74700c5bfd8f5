package io.stepwise.it.matrix;

import java.util.function.Supplier;

/**
 * The execution paths a matrix test runs its scenario on. A workflow whose steps are all plain
 * methods runs on the synchronous path; one with a step that returns a {@code CompletionStage} runs
 * on the asynchronous path. Each workflow pair of the matrix is the same workflow written both ways;
 * the asynchronous one is run twice, with stages that are complete when the step method returns and
 * with stages that another thread completes later.
 */
enum Path {
  /** Plain steps: the synchronous runner of the pair. */
  SYNC,
  /** Steps that return a stage already complete (a cached value, say): the asynchronous runner. */
  ASYNC_COMPLETED,
  /** Steps that return a stage another thread completes a moment later (an HTTP client, say). */
  ASYNC_LATER;

  boolean async() {
    return this != SYNC;
  }

  /** This path's workflow name of a pair: workflow names are unique in a compilation. */
  String workflow(String base) {
    return base + (async() ? "-async" : "-sync");
  }

  /** A workflow name of any path, without its path: {@code "retries-async"} is {@code "retries"}. */
  static String base(String workflowName) {
    return workflowName.replaceFirst("-(a?sync|mixed)$", "");
  }

  /** This path's runner of a pair. */
  <T> T pick(Supplier<T> sync, Supplier<T> async) {
    return async() ? async.get() : sync.get();
  }
}
