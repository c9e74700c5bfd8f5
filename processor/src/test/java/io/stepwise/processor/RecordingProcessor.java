package io.stepwise.processor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * Runs a {@link WorkflowProcessor} behind a {@link Filer} that records each file created and its
 * originating elements, which compile-testing does not expose.
 */
public final class RecordingProcessor extends AbstractProcessor {
  /** A file the processor created. */
  public record Created(String name, List<String> originatingElements) {}

  private final WorkflowProcessor delegate = new WorkflowProcessor();
  private final List<Created> created = java.util.Collections.synchronizedList(new ArrayList<>());
  private boolean initialised;

  public List<Created> created() {
    return List.copyOf(created);
  }

  /** Whether javac initialised this instance: proof that the compile ran the processor under test. */
  public boolean initialised() {
    return initialised;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    initialised = true;
    Filer filer = env.getFiler();
    Filer recording = new Filer() {
      @Override
      public JavaFileObject createSourceFile(CharSequence name, Element... originating) throws IOException {
        record(name.toString(), originating);
        return filer.createSourceFile(name, originating);
      }

      @Override
      public JavaFileObject createClassFile(CharSequence name, Element... originating) throws IOException {
        record(name.toString(), originating);
        return filer.createClassFile(name, originating);
      }

      @Override
      public FileObject createResource(JavaFileManager.Location location, CharSequence pkg, CharSequence relativeName,
          Element... originating) throws IOException {
        record(pkg + "/" + relativeName, originating);
        return filer.createResource(location, pkg, relativeName, originating);
      }

      @Override
      public FileObject getResource(JavaFileManager.Location location, CharSequence pkg, CharSequence relativeName)
          throws IOException {
        return filer.getResource(location, pkg, relativeName);
      }
    };
    delegate.init(new ProcessingEnvironment() {
      @Override public Map<String, String> getOptions() { return env.getOptions(); }
      @Override public Messager getMessager() { return env.getMessager(); }
      @Override public Filer getFiler() { return recording; }
      @Override public Elements getElementUtils() { return env.getElementUtils(); }
      @Override public Types getTypeUtils() { return env.getTypeUtils(); }
      @Override public SourceVersion getSourceVersion() { return env.getSourceVersion(); }
      @Override public Locale getLocale() { return env.getLocale(); }
    });
  }

  private void record(String name, Element... originating) {
    List<String> names = new ArrayList<>();
    for (Element element : originating) {
      names.add(element instanceof TypeElement type ? type.getQualifiedName().toString() : element.toString());
    }
    created.add(new Created(name, names));
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return delegate.process(annotations, round);
  }
}
