import java.io.File;
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
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the Stepwise processor adds to a compilation. Generates N workflows of 10 steps each, then
 * compiles them with javac, a new JVM each time, in turns: "processor", the workflows with the
 * processor on {@code -processorpath}; "plain", the same workflows plus the runners the processor
 * generated, as plain sources, with {@code -proc:none}; and optionally "baseline" (another build of
 * the processor, e.g. of an earlier commit) and "floor" (a processor that does no work: it writes
 * the same runners, read from disk, through the Filer, so that what it costs is javac's own cost of
 * annotation processing: finding the processor, the Filer, the extra rounds). Reports each
 * repetition and, per measure, the median of the ratios to "plain" and their range. Run by
 * {@code benchmarks/compile-cost.sh}, which builds the processor and passes the paths; not part of
 * any Maven build.
 *
 * <p>Three measures per compilation: wall-clock time; the CPU time of the whole JVM (javac, the
 * processor, and the JIT compiler's and the GC's threads: what a build pays); and the CPU time of
 * the thread that runs javac and the processor, which depends least on the machine's other load.
 *
 * <pre>
 * java CompileCost.java --processorpath P --classpath C [--workflows 200] [--per-package 10]
 *     [--reps 7] [--dir D] [--baseline P2] [--floor] [--jfr FILE]
 * </pre>
 */
public final class CompileCost {
  public static void main(String[] args) throws Exception {
    int workflows = 200;
    int perPackage = 10;
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
        case "--per-package" -> perPackage = Integer.parseInt(args[++i]);
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
    String tools = Tools.compile(dir.resolve("snapshot/tools"));
    List<Path> sources = Generator.write(dir.resolve("src"), workflows, perPackage);
    List<String> javac = List.of("--release", "17", "-Xlint:all,-processing", "-encoding", "UTF-8", "-implicit:none",
        "-cp", classPath);

    // A first run with the processor gives the runners for "plain" (and warms the disk cache).
    Path generated = dir.resolve("generated");
    Timing first = new Variant("first", tools, javac, dir.resolve("first"),
        List.of("-processorpath", processorPath, "-s", generated.toString()), sources, workflows).run(null);
    List<Path> plainSources = new ArrayList<>(sources);
    plainSources.addAll(runners(generated));
    Variant plain = new Variant("plain", tools, javac, dir.resolve("plain"), List.of("-proc:none"), plainSources, 0);
    List<Variant> variants = new ArrayList<>();
    variants.add(processing("processor", processorPath, List.of(), tools, javac, dir, sources, workflows));
    variants.add(plain);
    if (baselinePath != null) {
      variants.add(processing("baseline", snapshot(baselinePath, dir.resolve("snapshot/baseline")), List.of(), tools,
          javac, dir, sources, workflows));
    }
    if (floor) {
      variants.add(processing("floor", tools, List.of("-processor", "FloorProcessor", "-Afloor.runners=" + generated),
          tools, javac, dir, sources, workflows));
    }
    if (jfr != null) {
      variants.get(0).run(jfr);
      System.out.println("JFR recording of one compilation with the processor: " + jfr
          + " (java benchmarks/compile-cost/JfrShares.java " + jfr + " tells where javac's thread spent its time)");
      return;
    }

    System.out.printf(Locale.ROOT, "%d workflows of 10 steps (%d per package), %d sources + %d runners; javac %s%n",
        workflows, perPackage, sources.size(), workflows, Runtime.version());
    System.out.printf(Locale.ROOT, "first run with the processor (not counted): %s%n", first);
    Timing[][] timings = new Timing[variants.size()][reps];
    for (int r = 0; r < reps; r++) {
      // the order turns each repetition, so that a trend in the machine's load hits every variant alike
      for (int k = 0; k < variants.size(); k++) {
        int v = (k + r) % variants.size();
        timings[v][r] = variants.get(v).run(null);
      }
      StringBuilder line = new StringBuilder("rep " + (r + 1) + ":");
      for (int v = 0; v < variants.size(); v++) {
        line.append("  ").append(variants.get(v).name()).append(' ').append(timings[v][r]);
      }
      System.out.println(line);
    }
    System.out.println("median ratio (min .. max over the repetitions); median times:");
    for (int v = 0; v < variants.size(); v++) {
      if (variants.get(v) != plain) {
        report(variants.get(v).name() + " / plain", workflows, timings[v], timings[1]);
      }
    }
    if (baselinePath != null) {
      report("processor / baseline", workflows, timings[0], timings[2]);
    }
  }

  private static Variant processing(String name, String processorPath, List<String> more, String tools,
      List<String> javac, Path dir, List<Path> sources, int workflows) {
    List<String> options = new ArrayList<>(List.of("-processorpath", processorPath,
        "-s", dir.resolve(name + "-generated").toString()));
    options.addAll(more);
    return new Variant(name, tools, javac, dir.resolve(name), options, sources, workflows);
  }

  private static List<Path> runners(Path generated) throws IOException {
    try (Stream<Path> files = Files.walk(generated)) {
      return files.filter(p -> p.toString().endsWith("Runner.java")).sorted().collect(Collectors.toList());
    }
  }

  /** Per measure, the median of the per-repetition ratios {@code a / b}, their range, the median times. */
  private static void report(String name, int workflows, Timing[] a, Timing[] b) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-21s", name));
    List<ToLongFunction<Timing>> measures = List.of(Timing::wall, Timing::cpu, Timing::mainCpu);
    List<String> names = List.of("wall", "cpu", "main");
    for (int m = 0; m < measures.size(); m++) {
      double[] ratios = new double[a.length];
      double[] times = new double[a.length];
      double[] others = new double[a.length];
      for (int r = 0; r < a.length; r++) {
        times[r] = measures.get(m).applyAsLong(a[r]);
        others[r] = measures.get(m).applyAsLong(b[r]);
        ratios[r] = times[r] / others[r];
      }
      double[] sorted = ratios.clone();
      Arrays.sort(sorted);
      line.append(String.format(Locale.ROOT, "  %s %.3f (%.3f .. %.3f; %.2f s vs %.2f s)", names.get(m), median(ratios),
          sorted[0], sorted[sorted.length - 1], median(times) / 1e9, median(others) / 1e9));
    }
    System.out.println(line);
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

  /** A copy of each directory of {@code path} under {@code into}; jars stay where they are. */
  private static String snapshot(String path, Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : path.split(File.pathSeparator)) {
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
    return String.join(File.pathSeparator, entries);
  }

  /** One way of compiling: javac's options and sources, into an output directory emptied before each run. */
  record Variant(String name, String tools, List<String> javac, Path out, List<String> options, List<Path> sources,
      int expectedRunners) {
    /** Runs javac once, in a new JVM, through {@code JavacTimer}, which measures it. */
    Timing run(String jfrFile) throws IOException, InterruptedException {
      deleteTree(out);
      Files.createDirectories(out);
      Path generated = null;
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i).equals("-s")) {
          generated = Paths.get(options.get(i + 1));
          deleteTree(generated);
          Files.createDirectories(generated);
        }
      }
      Path argFile = out.resolveSibling(out.getFileName() + ".args");
      List<String> args = new ArrayList<>(javac);
      args.addAll(options);
      args.addAll(List.of("-d", out.toString()));
      sources.forEach(source -> args.add(source.toString()));
      // javac's @file: one argument a line; the generated paths have no spaces or quotes
      Files.write(argFile, args);
      List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
      if (jfrFile != null) {
        // a sample of each thread every millisecond (the profile's 10 ms gives too few of the processor),
        // with deep stacks: the processor's calls sit under some 30 frames of javac
        command.add("-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile,jdk.ExecutionSample#period=1ms");
        command.add("-XX:FlightRecorderOptions=stackdepth=256");
      }
      command.addAll(List.of("-cp", tools, "JavacTimer", "@" + argFile));
      Path log = out.resolveSibling(out.getFileName() + ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int exit = process.waitFor();
      List<String> lines = Files.readAllLines(log);
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      if (exit != 0 || !last.startsWith("JavacTimer ")) {
        throw new IllegalStateException(name + " compilation failed (" + exit + "), see " + log);
      }
      if (generated != null && runners(generated).size() != expectedRunners) {
        throw new IllegalStateException(name + " generated " + runners(generated).size() + " runners, not "
            + expectedRunners + "; see " + log);
      }
      String[] nanos = last.substring("JavacTimer ".length()).split(" ");
      return new Timing(Long.parseLong(nanos[0]), Long.parseLong(nanos[1]), Long.parseLong(nanos[2]));
    }
  }

  /** One compilation: wall-clock time, the JVM's CPU time, the CPU time of javac's thread; in nanoseconds. */
  record Timing(long wall, long cpu, long mainCpu) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f/%.2f/%.2f s", wall / 1e9, cpu / 1e9, mainCpu / 1e9);
    }
  }

  /**
   * The tools compiled at the start of a run: {@code JavacTimer}, which runs javac in its JVM and
   * prints what it took, and the "floor" processor: for each {@code @Workflow} type it writes the
   * runner generated earlier (read from the directory {@code -Afloor.runners}) through the Filer,
   * doing nothing else.
   */
  static final class Tools {
    private static final String TIMER = """
        import java.lang.management.ManagementFactory;

        public final class JavacTimer {
          public static void main(String[] args) {
            long start = System.nanoTime();
            int exit = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, args);
            long wall = System.nanoTime() - start;
            long main = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
            if (exit != 0) {
              System.exit(exit);
            }
            System.out.println("JavacTimer " + wall + " " + cpu + " " + main);
          }
        }
        """;

    private static final String FLOOR = """
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

    /** Compiles both into {@code dir}; the class path that has them. */
    static String compile(Path dir) throws IOException {
      Path src = dir.resolve("src");
      Path classes = dir.resolve("classes");
      Files.createDirectories(src);
      Files.createDirectories(classes);
      Files.writeString(src.resolve("JavacTimer.java"), TIMER);
      Files.writeString(src.resolve("FloorProcessor.java"), FLOOR);
      int exit = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d",
          classes.toString(), src.resolve("JavacTimer.java").toString(), src.resolve("FloorProcessor.java").toString());
      if (exit != 0) {
        throw new IllegalStateException("could not compile the tools in " + src);
      }
      return classes.toString();
    }
  }

  /**
   * The workflows: {@code bench.pK.OrderNNNWorkflow}, {@code perPackage} to a package, ten steps each
   * over shared types in {@code bench}: an {@code @Input} several steps take, {@code @From} chains, compensations, a
   * {@code StepResponse}, two {@code @When} conditions (one step's output then taken as an
   * {@code Optional}), retries and step options; every fourth workflow has an asynchronous step.
   */
  static final class Generator {
    static List<Path> write(Path src, int count, int perPackage) throws IOException {
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
        String pkg = "bench.p" + (i - 1) / perPackage;
        files.add(file(src, pkg, "Order" + n + "Workflow", workflow(pkg, n, i)));
      }
      return files;
    }

    private static String workflow(String pkg, String n, int i) {
      boolean async = i % 4 == 0;
      String chargeType = async ? "java.util.concurrent.CompletableFuture<String>" : "StepResponse<String, String>";
      String chargeBody = async
          ? "return services.chargeAsync(order.id(), amount);"
          : "String payment = services.charge(order.id(), amount);\n"
              + "    return new StepResponse<>(payment, payment);";
      return """
          package %8$s;

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
          """.formatted(n, i % 3, 100 + i, 5 + i % 10, chargeType, chargeBody, 1000 + i, pkg);
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
