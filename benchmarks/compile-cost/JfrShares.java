import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where javac's thread spent its time in a recording that {@code compile-cost.sh --jfr FILE} made:
 * the share of its execution samples in each part of a compilation with the processor (a sample
 * counts for the first part, in this order, that one of its frames belongs to), then the methods
 * with the most samples of their own, overall and inside the processor.
 *
 * <pre>
 * java benchmarks/compile-cost/JfrShares.java FILE [TOP]
 * </pre>
 */
public final class JfrShares {
  /** The parts, by a prefix of a frame's {@code class.method}; the first that matches counts. */
  private static final Map<String, List<String>> PARTS = parts();

  private static Map<String, List<String>> parts() {
    Map<String, List<String>> parts = new LinkedHashMap<>();
    parts.put("JavaPoet rendering the runners (JavaFile.toString)", List.of("com.palantir.javapoet.JavaFile.toString"));
    parts.put("javac's Filer creating the runners and diagrams", List.of(
        "com.sun.tools.javac.processing.JavacFiler.createSourceFile", "com.sun.tools.javac.processing.JavacFiler.createResource"));
    parts.put("the processor's writers (the runners' TypeSpecs, the diagram)", List.of("io.stepwise.processor.write."));
    parts.put("the processor's own work (collect, validate, model)", List.of("io.stepwise.processor."));
    parts.put("javac's rounds: entering the sources again (Round.next)",
        List.of("com.sun.tools.javac.processing.JavacProcessingEnvironment$Round.next"));
    parts.put("javac's other annotation processing", List.of("com.sun.tools.javac.main.JavaCompiler.processAnnotations"));
    parts.put("javac: attribute, flow, generate", List.of("com.sun.tools.javac.main.JavaCompiler.compile"));
    return parts;
  }

  public static void main(String[] args) throws IOException {
    Path file = Paths.get(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Map<String, Integer> byPart = new LinkedHashMap<>();
    PARTS.keySet().forEach(part -> byPart.put(part, 0));
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> selfInProcessor = new HashMap<>();
    int samples = 0;
    int truncated = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getThread("sampledThread") == null
          || !"main".equals(event.getThread("sampledThread").getJavaName())
          || event.getStackTrace() == null) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      List<RecordedFrame> frames = stack.getFrames();
      samples++;
      truncated += stack.isTruncated() ? 1 : 0;
      String part = part(frames);
      byPart.merge(part, 1, Integer::sum);
      String leaf = name(frames.get(0));
      self.merge(leaf, 1, Integer::sum);
      if (frames.stream().anyMatch(frame -> name(frame).startsWith("io.stepwise.processor.WorkflowProcessor.process"))) {
        selfInProcessor.merge(leaf, 1, Integer::sum);
      }
    }
    System.out.printf(Locale.ROOT, "%d execution samples of javac's thread (%d with a truncated stack)%n", samples, truncated);
    int all = samples;
    byPart.forEach((part, count) -> System.out.printf(Locale.ROOT, "%6.1f %%  %s%n", 100.0 * count / all, part));
    print("most samples of their own, in the processor's process()", selfInProcessor, all, top);
    print("most samples of their own, overall", self, all, top);
  }

  private static String part(List<RecordedFrame> frames) {
    for (Map.Entry<String, List<String>> part : PARTS.entrySet()) {
      for (RecordedFrame frame : frames) {
        String name = name(frame);
        if (part.getValue().stream().anyMatch(name::startsWith)) {
          return part.getKey();
        }
      }
    }
    return "other (JVM start, javac's setup)";
  }

  private static void print(String title, Map<String, Integer> counts, int all, int top) {
    System.out.println(title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(entry -> System.out.printf(Locale.ROOT, "%6.1f %%  %s%n", 100.0 * entry.getValue() / all, entry.getKey()));
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
