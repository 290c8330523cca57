package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.Externalizable;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a source or sink can be Java-serialized, as the Flink adapter does to ship it to the
 * cluster, and when it cannot, names the field at fault and how to fix it. Java's own error names
 * only a class ({@code java.io.NotSerializableException: com.acme.Job}); this one names where it
 * sits in the definition and what a lambda captured:
 *
 * <pre>
 * KafkaSink cannot be serialized, so it cannot be shipped to Flink: KafkaSink.keySelector is a
 * lambda written in com.acme.Job that uses this (an instance field or method of com.acme.Job), and
 * com.acme.Job is not Serializable. Make the function a static nested class implementing
 * Serializable, or a lambda that captures only serializable values (copy what it needs into local
 * variables first); clients, streams and threads belong in readers and writers, made at run time.
 * </pre>
 *
 * <pre>{@code
 * Serializability.requireSerializable(sink, "sink orders-out");
 * }</pre>
 *
 * <p>The embedded runner does not call it: nothing is serialized there. Thread-safe (stateless).
 */
public final class Serializability {
  private static final int MAX_DEPTH = 64;
  private static final String LAMBDA_MARKER = "$$Lambda";
  private static final String FIX =
      "Make the function a static nested class implementing Serializable, or a lambda that"
          + " captures only serializable values (copy what it needs into local variables"
          + " first); clients, streams and threads belong in readers and writers, made at run"
          + " time.";

  private Serializability() {}

  /**
   * Returns {@code definition} when it can be Java-serialized; otherwise fails naming the path of
   * the field that cannot be (e.g. {@code KafkaSink.keySelector}), its class, and the fix.
   *
   * @param definition a source or sink (any object to ship)
   * @param what how the error names it, e.g. {@code "sink sink-0 (KafkaSink)"}
   * @throws ConfigException when it cannot be serialized
   */
  public static <T> T requireSerializable(T definition, String what) {
    checkNotNull(definition, "definition");
    checkNotNull(what, "what");
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(definition);
      return definition;
    } catch (NotSerializableException e) {
      throw refusal(definition, what, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // a writeObject or writeReplace of the definition's own failed
      throw refusal(definition, what, null, e);
    }
  }

  /** {@link #requireSerializable(Object, String)} naming the definition by its class. */
  public static <T> T requireSerializable(T definition) {
    checkNotNull(definition, "definition");
    return requireSerializable(definition, rootName(definition.getClass()));
  }

  private static ConfigException refusal(
      Object definition, String what, String failedClass, Exception cause) {
    Culprit culprit =
        new Walk(failedClass).find(definition, rootName(definition.getClass()), 0).orElse(null);
    String problem;
    if (culprit != null) {
      problem = culprit.path() + " is " + culprit.explanation() + ".";
    } else if (failedClass != null) {
      problem = "it holds a " + failedClass + ", which is not Serializable.";
    } else {
      problem = cause.getClass().getName() + ": " + cause.getMessage() + ".";
    }
    ConfigException error =
        new ConfigException(
            what
                + " cannot be serialized, so it cannot be shipped to Flink: "
                + problem
                + " "
                + FIX);
    error.initCause(cause);
    return error;
  }

  private static String rootName(Class<?> type) {
    return type.getSimpleName().isEmpty() || isLambda(type) ? type.getName() : type.getSimpleName();
  }

  static boolean isLambda(Class<?> type) {
    return type.isSynthetic() && type.getName().contains(LAMBDA_MARKER);
  }

  /** The class a lambda or method reference was written in. */
  private static String writtenIn(Class<?> lambda) {
    String name = lambda.getName();
    return name.substring(0, name.indexOf(LAMBDA_MARKER));
  }

  /** Where the walk found an object Java serialization refuses, and what it is. */
  private record Culprit(String path, String explanation) {}

  /**
   * Follows the fields Java serialization would write, as far as reflection may look (JDK classes
   * are taken as they say), to the first object that is not {@link Serializable}; preferring one of
   * the class Java serialization named.
   */
  private static final class Walk {
    private final String failedClass;
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private Culprit first;

    Walk(String failedClass) {
      this.failedClass = failedClass;
    }

    Optional<Culprit> find(Object root, String path, int depth) {
      Culprit exact = visit(root, path, depth);
      return Optional.ofNullable(exact != null ? exact : first);
    }

    /** The culprit of the failed class, or null; records the first culprit of any class. */
    private Culprit visit(Object value, String path, int depth) {
      if (value == null || depth > MAX_DEPTH || !seen.add(value)) {
        return null;
      }
      Class<?> type = value.getClass();
      if (value instanceof String
          || value instanceof Enum<?>
          || value instanceof Class<?>
          || type.isPrimitive()
          || (type.isArray() && type.getComponentType().isPrimitive())) {
        return null;
      }
      if (isLambda(type)) {
        return visitLambda(value, path, depth);
      }
      if (!(value instanceof Serializable)) {
        return found(value, path, notSerializable(value));
      }
      if (type.isArray()) {
        for (int i = 0; i < Array.getLength(value); i++) {
          Culprit c = visit(Array.get(value, i), path + "[" + i + "]", depth + 1);
          if (c != null) {
            return c;
          }
        }
        return null;
      }
      if (value instanceof Externalizable) {
        return null;
      }
      if (value instanceof Map<?, ?> map && isJdk(type)) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          String at = path + "[" + e.getKey() + "]";
          Culprit c = visit(e.getKey(), at + " (its key)", depth + 1);
          if (c == null) {
            c = visit(e.getValue(), at, depth + 1);
          }
          if (c != null) {
            return c;
          }
        }
        return null;
      }
      if (value instanceof Collection<?> collection && isJdk(type)) {
        int i = 0;
        for (Object element : collection) {
          Culprit c = visit(element, path + "[" + i++ + "]", depth + 1);
          if (c != null) {
            return c;
          }
        }
        return null;
      }
      if (isJdk(type)) {
        return null;
      }
      Object replacement = invokeWriteReplace(value);
      if (replacement != null && replacement != value) {
        return visit(replacement, path, depth + 1);
      }
      return visitFields(value, path, depth);
    }

    private Culprit visitFields(Object value, String path, int depth) {
      for (Class<?> k = value.getClass();
          k != null && Serializable.class.isAssignableFrom(k);
          k = k.getSuperclass()) {
        for (Field field : k.getDeclaredFields()) {
          int modifiers = field.getModifiers();
          if (Modifier.isStatic(modifiers)
              || Modifier.isTransient(modifiers)
              || field.getType().isPrimitive()) {
            continue;
          }
          Object fieldValue;
          try {
            field.setAccessible(true);
            fieldValue = field.get(value);
          } catch (RuntimeException | IllegalAccessException e) {
            continue; // not ours to look into; Java serialization's own error stands
          }
          if (field.getName().startsWith("this$")
              && fieldValue != null
              && !(fieldValue instanceof Serializable)) {
            Culprit c =
                found(
                    fieldValue,
                    path,
                    "an inner (or anonymous) class "
                        + value.getClass().getName()
                        + " holding its enclosing instance, a "
                        + fieldValue.getClass().getName()
                        + ", which is not Serializable (declare it as a static nested class)");
            if (c != null) {
              return c;
            }
            continue;
          }
          Culprit c = visit(fieldValue, path + "." + field.getName(), depth + 1);
          if (c != null) {
            return c;
          }
        }
      }
      return null;
    }

    private Culprit visitLambda(Object lambda, String path, int depth) {
      Class<?> type = lambda.getClass();
      if (!(lambda instanceof Serializable)) {
        return found(
            lambda,
            path,
            "a lambda or method reference written in "
                + writtenIn(type)
                + " as a "
                + interfacesOf(type)
                + ", which is not Serializable (pass it where a serializable function type such as"
                + " dev.shardline.api.function.SerializableFunction is expected, so that Java"
                + " makes it serializable)");
      }
      if (!(invokeWriteReplace(lambda) instanceof SerializedLambda serialized)) {
        return null;
      }
      String capturing = serialized.getCapturingClass().replace('/', '.');
      for (int i = 0; i < serialized.getCapturedArgCount(); i++) {
        Object arg = serialized.getCapturedArg(i);
        if (arg != null && !(arg instanceof Serializable) && !isLambda(arg.getClass())) {
          String explanation =
              arg.getClass().getName().equals(capturing)
                  ? "a lambda or method reference written in "
                      + capturing
                      + " that uses this (an instance field or method of "
                      + capturing
                      + "), and the capturing class "
                      + capturing
                      + " is not Serializable"
                  : "a lambda or method reference written in "
                      + capturing
                      + " capturing a "
                      + arg.getClass().getName()
                      + ", which is not Serializable";
          Culprit c = found(arg, path, explanation);
          if (c != null) {
            return c;
          }
          continue;
        }
        Culprit c = visit(arg, path + "[captured " + (i + 1) + "]", depth + 1);
        if (c != null) {
          return c;
        }
      }
      return null;
    }

    /** {@code culprit} when its class is the one Java serialization named (or none was named). */
    private Culprit found(Object value, String path, String explanation) {
      Culprit culprit = new Culprit(path, explanation);
      if (first == null) {
        first = culprit;
      }
      return failedClass == null || failedClass.equals(value.getClass().getName()) ? culprit : null;
    }

    private static String notSerializable(Object value) {
      return "a " + value.getClass().getName() + ", which is not Serializable";
    }

    private static String interfacesOf(Class<?> lambda) {
      Class<?>[] interfaces = lambda.getInterfaces();
      return interfaces.length == 0 ? "function" : interfaces[0].getName();
    }

    private static boolean isJdk(Class<?> type) {
      String name = type.getName();
      return name.startsWith("java.")
          || name.startsWith("javax.")
          || name.startsWith("jdk.")
          || name.startsWith("sun.");
    }

    /** What the object's own {@code writeReplace} gives, or null when it has none we may call. */
    private static Object invokeWriteReplace(Object value) {
      for (Class<?> k = value.getClass(); k != null; k = k.getSuperclass()) {
        try {
          Method method = k.getDeclaredMethod("writeReplace");
          if (Modifier.isStatic(method.getModifiers())) {
            return null;
          }
          method.setAccessible(true);
          return method.invoke(value);
        } catch (NoSuchMethodException e) {
          // look in the superclass
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null;
        }
      }
      return null;
    }
  }
}
