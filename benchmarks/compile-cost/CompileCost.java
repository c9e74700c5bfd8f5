import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the Stepwise processor adds to a compilation. Generates N workflows of 10 steps each, then
 * times javac, as a separate process each time, in turns: "processor", the workflows with the
 * processor on {@code -processorpath}; "plain", the same workflows plus the runners the processor
 * generated, as plain sources, with {@code -proc:none}; and optionally "baseline" (another build of
 * the processor, e.g. of an earlier commit) and "floor" (a processor that does no work: it only writes
 * the same runners, read from disk, through the Filer, so what remains is javac's own cost of
 * annotation processing: processor discovery, the Filer, the extra rounds). Reports each
 * repetition and the median ratio to "plain", with its range. Run by {@code benchmarks/compile-cost.sh},
 * which builds the processor and passes the paths; not part of any Maven build.
 *
 * <pre>
 * java CompileCost.java --processorpath P --classpath C [--workflows 200] [--reps 7] [--dir D]
 *     [--baseline P2] [--floor] [--jfr FILE]
 * </pre>
 */
public final class CompileCost {
  public static void main(String[] args) throws Exception {
    int workflows = 200;
    int reps = 7;
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "stepwise-compile-cost");
    String processorPath = null;
    String classPath = null;
    String baselinePath = null;
    boolean floor = false;
    String jfr = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workflows" -> workflows = Integer.parseInt(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Paths.get(args[++i]).toAbsolutePath();
        case "--processorpath" -> processorPath = args[++i];
        case "--classpath" -> classPath = args[++i];
        case "--baseline" -> baselinePath = args[++i];
        case "--floor" -> floor = true;
        case "--jfr" -> jfr = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (processorPath == null || classPath == null) {
      throw new IllegalArgumentException("--processorpath and --classpath are required");
    }
    deleteTree(dir);
    // copies of the class directories, so that a rebuild during the measurement changes nothing
    processorPath = snapshot(processorPath, dir.resolve("snapshot/processor"));
    classPath = snapshot(classPath, dir.resolve("snapshot/classpath"));
    List<Path> sources = Generator.write(dir.resolve("src"), workflows);
    Path generated = dir.resolve("generated");
    String javac = Paths.get(System.getProperty("java.home"), "bin", "javac").toString();
    List<String> common = List.of(javac, "--release", "17", "-Xlint:all,-processing", "-encoding", "UTF-8",
        "-implicit:none", "-cp", classPath);

    // A first run with the processor gives the runners for "plain" (and warms the disk cache).
    Timing first = new Variant("processor", common, dir.resolve("first"),
        List.of("-processorpath", processorPath, "-s", generated.toString()), sources, workflows).run(null);
    List<Path> runners;
    try (Stream<Path> files = Files.walk(generated)) {
      runners = files.filter(p -> p.toString().endsWith("Runner.java")).sorted().collect(Collectors.toList());
    }
    if (runners.size() != workflows) {
      throw new IllegalStateException("expected " + workflows + " runners, found " + runners.size());
    }
    List<Path> plainSources = new ArrayList<>(sources);
    plainSources.addAll(runners);
    Variant plain = new Variant("plain", common, dir.resolve("plain"), List.of("-proc:none"), plainSources, 0);
    List<Variant> variants = new ArrayList<>();
    variants.add(processing("processor", processorPath, List.of(), common, dir, sources));
    variants.add(plain);
    if (baselinePath != null) {
      variants.add(processing("baseline", snapshot(baselinePath, dir.resolve("snapshot/baseline")), List.of(), common,
          dir, sources));
    }
    if (floor) {
      variants.add(processing("floor", Floor.compile(dir.resolve("snapshot/floor")),
          List.of("-Afloor.runners=" + generated), common, dir, sources));
    }
    if (jfr != null) {
      variants.get(0).run(jfr);
      System.out.println("JFR recording of one compilation with the processor: " + jfr);
      return;
    }

    System.out.printf(Locale.ROOT, "%d workflows of 10 steps, %d sources + %d runners; javac %s%n", workflows,
        sources.size(), runners.size(), Runtime.version());
    System.out.printf(Locale.ROOT, "first run with the processor (not counted): %.2f s%n", first.wall() / 1e9);
    Timing[][] timings = new Timing[variants.size()][reps];
    for (int r = 0; r < reps; r++) {
      // the order turns each repetition, so that a trend in the machine's load hits every variant alike
      StringBuilder line = new StringBuilder("rep " + (r + 1) + ":");
      for (int k = 0; k < variants.size(); k++) {
        int v = (k + r) % variants.size();
        timings[v][r] = variants.get(v).run(null);
      }
      for (int v = 0; v < variants.size(); v++) {
        line.append(String.format(Locale.ROOT, "  %s %.2f s wall, %.2f s cpu", variants.get(v).name(),
            timings[v][r].wall() / 1e9, timings[v][r].cpu() / 1e9));
      }
      System.out.println(line);
    }
    for (int v = 0; v < variants.size(); v++) {
      if (variants.get(v) != plain) {
        report(variants.get(v).name(), workflows, timings[v], timings[1]);
      }
    }
  }

  private static Variant processing(String name, String processorPath, List<String> more, List<String> common,
      Path dir, List<Path> sources) {
    List<String> options = new ArrayList<>(List.of("-processorpath", processorPath,
        "-s", dir.resolve(name + "-generated").toString()));
    options.addAll(more);
    return new Variant(name, common, dir.resolve(name), options, sources, sources.size() - Generator.SHARED);
  }

  /** Per measure (wall, cpu): the median of the per-repetition ratios to "plain", their range, the time per workflow. */
  private static void report(String name, int workflows, Timing[] a, Timing[] b) {
    for (String measure : List.of("wall", "cpu")) {
      double[] ratios = new double[a.length];
      double[] times = new double[a.length];
      double[] plainTimes = new double[a.length];
      for (int r = 0; r < a.length; r++) {
        times[r] = measure.equals("wall") ? a[r].wall() : a[r].cpu();
        plainTimes[r] = measure.equals("wall") ? b[r].wall() : b[r].cpu();
        ratios[r] = times[r] / plainTimes[r];
      }
      double[] sorted = ratios.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%s / plain, %s: median ratio %.3f (min %.3f, max %.3f, %d repetitions);"
              + " median %.2f s vs %.2f s, %.1f ms more per workflow%n", name, measure, median(ratios), sorted[0],
          sorted[sorted.length - 1], a.length, median(times) / 1e9, median(plainTimes) / 1e9,
          (median(times) - median(plainTimes)) / 1e6 / workflows);
    }
  }

  /** A copy of each directory of {@code path} under {@code into}; jars stay where they are. */
  private static String snapshot(String path, Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : path.split(java.io.File.pathSeparator)) {
      Path source = Paths.get(entry);
      if (Files.isDirectory(source)) {
        Path copy = into.resolve(Integer.toString(i++));
        try (Stream<Path> files = Files.walk(source)) {
          for (Path file : files.collect(Collectors.toList())) {
            Path target = copy.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
              Files.createDirectories(target);
            } else {
              Files.copy(file, target);
            }
          }
        }
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }

  /** One way of compiling: javac's arguments and sources, into an output directory emptied before each run. */
  record Variant(String name, List<String> common, Path out, List<String> options, List<Path> sources,
      int expectedRunners) {
    /**
     * Runs javac once: its wall-clock time and its CPU time (user + system, of javac's process and
     * all its threads: parsing, attribution, the processor, the JIT, GC), in nanoseconds. CPU time
     * is what a compile costs; on a shared machine it also depends less on the other load than
     * the wall-clock time does. bash's {@code times} reports it for the child.
     */
    Timing run(String jfrFile) throws IOException, InterruptedException {
      deleteTree(out);
      Files.createDirectories(out);
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i).equals("-s")) {
          deleteTree(Paths.get(options.get(i + 1)));
          Files.createDirectories(Paths.get(options.get(i + 1)));
        }
      }
      Path argFile = out.resolveSibling(out.getFileName() + ".sources");
      Files.write(argFile, sources.stream().map(Path::toString).collect(Collectors.toList()));
      Path log = out.resolveSibling(out.getFileName() + ".log");
      List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$@\" >" + log + " 2>&1; rc=$?; times; exit $rc", "_"));
      command.add(common.get(0));
      if (jfrFile != null) {
        command.add("-J-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile");
      }
      command.addAll(common.subList(1, common.size()));
      command.addAll(options);
      command.addAll(List.of("-d", out.toString(), "@" + argFile));
      long start = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String times = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      long elapsed = System.nanoTime() - start;
      if (exit != 0) {
        throw new IllegalStateException(name + " compilation failed (" + exit + "):\n" + Files.readString(log));
      }
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i).equals("-s") && count(Paths.get(options.get(i + 1))) != expectedRunners) {
          throw new IllegalStateException(name + " generated " + count(Paths.get(options.get(i + 1)))
              + " runners, not " + expectedRunners + "; see " + log);
        }
      }
      // two lines: the shell's own user and system time, then its children's
      String[] children = times.strip().split("\n")[1].trim().split("\\s+");
      return new Timing(elapsed, nanos(children[0]) + nanos(children[1]));
    }

    private static long count(Path generated) throws IOException {
      try (Stream<Path> files = Files.walk(generated)) {
        return files.filter(p -> p.toString().endsWith("Runner.java")).count();
      }
    }

    /** {@code 1m2.345s} in nanoseconds. */
    private static long nanos(String time) {
      int m = time.indexOf('m');
      double seconds = Integer.parseInt(time.substring(0, m)) * 60 + Double.parseDouble(time.substring(m + 1, time.length() - 1));
      return Math.round(seconds * 1e9);
    }
  }

  record Timing(long wall, long cpu) {}

  /**
   * The "floor" processor: for each {@code @Workflow} type it writes the runner generated earlier
   * (read from the directory {@code -Afloor.runners}) through the Filer, doing nothing else. Compiled
   * from the text below at the start of a run.
   */
  static final class Floor {
    private static final String SOURCE = """
        import java.io.IOException;
        import java.io.UncheckedIOException;
        import java.io.Writer;
        import java.nio.file.Files;
        import java.nio.file.Path;
        import java.nio.file.Paths;
        import java.util.Set;
        import javax.annotation.processing.AbstractProcessor;
        import javax.annotation.processing.RoundEnvironment;
        import javax.lang.model.SourceVersion;
        import javax.lang.model.element.Element;
        import javax.lang.model.element.TypeElement;

        public final class FloorProcessor extends AbstractProcessor {
          @Override public Set<String> getSupportedAnnotationTypes() { return Set.of("io.stepwise.annotations.Workflow"); }
          @Override public Set<String> getSupportedOptions() { return Set.of("floor.runners"); }
          @Override public SourceVersion getSupportedSourceVersion() { return SourceVersion.latestSupported(); }

          @Override public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (round.processingOver()) {
              return false;
            }
            Path runners = Paths.get(processingEnv.getOptions().get("floor.runners"));
            TypeElement workflow = processingEnv.getElementUtils().getTypeElement("io.stepwise.annotations.Workflow");
            for (Element element : round.getElementsAnnotatedWith(workflow)) {
              String runner = ((TypeElement) element).getQualifiedName() + "Runner";
              try (Writer out = processingEnv.getFiler().createSourceFile(runner, element).openWriter()) {
                out.write(Files.readString(runners.resolve(runner.replace('.', '/') + ".java")));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            return false;
          }
        }
        """;

    /** Compiles the processor into {@code dir}; its processor path. */
    static String compile(Path dir) throws IOException {
      Path source = dir.resolve("src/FloorProcessor.java");
      Path classes = dir.resolve("classes");
      Files.createDirectories(source.getParent());
      Files.createDirectories(classes.resolve("META-INF/services"));
      Files.writeString(source, SOURCE);
      Files.writeString(classes.resolve("META-INF/services/javax.annotation.processing.Processor"), "FloorProcessor\n");
      int exit = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d",
          classes.toString(), source.toString());
      if (exit != 0) {
        throw new IllegalStateException("could not compile the floor processor");
      }
      return classes.toString();
    }
  }

  /**
   * The workflows: {@code bench.wNNN.OrderNNNWorkflow}, ten steps each over shared types in
   * {@code bench}: an {@code @Input} several steps take, {@code @From} chains, compensations, a
   * {@code StepResponse}, two {@code @When} conditions (one step's output then taken as an
   * {@code Optional}), retries and step options; every fourth workflow has an asynchronous step.
   */
  static final class Generator {
    /** The sources that are not workflows. */
    static final int SHARED = 3;

    static List<Path> write(Path src, int count) throws IOException {
      List<Path> files = new ArrayList<>();
      files.add(file(src, "bench", "Order", """
          package bench;

          public record Order(String id, String sku, int quantity, long unitPrice, boolean gift) {}
          """));
      files.add(file(src, "bench", "Confirmation", """
          package bench;

          import java.util.List;
          import java.util.Map;

          public record Confirmation(String orderId, String reservation, String payment, List<String> labels,
              Map<String, Long> invoice) {}
          """));
      files.add(file(src, "bench", "Services", """
          package bench;

          import java.util.List;
          import java.util.Map;
          import java.util.concurrent.CompletableFuture;

          public interface Services {
            Order validate(Order order);
            String reserve(String sku, int quantity);
            void release(String reservation);
            long price(Order order, int attempt);
            String charge(String orderId, long amount);
            CompletableFuture<String> chargeAsync(String orderId, long amount);
            void refund(String payment);
            String review(String payment);
            List<String> labels(String reservation, String review);
            void voidLabels(List<String> labels);
            void notify(String orderId, List<String> labels);
            Map<String, Long> invoice(String payment, long amount);
            void cancelInvoice(Map<String, Long> invoice);
            void wrap(String orderId);
          }
          """));
      for (int i = 1; i <= count; i++) {
        String n = String.format(Locale.ROOT, "%03d", i);
        files.add(file(src, "bench.w" + n, "Order" + n + "Workflow", workflow(n, i)));
      }
      return files;
    }

    private static String workflow(String n, int i) {
      boolean async = i % 4 == 0;
      String chargeType = async ? "java.util.concurrent.CompletableFuture<String>" : "StepResponse<String, String>";
      String chargeBody = async
          ? "return services.chargeAsync(order.id(), amount);"
          : "String payment = services.charge(order.id(), amount);\n"
              + "    return new StepResponse<>(payment, payment);";
      return """
          package bench.w%1$s;

          import bench.Confirmation;
          import bench.Order;
          import bench.Services;
          import io.stepwise.annotations.Compensate;
          import io.stepwise.annotations.From;
          import io.stepwise.annotations.Input;
          import io.stepwise.annotations.Step;
          import io.stepwise.annotations.When;
          import io.stepwise.annotations.Workflow;
          import io.stepwise.runtime.StepContext;
          import io.stepwise.runtime.StepResponse;
          import java.util.List;
          import java.util.Map;
          import java.util.Optional;

          /** Generated for the compile-cost benchmark. */
          @Workflow("order-%1$s")
          public class Order%1$sWorkflow {
            private final Services services;

            public Order%1$sWorkflow(Services services) {
              this.services = services;
            }

            @Step("validate")
            Order validate(@Input Order order) {
              return services.validate(order);
            }

            @Step(value = "reserve", maxRetries = %2$d)
            StepResponse<String, String> reserve(@From("validate") Order order) {
              String reservation = services.reserve(order.sku(), order.quantity());
              return new StepResponse<>(reservation, reservation);
            }

            @Compensate("reserve")
            void release(String reservation) {
              services.release(reservation);
            }

            @Step(value = "price", maxRetries = 2, retryInterval = "%3$dms")
            long price(@From("validate") Order order, StepContext ctx) {
              return services.price(order, ctx.attempt());
            }

            @Step(value = "charge", timeout = "%4$ds")
            %5$s charge(@Input Order order, @From("price") long amount) {
              %6$s
            }

            @Compensate("charge")
            void refund(String payment, StepContext ctx) {
              services.refund(payment);
            }

            boolean isLarge(@From("price") long amount) {
              return amount > %7$d;
            }

            @Step("review")
            @When("isLarge")
            String review(@From("charge") String payment) {
              return services.review(payment);
            }

            @Step("label")
            List<String> label(@From("reserve") String reservation, @From("review") Optional<String> review) {
              return services.labels(reservation, review.orElse("none"));
            }

            @Compensate("label")
            void voidLabels(List<String> labels) {
              services.voidLabels(labels);
            }

            @Step("notify")
            void notify(@Input Order order, @From("label") List<String> labels) {
              services.notify(order.id(), labels);
            }

            @Step(value = "invoice", maxRetries = 1)
            Map<String, Long> invoice(@From("charge") String payment, @From("price") long amount) {
              return services.invoice(payment, amount);
            }

            @Compensate("invoice")
            void cancelInvoice(Map<String, Long> invoice, StepContext ctx) {
              services.cancelInvoice(invoice);
            }

            static boolean wantsGift(@Input Order order) {
              return order.gift();
            }

            @Step("gift")
            @When("wantsGift")
            void gift(@Input Order order) {
              services.wrap(order.id());
            }

            @Step("confirm")
            Confirmation confirm(@Input Order order, @From("reserve") String reservation, @From("charge") String payment,
                @From("label") List<String> labels, @From("invoice") Map<String, Long> invoice) {
              return new Confirmation(order.id(), reservation, payment, labels, invoice);
            }
          }
          """.formatted(n, i % 3, 100 + i, 5 + i % 10, chargeType, chargeBody, 1000 + i);
    }

    private static Path file(Path src, String pkg, String name, String content) throws IOException {
      Path dir = src.resolve(pkg.replace('.', '/'));
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".java");
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    }
  }
}
