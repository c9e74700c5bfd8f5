package io.stepwise.crash;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Starts the child JVMs of {@link CrashTest}, fast: the kills are spent on JVM start-up otherwise.
 * The children run from jars only (the test's class path, with each directory in it packed into a
 * jar), so that a first JVM can write a class-data archive of everything a child loads ({@code
 * -XX:ArchiveClassesAtExit}, which takes jars only) and every child maps it at start ({@code
 * -XX:SharedArchiveFile}): start-up takes about half the time. Without the archive (a JVM that
 * cannot write one) children start as usual.
 */
final class ChildJvms {
  private final Path dir;
  private final String classPath;
  private final Path archive;

  private ChildJvms(Path dir, String classPath, Path archive) {
    this.dir = dir;
    this.classPath = classPath;
    this.archive = archive;
  }

  /** Packs the class path's directories into jars under {@code dir}, and writes the class-data archive there. */
  static ChildJvms prepare(Path dir) throws Exception {
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = dir.resolve("classes-" + n++ + ".jar");
        pack(path, jar);
        entries.add(jar.toString());
      } else if (Files.exists(path)) {
        entries.add(entry);
      }
    }
    ChildJvms plain = new ChildJvms(dir, String.join(File.pathSeparator, entries), null);
    Path archive = dir.resolve("children.jsa");
    Files.deleteIfExists(archive);
    Process dump = plain.start(List.of("-XX:ArchiveClassesAtExit=" + archive), List.of("h2",
        "jdbc:h2:mem:archive", "/dev/null", "0", "archive"), dir.resolve("archive.out"), dir.resolve("archive.err"));
    boolean dumped = dump.waitFor(2, TimeUnit.MINUTES) && dump.exitValue() == 0 && Files.exists(archive);
    dump.destroyForcibly();
    if (!dumped) {
      System.out.println("crash tests: no class-data archive, the child JVMs start without one: "
          + Files.readString(dir.resolve("archive.err")));
      return plain;
    }
    return new ChildJvms(dir, plain.classPath, archive);
  }

  /** Starts {@link CrashChild} with {@code args}, its output and errors to the given files. */
  Process start(List<String> args, Path out, Path err) throws IOException {
    return start(List.of(), args, out, err);
  }

  private Process start(List<String> options, List<String> args, Path out, Path err) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.io.stepwise.runtime.WorkflowEngine=info"));
    if (archive != null) {
      command.add("-XX:SharedArchiveFile=" + archive);
    }
    command.addAll(options);
    command.add(CrashChild.class.getName());
    command.addAll(args);
    return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
  }

  private static void pack(Path directory, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(directory.relativize(path).toString().replace(File.separatorChar, '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    }
  }
}
