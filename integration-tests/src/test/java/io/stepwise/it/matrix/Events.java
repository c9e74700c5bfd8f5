package io.stepwise.it.matrix;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that writes each event as a line, the same on both paths (a workflow's name without its
 * path):
 *
 * <pre>
 * run-begin &lt;workflow&gt;     step &lt;step&gt;#&lt;attempt&gt;     ok &lt;step&gt;#&lt;attempt&gt;
 * failed &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt;         skipped &lt;step&gt;#&lt;attempt&gt;
 * compensate &lt;workflow&gt;    undone &lt;step&gt;#&lt;attempt&gt;   undo-failed &lt;step&gt;#&lt;attempt&gt; &lt;Exception&gt;
 * finish &lt;workflow&gt; &lt;STATUS&gt;
 * </pre>
 */
final class Events implements WorkflowListener {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void onBegin(WorkflowEvent run) {
    lines.add("run-begin " + Path.base(run.workflowName()));
  }

  @Override
  public void onStepBegin(StepContext step) {
    lines.add("step " + at(step));
  }

  @Override
  public void onStepSuccess(StepContext step, Object output) {
    lines.add("ok " + at(step));
  }

  @Override
  public void onStepFailure(StepContext step, Throwable error) {
    lines.add("failed " + at(step) + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onStepSkipped(StepContext step) {
    lines.add("skipped " + at(step));
  }

  @Override
  public void onCompensateBegin(WorkflowEvent run) {
    lines.add("compensate " + Path.base(run.workflowName()));
  }

  @Override
  public void onCompensateStepSuccess(StepContext step) {
    lines.add("undone " + at(step));
  }

  @Override
  public void onCompensateStepFailure(StepContext step, Throwable error) {
    lines.add("undo-failed " + at(step) + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onFinish(WorkflowResult<?> result) {
    lines.add("finish " + Path.base(result.workflowName()) + " " + result.status());
  }

  private static String at(StepContext step) {
    return step.stepName() + "#" + step.attempt();
  }
}
