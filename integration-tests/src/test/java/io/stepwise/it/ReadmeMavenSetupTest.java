package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's Maven set-up, built for real: a user's project whose {@code pom.xml} is the README's,
 * verbatim (between the {@code consumer-pom} markers), with the workflow of
 * {@code src/test/consumer}, built by a nested {@code mvn} and then run.
 *
 * <p>Where the nested build finds Stepwise: it must get this build's annotations, runtime and
 * processor, never a stale {@code io.stepwise} snapshot of {@code ~/.m2}, and it must not write
 * {@code io.stepwise} into {@code ~/.m2} (other builds share it). So its local repository is a
 * throwaway one under {@code target/}, into which this test puts this build's jars and poms, as
 * {@code mvn install} would. For everything else (plugins, slf4j, JavaPoet) the user's local
 * repository serves it as a read-only file repository, with snapshots off, so that no stale
 * {@code io.stepwise} snapshot can come from it; Maven Central stays behind it for what it lacks.
 * That repository comes in a global settings file ({@code -gs}), so the user's own settings
 * (mirrors, proxies) still apply. The throwaway repository lives on between runs; only its
 * {@code io.stepwise} is replaced each time.
 */
class ReadmeMavenSetupTest {
  private static final String VERSION = property("stepwise.version");
  private static final Path ROOT = Path.of(property("stepwise.rootDir"));
  private static final Path WORK = Path.of(property("stepwise.buildDir"), "readme-consumer");
  private static final Path REPOSITORY = WORK.resolve("repository");
  private static final Path SETTINGS = WORK.resolve("settings.xml");
  private static final Pattern POM = Pattern.compile(
      "<!-- consumer-pom:begin[^>]*-->\\s*```xml\\n(.*?)```\\s*<!-- consumer-pom:end -->", Pattern.DOTALL);

  private static String pom;

  @BeforeAll
  static void readTheReadmeAndSeedTheRepository() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher matcher = POM.matcher(readme);
    assertTrue(matcher.find(), "README.md has no ```xml block between <!-- consumer-pom:begin --> "
        + "and <!-- consumer-pom:end -->; put the markers back around the set-up pom");
    pom = matcher.group(1);
    assertTrue(pom.contains("<stepwise.version>" + VERSION + "</stepwise.version>"),
        "README.md's pom must define <stepwise.version>" + VERSION + "</stepwise.version>, the "
            + "project's version, which `mvn install` puts in the local repository");

    Files.createDirectories(WORK);
    Files.writeString(SETTINGS, settings(Path.of(property("stepwise.localRepository"))));
    Path stepwise = REPOSITORY.resolve("io/stepwise");
    deleteRecursively(stepwise);
    install(stepwise, "stepwise-parent", ROOT.resolve("pom.xml"), null);
    for (String module : List.of("annotations", "runtime", "processor")) {
      Path dir = ROOT.resolve(module);
      install(stepwise, "stepwise-" + module, dir.resolve("pom.xml"), jarOf(dir, "stepwise-" + module));
    }
  }

  @Test
  void readmePomGeneratesTheRunnerAndTheWorkflowRuns() throws Exception {
    Path app = consumer("app", pom);
    String classpathFile = "target/runtime-classpath.txt";
    maven(app, "package",
        "org.apache.maven.plugins:maven-dependency-plugin:" + property("dependency-plugin.version")
            + ":build-classpath",
        "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + classpathFile);

    assertTrue(Files.isRegularFile(
            app.resolve("target/generated-sources/annotations/com/example/shop/PlaceOrderWorkflowRunner.java")),
        "the processor generated no runner");

    String classpath = app.resolve("target/classes") + File.pathSeparator
        + Files.readString(app.resolve(classpathFile)).strip();
    Run run = run(app, List.of(javaCommand(), "-cp", classpath, "com.example.shop.Main"));
    assertEquals(0, run.exitCode, run.describe());
    assertEquals(List.of(
            "DONE: paid 850 for R-tea",
            "REVERTED: charge INVOKE card declined for 500000 cents",
            "journal: [reserve 2 tea, reserve 1 piano, release R-piano]"),
        run.stdout.strip().lines().toList(), run.describe());
  }

  /** A user who compiles with every lint warning as an error gets none from Stepwise. */
  @Test
  void readmePomCompilesWithXlintAllAndWerror() throws Exception {
    String strict = "</annotationProcessorPaths>\n"
        + "          <compilerArgs><arg>-Xlint:all</arg><arg>-Werror</arg></compilerArgs>";
    assertEquals(1, pom.split("</annotationProcessorPaths>", -1).length - 1,
        "README.md's pom must name annotationProcessorPaths once");
    maven(consumer("app-werror", pom.replace("</annotationProcessorPaths>", strict)), "compile");
  }

  /** A fresh copy of the consumer project, with this pom. */
  private static Path consumer(String name, String pomXml) throws IOException {
    Path app = WORK.resolve(name);
    deleteRecursively(app);
    Path sources = ROOT.resolve("integration-tests/src/test/consumer");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path copy = app.resolve(sources.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
    Files.writeString(app.resolve("pom.xml"), pomXml);
    return app;
  }

  private static void maven(Path app, String... goals) throws Exception {
    List<String> command = new ArrayList<>(List.of(mavenCommand(), "-B", "-ntp",
        "-gs", SETTINGS.toString(), "-Dmaven.repo.local=" + REPOSITORY));
    command.addAll(List.of(goals));
    Run build = run(app, command);
    assertEquals(0, build.exitCode, "the README's pom does not build: " + build.describe());
  }

  private record Run(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return String.join(" ", command) + " ended with " + exitCode + "\n--- stdout:\n" + stdout
          + "\n--- stderr:\n" + stderr;
    }
  }

  private static Run run(Path dir, List<String> command) throws Exception {
    Path out = Files.createTempFile(WORK, "out", ".txt");
    Path err = Files.createTempFile(WORK, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // The nested build looks for .mvn/ (jvm.config, maven.config) in its own project only.
    builder.environment().put("MAVEN_BASEDIR", dir.toString());
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fail(String.join(" ", command) + " did not end within 5 minutes:\n" + Files.readString(out));
    }
    Run run = new Run(command, process.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  private static String settings(Path userRepository) {
    String url = userRepository.toUri().toString();
    String repository = """
          <%1$s>
            <id>user-local-repository</id>
            <url>%2$s</url>
            <releases><checksumPolicy>ignore</checksumPolicy></releases>
            <snapshots><enabled>false</enabled></snapshots>
          </%1$s>
        """;
    return """
        <settings>
          <profiles>
            <profile>
              <id>user-local-repository</id>
              <repositories>
        %s      </repositories>
              <pluginRepositories>
        %s      </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>user-local-repository</activeProfile></activeProfiles>
        </settings>
        """.formatted(repository.formatted("repository", url), repository.formatted("pluginRepository", url));
  }

  /** Puts a pom, and a jar unless null, where {@code mvn install} would. */
  private static void install(Path stepwise, String artifactId, Path pomFile, Path jar) throws IOException {
    Path dir = Files.createDirectories(stepwise.resolve(artifactId).resolve(VERSION));
    String base = artifactId + "-" + VERSION;
    Files.copy(pomFile, dir.resolve(base + ".pom"));
    if (jar != null) {
      Files.copy(jar, dir.resolve(base + ".jar"));
    }
  }

  /**
   * The module's packaged jar, as {@code mvn verify} builds it before this module's tests; under
   * {@code mvn test} (no jar, or one older than the classes) a jar of {@code target/classes}.
   */
  private static Path jarOf(Path module, String artifactId) throws IOException {
    Path classes = module.resolve("target/classes");
    Path jar = module.resolve("target/" + artifactId + "-" + VERSION + ".jar");
    if (Files.isRegularFile(jar) && Files.getLastModifiedTime(jar).compareTo(newest(classes)) >= 0) {
      return jar;
    }
    Path packed = WORK.resolve(artifactId + ".jar");
    try (OutputStream file = Files.newOutputStream(packed);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> files = Files.walk(classes)) {
      for (Path entry : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(entry).toString().replace(File.separatorChar, '/')));
        Files.copy(entry, out);
        out.closeEntry();
      }
    }
    return packed;
  }

  private static FileTime newest(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(ReadmeMavenSetupTest::modified)
          .max(Comparator.naturalOrder()).orElseThrow(() -> new IllegalStateException(dir + " is empty"));
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Maven's own launcher when this build says where Maven is, else {@code mvn} on the PATH. */
  private static String mavenCommand() {
    Path mvn = Path.of(System.getProperty("maven.home", ""), "bin", "mvn");
    return Files.isExecutable(mvn) ? mvn.toString() : "mvn";
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("system property " + name + " is not set; integration-tests/pom.xml "
          + "passes it to surefire: run this test through Maven");
    }
    return value;
  }
}
