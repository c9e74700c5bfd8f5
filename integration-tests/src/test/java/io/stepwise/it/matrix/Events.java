package io.stepwise.it.matrix;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A listener that writes each event as a line, the same on both paths (a workflow's name without its
 * path):
 *
 * <pre>
 * run-begin &lt;workflow&gt;
 * step &lt;step&gt;#&lt;attempt&gt;
 * ok &lt;step&gt;#&lt;attempt&gt;
 * retry &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt; &lt;pause&gt;ms
 * waiting &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt;
 * failed &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt;
 * skipped &lt;step&gt;#&lt;attempt&gt;
 * compensate &lt;workflow&gt;
 * undone &lt;step&gt;#&lt;attempt&gt;
 * undo-failed &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt;
 * finish &lt;workflow&gt; &lt;STATUS&gt;
 * </pre>
 */
final class Events implements WorkflowListener {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Map<String, CountDownLatch> heard = new ConcurrentHashMap<>();

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until the line has been heard. */
  boolean await(String line) throws InterruptedException {
    return latch(line).await(5, TimeUnit.SECONDS);
  }

  private CountDownLatch latch(String line) {
    return heard.computeIfAbsent(line, k -> new CountDownLatch(1));
  }

  private void add(String line) {
    lines.add(line);
    latch(line).countDown();
  }

  @Override
  public void onBegin(WorkflowEvent run) {
    add("run-begin " + Path.base(run.workflowName()));
  }

  @Override
  public void onStepBegin(StepContext step) {
    add("step " + at(step));
  }

  @Override
  public void onStepSuccess(StepContext step, Object output) {
    add("ok " + at(step));
  }

  @Override
  public void onStepAttemptFailure(StepContext step, Throwable error, Duration retryDelay) {
    add("retry " + at(step) + " " + error.getClass().getSimpleName() + " " + retryDelay.toMillis() + "ms");
  }

  @Override
  public void onStepWaiting(StepContext step, Throwable error) {
    add("waiting " + at(step) + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onStepFailure(StepContext step, Throwable error) {
    add("failed " + at(step) + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onStepSkipped(StepContext step) {
    add("skipped " + at(step));
  }

  @Override
  public void onCompensateBegin(WorkflowEvent run) {
    add("compensate " + Path.base(run.workflowName()));
  }

  @Override
  public void onCompensateStepSuccess(StepContext step) {
    add("undone " + at(step));
  }

  @Override
  public void onCompensateStepFailure(StepContext step, Throwable error) {
    add("undo-failed " + at(step) + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onFinish(WorkflowResult<?> result) {
    add("finish " + Path.base(result.workflowName()) + " " + result.status());
  }

  private static String at(StepContext step) {
    return step.stepName() + "#" + step.attempt();
  }
}
