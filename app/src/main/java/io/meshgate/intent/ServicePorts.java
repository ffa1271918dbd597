package io.meshgate.intent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises an InboundService's ports in the document itself, so policies and the typed model see
 * one shape: {@code spec.ports} is always there, each entry with {@code number}, {@code name},
 * {@code protocol} and {@code targetPort}. The shorthand ({@code port} + {@code protocol}) stays as
 * written and gains the one-entry list. Port numbers and names must be unique within the service.
 */
final class ServicePorts {
  private ServicePorts() {}

  /** A problem at a field path of the document. */
  record Problem(String path, String message) {}

  /** Fills {@code spec.ports} in place; returns duplicate numbers or names (first one wins). */
  @SuppressWarnings("unchecked")
  static List<Problem> normalize(Map<String, Object> spec) {
    List<Problem> problems = new ArrayList<>();
    Object given = spec.get("ports");
    if (given == null && spec.get("port") instanceof Number number && spec.get("protocol") instanceof String protocol
        && isProtocol(protocol)) {
      List<Object> ports = new ArrayList<>();
      ports.add(entry(number.longValue(), null, protocol, null));
      spec.put("ports", ports);
      return problems;
    }
    if (!(given instanceof List<?> list)) {
      return problems;
    }
    Map<Long, Integer> numbers = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> raw) || !(raw.get("number") instanceof Number number)
          || !(raw.get("protocol") instanceof String protocol) || !isProtocol(protocol)) {
        continue; // the schema reports what is wrong with it
      }
      Map<String, Object> port = (Map<String, Object>) raw;
      long n = number.longValue();
      port.putIfAbsent("name", InboundService.Port.defaultName(Protocol.valueOf(protocol), (int) n));
      port.putIfAbsent("targetPort", n);
      String at = "spec.ports[" + i + "]";
      Integer first = numbers.putIfAbsent(n, i);
      if (first != null) {
        problems.add(new Problem(at + ".number", "port " + n + " is listed twice in spec.ports (first at spec.ports["
            + first + "]); list each port once"));
      }
      if (port.get("name") instanceof String name) {
        Integer firstName = names.putIfAbsent(name, i);
        if (firstName != null) {
          problems.add(new Problem(at + (raw.containsKey("name") ? ".name" : ""), "port name \"" + name
              + "\" is used twice in spec.ports (first at spec.ports[" + firstName + "]); give each port its own name"));
        }
      }
    }
    return problems;
  }

  private static Map<String, Object> entry(long number, String name, String protocol, Long targetPort) {
    Map<String, Object> port = new LinkedHashMap<>();
    port.put("number", number);
    port.put("name", name != null ? name : InboundService.Port.defaultName(Protocol.valueOf(protocol), (int) number));
    port.put("protocol", protocol);
    port.put("targetPort", targetPort != null ? targetPort : number);
    return port;
  }

  private static boolean isProtocol(String text) {
    for (Protocol p : Protocol.values()) {
      if (p.name().equals(text)) {
        return true;
      }
    }
    return false;
  }
}
