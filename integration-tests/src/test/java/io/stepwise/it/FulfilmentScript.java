package io.stepwise.it;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/** What the fulfilment workflow's steps should do in one run, beside the shared {@link Script}. */
public final class FulfilmentScript {
  final Script script;
  /** Both parallel steps wait here: they pass only if they run at the same time. */
  final CyclicBarrier bothPrepared = new CyclicBarrier(2);
  /** How long the slow step sleeps, per attempt (the last value repeats). */
  long[] slowMillis = {0};
  /** When set, the slow step signals {@code slowEntered} and waits for {@code releaseSlow}. */
  boolean holdSlow;
  final CountDownLatch slowEntered = new CountDownLatch(1);
  final CountDownLatch releaseSlow = new CountDownLatch(1);

  FulfilmentScript(Script script) {
    this.script = script;
  }

  void awaitPartner() throws Exception {
    bothPrepared.await(5, TimeUnit.SECONDS);
  }
}
