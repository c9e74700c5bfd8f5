package io.stepwise.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only file in which the crash tests' steps, compensations, conditions and workers
 * record what they do: the record of what happened, kept outside the store under test, that the
 * test checks the store against.
 *
 * <p>Each line goes to the file with one {@code write(2)} call on a channel opened with {@code
 * O_APPEND}, before the caller goes on. A SIGKILL ends the process, not the machine: what a {@code
 * write} handed to the kernel is in the file for every reader after the process died, so no line
 * that was written can be lost to the kill, and none is cut in two but the last one, if the kill
 * lands inside the call (which {@link #read} drops). Syncing each line to the disk ({@code DSYNC})
 * would only add a power cut to what it survives, which this test does not simulate (nor does H2
 * survive it), at about 2 ms a line on this machine's disk, which would slow the workflows to a
 * crawl.
 */
final class EffectLog implements AutoCloseable {
  private final FileChannel channel;
  private final int generation;

  private EffectLog(FileChannel channel, int generation) {
    this.channel = channel;
    this.generation = generation;
  }

  /**
   * Opens {@code file} to append lines to, written by the child JVM of number {@code generation}. If
   * the file ends with a line that a kill cut short, ends that line first, so that it stays a line of
   * its own (which {@link #read} drops).
   */
  static EffectLog open(Path file, int generation) {
    try {
      boolean cut = false;
      if (Files.exists(file) && Files.size(file) > 0) {
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
          ByteBuffer last = ByteBuffer.allocate(1);
          reader.read(last, reader.size() - 1);
          cut = last.get(0) != '\n';
        }
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      if (cut) {
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
      }
      return new EffectLog(channel, generation);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int generation() {
    return generation;
  }

  /** Appends one line, now. */
  void write(Effect.Kind kind, String transactionId, String step, int attempt, String token, String data) {
    String line = new Effect(0, Effect.micros(Instant.now()), generation, kind, transactionId, step, attempt, token,
        data).line() + "\n";
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    synchronized (this) {
      try {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The complete lines of {@code file}, in order. A line that a kill cut short is dropped: one that
   * does not parse and is the last line, or is followed by a line of another generation (the next
   * child JVM's first). Any other line that does not parse fails the read.
   *
   * @throws IllegalArgumentException if a line that no kill cut short does not parse
   */
  static List<Effect> read(Path file) throws IOException {
    List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
    List<Effect> effects = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      try {
        effects.add(Effect.parse(effects.size(), lines.get(i)));
      } catch (IllegalArgumentException e) {
        int before = effects.isEmpty() ? -1 : effects.get(effects.size() - 1).generation();
        if (i + 1 < lines.size() && Effect.parse(0, lines.get(i + 1)).generation() == before) {
          throw e;
        }
      }
    }
    return effects;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
