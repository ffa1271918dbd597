package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentIndex;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The look-ups the renderer uses instead of scanning every client per service. */
class IntentIndexTest {

  private static List<String> names(List<? extends io.meshgate.intent.Intent> intents) {
    return intents.stream().map(io.meshgate.intent.Intent::name).toList();
  }

  @Test
  void clientsAreFoundByTargetAndByClusterInNameOrder() {
    IntentSet intents = TestIntents.seed();
    IntentIndex index = IntentIndex.of(intents);
    InboundService productpage = intents.services().get("productpage");
    assertEquals(List.of("bookinfo-user-to-productpage", "sleep-to-productpage"), names(index.clientsOf(productpage)));
    assertEquals(List.of("sleep-to-httpbin"), names(index.clientsIn("cluster01")));
    assertEquals(List.of("httpbin"), names(index.servicesIn("cluster02")));
    assertEquals(List.of("productpage"), names(index.servicesWithHost("productpage.default.global")));
    assertEquals(List.of(), names(index.clientsOf(new TestIntents.Service("nobody").build())));
    assertEquals(Map.of("cluster02", List.of("bookinfo-user-to-productpage", "sleep-to-productpage")),
        Map.of("cluster02", names(index.remoteClientsByCluster(productpage).get("cluster02"))));
  }

  @Test
  void remoteClientsLeaveOutTheHostingAndUnknownClusters() {
    IntentSet intents = Scenarios.twoClusters()
        .service(new TestIntents.Service("api").cluster("east"))
        .client(new TestIntents.Client("local").cluster("east").target("api"))
        .client(new TestIntents.Client("remote").cluster("west").target("api"))
        .client(new TestIntents.Client("lost").cluster("nowhere").target("api"))
        .client(new TestIntents.Client("dangling").cluster("west").target("missing"))
        .build();
    IntentIndex index = IntentIndex.of(intents);
    InboundService api = intents.services().get("api");
    assertEquals(List.of("west"), List.copyOf(index.remoteClientsByCluster(api).keySet()));
    assertEquals(List.of("remote"), names(index.remoteClientsByCluster(api).get("west")));
    assertEquals(List.of("local", "lost", "remote"), names(index.clientsOf(api)), "dangling targets another name");
    ServiceClient dangling = intents.clients().get("dangling");
    assertNull(index.targetOf(dangling));
    assertNull(index.clusterOf(intents.clients().get("lost")));
  }
}
