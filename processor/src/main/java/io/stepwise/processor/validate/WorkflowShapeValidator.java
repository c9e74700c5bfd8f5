package io.stepwise.processor.validate;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.ValidationReport;
import io.stepwise.processor.graph.StepGraph;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** The rules for the {@code @Workflow} class itself: kind, nesting, visibility, constructor, name. */
final class WorkflowShapeValidator {
  private final Elements elements;

  WorkflowShapeValidator(Elements elements) {
    this.elements = elements;
  }

  /** Returns false if the type is not a class at all, and nothing else is worth checking. */
  boolean validate(WorkflowDecl decl, StepGraph graph, ValidationReport report) {
    TypeElement type = decl.type();
    String name = ElementFormatter.nestedName(type);
    ElementKind kind = type.getKind();
    if (kind != ElementKind.CLASS && kind != ElementKind.RECORD) {
      report.error(Diag.WORKFLOW_NOT_A_CLASS, type, decl.mirror(), name, article(kind));
      return false;
    }
    NestingKind nesting = type.getNestingKind();
    if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
      report.error(Diag.WORKFLOW_LOCAL_CLASS, type, decl.mirror(), name);
    } else if (nesting == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      report.error(Diag.WORKFLOW_INNER_CLASS, type, decl.mirror(), name);
    }
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        report.error(Diag.WORKFLOW_PRIVATE, type, decl.mirror(), ElementFormatter.nestedName((TypeElement) e));
        break;
      }
    }
    boolean isPrivate = type.getModifiers().contains(Modifier.PRIVATE);
    boolean isAbstract = type.getModifiers().contains(Modifier.ABSTRACT);
    if (isAbstract) {
      report.error(Diag.WORKFLOW_ABSTRACT, type, decl.mirror(), name);
    }
    if (!type.getTypeParameters().isEmpty()) {
      report.error(Diag.WORKFLOW_GENERIC, type, decl.mirror(), name,
          ElementFormatter.typeParameters(type.getTypeParameters()));
    }
    if (decl.name().isEmpty()) {
      report.error(Diag.WORKFLOW_NAME_EMPTY, type, decl.mirror(), decl.nameValue(), kebab(type.getSimpleName().toString()));
    }
    MemberValidator.duration(type, decl.mirror(), "Workflow", "timeout", decl.timeout(), decl.timeoutValue(), report);
    if (decl.steps().isEmpty()) {
      report.error(Diag.NO_STEPS, type, decl.mirror(), name);
    }
    if (!isAbstract) {
      validateConstructor(decl, graph, report, name, isPrivate);
    }
    return true;
  }

  private void validateConstructor(WorkflowDecl decl, StepGraph graph, ValidationReport report, String name,
      boolean isPrivate) {
    List<ExecutableElement> inject = graph.injectConstructors();
    if (inject.size() > 1) {
      // on the first @Inject too many: that is the one to remove
      ExecutableElement extra = inject.get(1);
      report.error(Diag.MULTIPLE_INJECT_CONSTRUCTORS, extra, injectMirror(extra), name, inject.size());
      return;
    }
    if (inject.size() == 1) {
      if (inject.get(0).getModifiers().contains(Modifier.PRIVATE)) {
        report.error(Diag.INJECT_CONSTRUCTOR_PRIVATE, inject.get(0));
      }
      return;
    }
    List<ExecutableElement> candidates = graph.constructorCandidates();
    if (candidates.isEmpty()) {
      if (isPrivate && onlyImplicitConstructor(decl)) {
        return; // private only because the class is (JLS 8.8.9): WorkflowPrivate says it, and its fix fixes this
      }
      report.error(Diag.NO_USABLE_CONSTRUCTOR, decl.type(), decl.mirror(), name);
    } else if (candidates.size() > 1) {
      report.error(Diag.AMBIGUOUS_CONSTRUCTOR, decl.type(), decl.mirror(), name, candidates.size(),
          candidates.stream().map(ElementFormatter::element).collect(Collectors.joining(", ")));
    }
  }

  /** The class declares no constructor: javac made the default one. */
  private boolean onlyImplicitConstructor(WorkflowDecl decl) {
    return decl.constructors().size() == 1 && elements.getOrigin(decl.constructors().get(0)) == Elements.Origin.MANDATED;
  }

  private static AnnotationMirror injectMirror(ExecutableElement constructor) {
    return Mirrors.find(constructor, Names.JAVAX_INJECT)
        .or(() -> Mirrors.find(constructor, Names.JAKARTA_INJECT))
        .orElse(null);
  }

  private static String article(ElementKind kind) {
    switch (kind) {
      case INTERFACE: return "an interface";
      case ENUM: return "an enum";
      case ANNOTATION_TYPE: return "an annotation type";
      default: return "a " + kind.name().toLowerCase();
    }
  }

  /** {@code CreateRestockOrderWorkflow} → {@code create-restock-order}. */
  static String kebab(String className) {
    String base = className.endsWith("Workflow") && className.length() > "Workflow".length()
        ? className.substring(0, className.length() - "Workflow".length())
        : className;
    return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }
}
