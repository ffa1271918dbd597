package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntentLoaderSeedTest {
  private final LoadResult seed = IntentLoader.load(TestRepos.seedIntents());

  @Test
  void seedLoadsCleanWithEveryIntentTyped() {
    assertEquals(List.of(), seed.violations());
    assertFalse(seed.hasErrors());
    IntentSet intents = seed.intents();
    assertEquals(List.of("cluster01", "cluster02"), List.copyOf(intents.clusters().keySet()));
    assertEquals(List.of("httpbin", "productpage"), List.copyOf(intents.services().keySet()));
    assertEquals(List.of("bookinfo-user-to-productpage", "sleep-to-httpbin", "sleep-to-productpage"),
        List.copyOf(intents.clients().keySet()));
    assertEquals(7, seed.documents().size());
    assertTrue(seed.documents().stream().allMatch(IntentDocument::valid));
    assertEquals(List.of("intents/clients/productpage-clients.yaml", "intents/clients/sleep-to-httpbin.yaml",
        "intents/clusters/clusters.yaml", "intents/services/httpbin.yaml", "intents/services/productpage.yaml"),
        seed.files());
  }

  @Test
  void sourcesPointAtEachDocumentStartIncludingTheSecondDocumentOfAFile() {
    IntentSet intents = seed.intents();
    assertEquals(new SourceLocation("intents/clusters/clusters.yaml", 1, 1),
        intents.sourceOf(intents.clusters().get("cluster01")));
    assertEquals(new SourceLocation("intents/clusters/clusters.yaml", 14, 1),
        intents.sourceOf(intents.clusters().get("cluster02")));
    // The first line of this file is a comment.
    assertEquals(new SourceLocation("intents/clients/productpage-clients.yaml", 2, 1),
        intents.sourceOf(intents.clients().get("sleep-to-productpage")));
  }

  @Test
  void defaultsAreFilledInBothInContentAndInTypedRecords() {
    ServiceClient sleep = seed.intents().clients().get("sleep-to-httpbin");
    assertEquals("sleep", sleep.spec().serviceAccount());
    assertEquals(TlsMode.ISTIO_MUTUAL, sleep.spec().mutualTLS(), "defaults to the target's mode");
    assertTrue(sleep.spec().sidecar());
    assertFalse(sleep.spec().headless());
    Cluster cluster01 = seed.intents().clusters().get("cluster01");
    assertEquals("v1", cluster01.spec().istioApiVersion());
    IntentDocument document = seed.documents().stream()
        .filter(d -> d.kind() == Kind.ServiceClient && d.name().equals("sleep-to-httpbin")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) document.content().get("spec");
    assertEquals("ISTIO_MUTUAL", spec.get("mutualTLS"));
    assertEquals(Boolean.TRUE, spec.get("sidecar"));
    assertEquals("sleep", spec.get("serviceAccount"));
    InboundService httpbin = seed.intents().services().get("httpbin");
    assertNull(httpbin.spec().loadBalancing(), "absent blocks stay absent");
  }

  @Test
  void locateMapsKindNameAndFieldToFileLineColumn() {
    // "  mutualTLS: ISTIO_MUTUAL" is line 16 of httpbin.yaml; the value starts at column 14.
    assertEquals(new SourceLocation("intents/services/httpbin.yaml", 16, 14),
        seed.locate(Kind.InboundService, "httpbin", "spec.mutualTLS"));
    // access[1].paths is a list: its key's location.
    assertEquals(new SourceLocation("intents/clients/sleep-to-httpbin.yaml", 15, 7),
        seed.locate(Kind.ServiceClient, "sleep-to-httpbin", "spec.access[1].paths"));
    assertEquals(new SourceLocation("intents/clients/sleep-to-httpbin.yaml", 15, 15),
        seed.locate(Kind.ServiceClient, "sleep-to-httpbin", "spec.access[1].paths[0]"));
    // Absent field: the deepest node that exists (spec's key), absent document: null.
    assertEquals(new SourceLocation("intents/clients/sleep-to-httpbin.yaml", 5, 1),
        seed.locate(Kind.ServiceClient, "sleep-to-httpbin", "spec.tls.credentialName"));
    assertEquals(new SourceLocation("intents/clients/sleep-to-httpbin.yaml", 1, 1),
        seed.locate(Kind.ServiceClient, "sleep-to-httpbin", "nosuch"));
    assertNull(seed.locate(Kind.ServiceClient, "nobody", "spec"));
  }
}
