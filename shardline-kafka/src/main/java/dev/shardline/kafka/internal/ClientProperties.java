package dev.shardline.kafka.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Builds the property maps of the Kafka clients a connector creates from the user's pass-through
 * {@code properties} and the values the connector owns. Stateless.
 */
public final class ClientProperties {
  private ClientProperties() {}

  /**
   * The user's properties, then {@code owned} on top (owned keys are refused in the options, so
   * nothing the user set is overridden silently), then {@code defaults} where neither set a value.
   */
  public static Map<String, Object> merge(
      Map<String, String> user, Map<String, Object> owned, Map<String, Object> defaults) {
    Map<String, Object> props = new HashMap<>(defaults);
    props.putAll(user);
    props.putAll(owned);
    return props;
  }

  /**
   * The properties an admin client understands (security settings, timeouts), so that consumer or
   * producer properties do not make it warn about unknown configurations.
   */
  public static Map<String, Object> forAdmin(Map<String, String> user, String bootstrapServers) {
    Set<String> known = AdminClientConfig.configNames();
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, String> e : user.entrySet()) {
      if (known.contains(e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.remove(AdminClientConfig.CLIENT_ID_CONFIG);
    return props;
  }
}
