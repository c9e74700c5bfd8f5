package io.stepwise.processor.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A workflow as editable parts, so a test can mutate it (rename @From targets, swap types, drop,
 * duplicate or move annotations, reorder methods, break generics, wrap return types in a
 * CompletionStage) and render it back to Java that the compiler can at least parse. Method bodies
 * always fit their return type, so every error comes from the wiring.
 */
final class MutantWorkflow {
  static final List<String> TYPES = List.of("String", "int", "long", "Integer", "Long", "Object", "boolean",
      "List<String>", "List<Object>", "List<?>", "List", "List<? extends CharSequence>", "ArrayList<String>",
      "Optional<Integer>", "Optional<String>", "Optional", "StepResponse<String, Integer>", "StepResponse",
      "StepResponse<?, String>", "StepContext", "Map<String, List<Integer>>", "String[]", "CharSequence");

  static final class Param {
    List<String> annotations = new ArrayList<>();
    String type;
    String name;

    Param(String annotation, String type, String name) {
      if (annotation != null) {
        annotations.add(annotation);
      }
      this.type = type;
      this.name = name;
    }

    Param copy() {
      Param p = new Param(null, type, name);
      p.annotations.addAll(annotations);
      return p;
    }
  }

  static final class Method {
    List<String> annotations = new ArrayList<>();
    List<String> modifiers = new ArrayList<>();
    String returnType;
    String name;
    List<Param> params = new ArrayList<>();

    Method(String returnType, String name, String... annotations) {
      this.returnType = returnType;
      this.name = name;
      this.annotations.addAll(List.of(annotations));
    }

    Method param(String annotation, String type, String name) {
      params.add(new Param(annotation, type, name));
      return this;
    }
  }

  final String pkg;
  final String className = "Flow";
  List<String> classAnnotations = new ArrayList<>(List.of("@Workflow(\"flow\")"));
  List<String> classModifiers = new ArrayList<>(List.of("public"));
  String typeParameters = "";
  String constructorParam = "StringBuilder dep";
  final List<Method> methods = new ArrayList<>();

  MutantWorkflow(String pkg) {
    this.pkg = pkg;
    methods.add(new Method("StepResponse<String, Integer>", "a", "@Step(\"a\")")
        .param("@Input", "String", "in").param(null, "StepContext", "ctx"));
    methods.add(new Method("void", "undoA", "@Compensate(\"a\")").param(null, "Integer", "x"));
    methods.add(new Method("List<String>", "b", "@Step(value = \"b\", maxRetries = 1)").param("@From(\"a\")", "String", "s"));
    methods.add(new Method("void", "undoB", "@Compensate(\"b\")")
        .param(null, "List<String>", "l").param(null, "StepContext", "c"));
    methods.add(new Method("boolean", "cond", new String[0]).param("@From(\"b\")", "List<String>", "l"));
    methods.add(new Method("int", "c", "@Step(\"c\")", "@When(\"cond\")")
        .param("@From(\"b\")", "List<String>", "l").param("@Input", "String", "in2"));
    methods.add(new Method("void", "d", "@Step(\"d\")").param("@From(\"c\")", "Optional<Integer>", "c"));
    methods.add(new Method("void", "undoD", "@Compensate(\"d\")"));
    methods.add(new Method("Long", "e", "@Step(\"e\")").param("@From(\"a\")", "CharSequence", "s"));
  }

  String qualifiedName() {
    return pkg + "." + className;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("package ").append(pkg).append(";\n\n")
        .append("import io.stepwise.annotations.*;\n")
        .append("import io.stepwise.runtime.*;\n")
        .append("import java.util.*;\n\n");
    classAnnotations.forEach(a -> out.append(a).append('\n'));
    out.append(String.join(" ", classModifiers)).append(classModifiers.isEmpty() ? "" : " ")
        .append("class ").append(className).append(typeParameters).append(" {\n");
    out.append("  public ").append(className).append("(").append(constructorParam).append(") {}\n");
    for (Method m : methods) {
      out.append('\n');
      m.annotations.forEach(a -> out.append("  ").append(a).append('\n'));
      out.append("  ").append(String.join(" ", m.modifiers)).append(m.modifiers.isEmpty() ? "" : " ")
          .append(m.returnType).append(' ').append(m.name).append('(');
      for (int i = 0; i < m.params.size(); i++) {
        Param p = m.params.get(i);
        out.append(i == 0 ? "" : ", ");
        p.annotations.forEach(a -> out.append(a).append(' '));
        out.append(p.type).append(' ').append(p.name);
      }
      out.append(") {");
      String value = defaultValue(m.returnType);
      if (value != null) {
        out.append(" return ").append(value).append(';');
      }
      out.append(" }\n");
    }
    return out.append("}\n").toString();
  }

  private static String defaultValue(String type) {
    switch (type) {
      case "void": return null;
      case "int": return "0";
      case "long": return "0L";
      case "boolean": return "false";
      default: return "null";
    }
  }

  // ---------------------------------------------------------------- mutations

  List<String> stepNames() {
    List<String> names = new ArrayList<>();
    for (Method m : methods) {
      for (String a : m.annotations) {
        String name = quoted(a);
        if (a.startsWith("@Step") && name != null) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static String quoted(String annotation) {
    int start = annotation.indexOf('"');
    int end = annotation.indexOf('"', start + 1);
    return start < 0 || end < 0 ? null : annotation.substring(start + 1, end);
  }

  /** Applies one random mutation; returns its description. */
  String mutate(Random random) {
    Method method = methods.get(random.nextInt(methods.size()));
    List<Param> allParams = new ArrayList<>();
    methods.forEach(m -> allParams.addAll(m.params));
    switch (random.nextInt(13)) {
      case 0: { // rename a @From target
        List<Param> froms = allParams.stream().filter(p -> p.annotations.stream().anyMatch(a -> a.startsWith("@From"))).toList();
        if (froms.isEmpty()) {
          return "no @From to rename";
        }
        Param p = froms.get(random.nextInt(froms.size()));
        String target = pickName(random);
        p.annotations.replaceAll(a -> a.startsWith("@From") ? "@From(\"" + target + "\")" : a);
        return "@From -> " + target;
      }
      case 1: { // swap a parameter type
        if (allParams.isEmpty()) {
          return "no parameter";
        }
        Param p = allParams.get(random.nextInt(allParams.size()));
        p.type = TYPES.get(random.nextInt(TYPES.size()));
        return "param " + p.name + " : " + p.type;
      }
      case 2: { // swap a return type
        method.returnType = random.nextInt(5) == 0 ? "void" : TYPES.get(random.nextInt(TYPES.size()));
        if (method.returnType.equals("StepContext") && random.nextBoolean()) {
          method.returnType = "void";
        }
        return method.name + " returns " + method.returnType;
      }
      case 3: { // drop an annotation
        if (random.nextInt(6) == 0) {
          classAnnotations.clear();
          return "drop @Workflow";
        }
        if (!method.annotations.isEmpty() && random.nextBoolean()) {
          return "drop " + method.annotations.remove(random.nextInt(method.annotations.size()));
        }
        if (!allParams.isEmpty()) {
          Param p = allParams.get(random.nextInt(allParams.size()));
          if (!p.annotations.isEmpty()) {
            return "drop " + p.annotations.remove(0) + " of " + p.name;
          }
        }
        return "nothing dropped";
      }
      case 4: { // duplicate an annotation onto another element
        Method other = methods.get(random.nextInt(methods.size()));
        if (!other.annotations.isEmpty()) {
          String a = other.annotations.get(random.nextInt(other.annotations.size()));
          // a second annotation of the same type would be javac's "not a repeatable annotation type",
          // which stops annotation processing for the whole compile: replace it instead
          String type = a.contains("(") ? a.substring(0, a.indexOf('(')) : a;
          method.annotations.removeIf(x -> x.startsWith(type));
          method.annotations.add(a);
          return "copy " + a + " to " + method.name;
        }
        if (!allParams.isEmpty()) {
          Param p = allParams.get(random.nextInt(allParams.size()));
          String a = random.nextBoolean() ? "@Input" : "@From(\"" + pickName(random) + "\")";
          if (!p.annotations.contains(a) && p.annotations.stream().noneMatch(x -> x.startsWith("@From") && a.startsWith("@From"))) {
            p.annotations.add(a);
          }
          return "add " + a + " to " + p.name;
        }
        return "nothing duplicated";
      }
      case 5: { // reorder methods
        int i = random.nextInt(methods.size());
        int j = random.nextInt(methods.size());
        Method m = methods.get(i);
        methods.set(i, methods.get(j));
        methods.set(j, m);
        return "swap methods " + i + " and " + j;
      }
      case 6: { // break generics
        for (Param p : allParams) {
          if (p.type.startsWith("List<") && random.nextBoolean()) {
            p.type = List.of("List", "List<?>", "List<Object>", "List<? super String>", "List<List<String>>").get(random.nextInt(5));
            return "generics of " + p.name + " -> " + p.type;
          }
        }
        method.returnType = method.returnType.replace("<String, Integer>", random.nextBoolean() ? "" : "<Integer, String>");
        return "generics of " + method.name;
      }
      case 7: { // modifiers
        String modifier = List.of("private", "static", "public", "protected", "final").get(random.nextInt(5));
        List<String> access = List.of("private", "public", "protected");
        if (access.contains(modifier)) {
          method.modifiers.removeAll(access); // two access modifiers are javac's own error
        }
        if (!method.modifiers.contains(modifier)) {
          method.modifiers.add(0, modifier);
        }
        return modifier + " " + method.name;
      }
      case 8: { // the class
        switch (random.nextInt(5)) {
          case 0: if (!classModifiers.contains("abstract")) { classModifiers.add("abstract"); } return "abstract class";
          case 1: typeParameters = "<T>"; return "generic class";
          case 2: constructorParam = random.nextBoolean() ? "" : "List<String> names, int n"; return "constructor " + constructorParam;
          case 3: classAnnotations.replaceAll(a -> a.replace("\"flow\"", random.nextBoolean() ? "\"\"" : "value = \"flow\", result = \"" + pickName(random) + "\"")); return "workflow attrs";
          default: classModifiers.remove("public"); return "package-private class";
        }
      }
      case 9: { // retries and conditions
        if (random.nextBoolean()) {
          method.annotations.replaceAll(a -> a.startsWith("@Step(") ? "@Step(value = \"" + quoted(a) + "\", maxRetries = -1)" : a);
          return "negative retries on " + method.name;
        }
        String target = List.of("cond", "c", "undoA", "missing", "Cond", "e", "").get(random.nextInt(7));
        if (method.annotations.stream().noneMatch(a -> a.startsWith("@When"))) {
          method.annotations.add("@When(\"" + target + "\")");
        } else {
          method.annotations.replaceAll(a -> a.startsWith("@When") ? "@When(\"" + target + "\")" : a);
        }
        return "@When(" + target + ") on " + method.name;
      }
      case 10: { // an extra parameter
        String annotation = List.of("", "@Input", "@From(\"a\")", "@From(\"e\")").get(random.nextInt(4));
        method.param(annotation.isEmpty() ? null : annotation, TYPES.get(random.nextInt(TYPES.size())), "extra" + method.params.size());
        return "extra param on " + method.name;
      }
      case 12: { // make a method asynchronous: a CompletionStage of its return type, good or bad
        method.returnType = stageOf(method.returnType, random);
        return method.name + " returns " + method.returnType;
      }
      default: { // rename a step or compensation target
        String name = pickName(random);
        if (!method.annotations.isEmpty()) {
          int i = random.nextInt(method.annotations.size());
          String a = method.annotations.get(i);
          if (a.startsWith("@Step(\"") || a.startsWith("@Compensate(\"")) {
            method.annotations.set(i, a.substring(0, a.indexOf('"') + 1) + name + "\")");
          }
        }
        return "rename on " + method.name + " -> " + name;
      }
    }
  }

  private static final String STAGE = "java.util.concurrent.CompletionStage";
  private static final String FUTURE = "java.util.concurrent.CompletableFuture";

  /** {@code type} wrapped in a CompletionStage: mostly a good one, sometimes raw, a wildcard or a stage of a stage. */
  private static String stageOf(String type, Random random) {
    String boxed = switch (type) {
      case "void" -> "Void";
      case "int" -> "Integer";
      case "long" -> "Long";
      case "boolean" -> "Boolean";
      default -> type;
    };
    switch (random.nextInt(8)) {
      case 0: return STAGE + "<" + boxed + ">";
      case 1: return STAGE + "<? extends " + boxed + ">";
      case 2: return STAGE;
      case 3: return FUTURE + "<?>";
      case 4: return STAGE + "<" + FUTURE + "<" + boxed + ">>";
      default: return FUTURE + "<" + boxed + ">";
    }
  }

  private String pickName(Random random) {
    List<String> names = stepNames();
    switch (random.nextInt(4)) {
      case 0: return "";
      case 1: return "zz" + random.nextInt(3);
      case 2: return names.isEmpty() ? "a" : names.get(random.nextInt(names.size())) + "x";
      default: return names.isEmpty() ? "a" : names.get(random.nextInt(names.size()));
    }
  }
}
