package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.function.SerializableFunction;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SerializabilityTest {

  /** A definition with one function, as a sink holds its key function. */
  static final class Definition implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String topic = "orders";
    private final Object keySelector;

    Definition(Object keySelector) {
      this.keySelector = keySelector;
    }
  }

  /** A user's job class, not Serializable, whose lambdas may capture {@code this}. */
  static final class Job {
    private final String prefix = "key-";

    SerializableFunction<String, String> keyFromAField() {
      return value -> prefix + value;
    }
  }

  /** An inner (not static) class of the test: it holds the test instance. */
  final class InnerKey implements SerializableFunction<String, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(String value) {
      return value;
    }
  }

  @Test
  void aSerializableDefinitionIsReturnedAsItIs() {
    String local = "key-";
    Definition definition = new Definition((SerializableFunction<String, String>) v -> local + v);

    assertThat(Serializability.requireSerializable(definition, "sink orders")).isSameAs(definition);
  }

  @Test
  void aLambdaOfAPlainFunctionTypeIsRefusedNamingItsFieldAndTheSerializableType() {
    Function<String, String> plain = String::trim;

    assertThatThrownBy(
            () -> Serializability.requireSerializable(new Definition(plain), "sink orders"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sink orders cannot be serialized")
        .hasMessageContaining("Definition.keySelector is a lambda or method reference written in")
        .hasMessageContaining(SerializabilityTest.class.getName())
        .hasMessageContaining("as a java.util.function.Function, which is not Serializable")
        .hasMessageContaining("dev.shardline.api.function.SerializableFunction")
        .hasMessageContaining("static nested class implementing Serializable")
        .hasCauseInstanceOf(NotSerializableException.class);
  }

  @Test
  void aLambdaUsingThisOfANonSerializableClassIsRefusedNamingTheCapturingClass() {
    SerializableFunction<String, String> key = new Job().keyFromAField();

    assertThatThrownBy(() -> Serializability.requireSerializable(new Definition(key)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Definition cannot be serialized")
        .hasMessageContaining(
            "Definition.keySelector is a lambda or method reference written in "
                + Job.class.getName()
                + " that uses this")
        .hasMessageContaining("the capturing class " + Job.class.getName() + " is not Serializable")
        .hasMessageContaining("a lambda that captures only serializable values");
  }

  @Test
  void aLambdaCapturingAStreamIsRefusedNamingWhatItCaptured() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream());
    SerializableFunction<String, String> key =
        value -> {
          out.println(value);
          return value;
        };

    assertThatThrownBy(() -> Serializability.requireSerializable(new Definition(key), "sink s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Definition.keySelector is a lambda or method reference written in "
                + SerializabilityTest.class.getName()
                + " capturing a java.io.PrintStream, which is not Serializable");
  }

  @Test
  void anInnerClassHoldingItsEnclosingInstanceIsRefusedWithTheStaticNestedFix() {
    assertThatThrownBy(
            () -> Serializability.requireSerializable(new Definition(new InnerKey()), "sink s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Definition.keySelector is an inner (or anonymous) class "
                + InnerKey.class.getName()
                + " holding its enclosing instance, a "
                + SerializabilityTest.class.getName())
        .hasMessageContaining("declare it as a static nested class");
  }

  @Test
  void somethingDeepInACollectionIsNamedByItsPath() {
    Definition definition =
        new Definition(List.of("a", new Definition(Map.of("client", new Object()))));

    assertThatThrownBy(() -> Serializability.requireSerializable(definition, "source s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Definition.keySelector[1].keySelector[client] is a java.lang.Object, which is not"
                + " Serializable");
  }
}
