package io.stepwise.processor.write;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import io.stepwise.processor.Names;
import io.stepwise.processor.diag.Diag;
import java.io.IOException;
import java.io.Writer;
import javax.tools.StandardLocation;
import java.util.Optional;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.JavaFileObject;

/** Writes generated types, adding what every generated file needs. */
public final class GeneratedFiles {
  private final Filer filer;
  private final Messager messager;
  private final Optional<AnnotationSpec> generated;

  public GeneratedFiles(Filer filer, Messager messager, Elements elements) {
    this.filer = filer;
    this.messager = messager;
    // javax.annotation.processing.Generated exists from Java 9 and only with the java.compiler module.
    this.generated = Optional.ofNullable(elements.getTypeElement(Names.GENERATED))
        .map(type -> AnnotationSpec.builder(ClassName.get(type)).addMember("value", "$S", Names.PROCESSOR).build());
  }

  /** Writes a class-path resource, {@code originating} as its originating element. */
  public void writeResource(String path, String content, TypeElement originating) {
    try (Writer writer = filer.createResource(StandardLocation.CLASS_OUTPUT, "", path, originating).openWriter()) {
      writer.write(content);
    } catch (IOException | RuntimeException e) {
      messager.printMessage(Diag.COULD_NOT_WRITE.kind(), Diag.COULD_NOT_WRITE.render(path, e.getMessage()), originating);
    }
  }

  /** Writes {@code type} into {@code packageName}, with {@code originating} as its originating element. */
  public void write(String packageName, TypeSpec type, TypeElement originating) {
    TypeSpec.Builder builder = type.toBuilder().addOriginatingElement(originating);
    generated.ifPresent(builder::addAnnotation);
    JavaFile file = JavaFile.builder(packageName, builder.build()).skipJavaLangImports(true).build();
    String name = packageName + "." + type.name();
    try {
      // rendered first, then written at once: JavaPoet writes a file in thousands of small pieces
      String text = file.toString();
      JavaFileObject source = filer.createSourceFile(name, originating);
      try (Writer writer = source.openWriter()) {
        writer.write(text);
      } catch (IOException | RuntimeException e) {
        source.delete();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      messager.printMessage(Diag.COULD_NOT_WRITE.kind(), Diag.COULD_NOT_WRITE.render(name, e.getMessage()), originating);
    }
  }
}
