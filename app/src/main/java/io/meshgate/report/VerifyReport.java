package io.meshgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.verify.HopResult;
import io.meshgate.verify.ObjectRef;
import io.meshgate.verify.Request;
import io.meshgate.verify.Trace;
import io.meshgate.verify.Verifier;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code verify} and {@code explain} print their answers, as text or JSON (docs/verify.md
 * describes both shapes).
 */
public final class VerifyReport {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private VerifyReport() {}

  // ---- verify ----------------------------------------------------------------------------------

  /** One line per failing check ({@code file:line: edge NAME: request: reason [object]}), warnings, a summary. */
  public static String text(Verifier.Result result) {
    StringBuilder out = new StringBuilder();
    for (Verifier.Check check : result.edges()) {
      if (!check.ok()) {
        out.append(line(check)).append('\n');
      }
    }
    for (Verifier.Check check : result.probes()) {
      if (!check.ok()) {
        out.append(line(check)).append('\n');
      }
    }
    for (String warning : result.warnings()) {
      out.append("warning: ").append(warning).append('\n');
    }
    return out.append(summary(result)).append('\n').toString();
  }

  public static String summary(Verifier.Result result) {
    if (result.ok()) {
      return "verify: ok: " + Report.plural(result.edges().size(), "declared edge") + " allowed, "
          + Report.plural(result.probes().size(), "probe") + " denied";
    }
    return "verify: FAILED: " + result.failedEdges() + " of " + Report.plural(result.edges().size(), "declared edge")
        + " cannot reach " + (result.failedEdges() == 1 ? "its" : "their") + " service, " + result.allowedProbes() + " of " + Report.plural(result.probes().size(), "probe")
        + " allowed that the intents deny";
  }

  /** The failure of one check on one line, naming the edge (or probe), the request, the hop and the deciding object. */
  public static String line(Verifier.Check check) {
    StringBuilder s = new StringBuilder();
    if (check.source() != null) {
      s.append(check.source().file()).append(':').append(check.source().line()).append(": ");
    }
    s.append(check.isEdge() ? "edge " : "probe ");
    if (check.kind() != io.meshgate.intent.Kind.ServiceClient) {
      s.append(check.kind()).append(' '); // the mesh edge: IngressRoute, ExternalService, EndUserAuth
    }
    s.append(check.client()).append(" -> ").append(check.service());
    if (!check.isEdge()) {
      s.append(" (").append(check.probe()).append(')');
    } else if (check.scenario() != null) {
      s.append(" (").append(check.scenario()).append(')');
    }
    s.append(": ").append(check.trace().request().describe()).append(": ").append(check.problem());
    ObjectRef object = decidingObject(check);
    if (object != null) {
      s.append(" [").append(object).append(']');
    }
    return s.toString().replace('\n', ' ');
  }

  private static ObjectRef decidingObject(Verifier.Check check) {
    HopResult failure = check.trace().failure();
    if (failure != null) {
      return failure.object();
    }
    HopResult last = check.trace().last();
    return last == null ? null : last.object();
  }

  public static String json(Verifier.Result result) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("ok", result.ok());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("edges", result.edges().size());
    summary.put("edgesFailed", result.failedEdges());
    summary.put("probes", result.probes().size());
    summary.put("probesAllowed", result.allowedProbes());
    root.put("summary", summary);
    root.put("edges", result.edges().stream().map(VerifyReport::checkJson).toList());
    root.put("probes", result.probes().stream().map(VerifyReport::checkJson).toList());
    root.put("warnings", result.warnings());
    return write(root);
  }

  private static Map<String, Object> checkJson(Verifier.Check check) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("client", check.client());
    m.put("kind", check.kind().name());
    m.put("service", check.service());
    if (!check.isEdge()) {
      m.put("probe", check.probe());
    } else if (check.scenario() != null) {
      m.put("scenario", check.scenario());
    }
    m.put("file", check.source() == null ? null : check.source().file());
    m.put("line", check.source() == null ? 0 : check.source().line());
    m.put("request", requestJson(check.trace().request()));
    m.put("expected", check.expectAllowed() ? "allowed" : "denied");
    m.put("result", check.trace().allowed() ? "allowed" : "denied");
    m.put("ok", check.ok());
    HopResult failure = check.trace().failure();
    m.put("hop", failure == null ? null : failure.hop().id());
    m.put("reason", failure != null ? failure.detail() : check.ok() ? null : check.problem());
    ObjectRef object = decidingObject(check);
    m.put("object", object == null ? null : objectJson(object));
    m.put("reached", check.trace().reached());
    return m;
  }

  // ---- explain ---------------------------------------------------------------------------------

  public static String explainText(Trace trace) {
    StringBuilder out = new StringBuilder("request: ").append(trace.request().describe()).append('\n');
    int width = 0;
    for (HopResult hop : trace.hops()) {
      width = Math.max(width, hop.hop().id().length());
    }
    int n = 1;
    for (HopResult hop : trace.hops()) {
      out.append(String.format("%3d %-" + width + "s  %-4s  %s", n++, hop.hop().id(),
          hop.outcome().name().toLowerCase(java.util.Locale.ROOT), hop.detail().replace('\n', ' ')));
      if (hop.object() != null) {
        out.append("  [").append(hop.object()).append(']');
      }
      out.append('\n');
    }
    if (trace.allowed()) {
      out.append("result: ALLOWED, reaches ").append(trace.reached())
          .append(trace.version() == null ? "" : " (version " + trace.version() + ")");
      if (trace.spread().size() > 1) {
        out.append("; the requests are shared by ").append(String.join(", ", trace.spread()));
      }
      out.append('\n');
    } else {
      HopResult failure = trace.failure();
      out.append("result: DENIED at ").append(failure == null ? "?" : failure.hop().id()).append('\n');
    }
    return out.toString();
  }

  public static String explainJson(Trace trace) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("allowed", trace.allowed());
    root.put("request", requestJson(trace.request()));
    root.put("reached", trace.reached());
    root.put("version", trace.version());
    root.put("spread", trace.spread());
    List<Map<String, Object>> hops = new ArrayList<>();
    for (HopResult hop : trace.hops()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("hop", hop.hop().id());
      h.put("result", hop.outcome().name().toLowerCase(java.util.Locale.ROOT));
      h.put("detail", hop.detail());
      h.put("object", hop.object() == null ? null : objectJson(hop.object()));
      hops.add(h);
    }
    root.put("hops", hops);
    return write(root);
  }

  static Map<String, Object> requestJson(Request request) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", request.from().cluster() + "/" + request.from().namespace() + "/" + request.from().serviceAccount());
    m.put("sidecar", request.from().sidecar());
    m.put("host", request.host());
    m.put("port", request.port());
    m.put("method", request.method());
    m.put("path", request.path());
    if (!request.headers().isEmpty()) {
      m.put("headers", request.headers());
    }
    return m;
  }

  static Map<String, Object> objectJson(ObjectRef ref) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", ref.cluster());
    m.put("namespace", ref.namespace());
    m.put("kind", ref.kind());
    m.put("name", ref.name());
    return m;
  }

  private static String write(Object root) {
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
