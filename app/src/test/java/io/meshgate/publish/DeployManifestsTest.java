package io.meshgate.publish;

import io.meshgate.Kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Builds deploy/ and deploy/opa-sidecar with {@code kubectl kustomize} and checks the result. */
class DeployManifestsTest {
  private static Path root;

  @BeforeAll
  static void locate() {
    root = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  }

  private static List<Map<String, Object>> kustomize(String dir) throws Exception {
    assumeTrue(Kubectl.available(), "kubectl not found on PATH: deploy/ kustomizations not built");
    Kubectl.Build build = Kubectl.kustomize(root.resolve(dir));
    assertEquals(0, build.exit(), "kubectl kustomize " + dir + " failed: " + build.stderr());
    return loadAll(build.stdout());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> loadAll(String yaml) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  private static Map<String, Object> find(List<Map<String, Object>> documents, String kind) {
    List<Map<String, Object>> matches =
        documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertEquals(1, matches.size(), "exactly one " + kind);
    return matches.get(0);
  }

  @SuppressWarnings("unchecked")
  private <T> T atOf(Object node, String... path) {
    return (T) at(node, path);
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (current instanceof List<?> list) {
        current = list.get(Integer.parseInt(key));
      } else {
        current = ((Map<String, Object>) current).get(key);
      }
      assertNotNull(current, "missing " + String.join(".", path) + " at " + key);
    }
    return (T) current;
  }

  private static Map<String, Object> container(Map<String, Object> deployment, String name) {
    List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
    return containers.stream().filter(c -> name.equals(c.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  @Test
  void baseDeploymentRunsServeAsNonRootWithProbesAndSecrets() throws Exception {
    List<Map<String, Object>> documents = kustomize("deploy");

    assertEquals(List.of("Deployment", "Namespace", "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding",
        "Service", "ServiceAccount"), documents.stream().map(d -> (String) d.get("kind")).sorted().toList());
    Map<String, Object> deployment = find(documents, "Deployment");
    Map<String, Object> meshgate = container(deployment, "meshgate");
    assertEquals("meshgate:latest", meshgate.get("image"));
    List<String> args = at(meshgate, "args");
    assertEquals("serve", args.get(0));
    assertTrue(args.stream().anyMatch(a -> a.startsWith("--source=")), args.toString());
    assertTrue(args.contains("--env-branch=env/main"), args.toString());
    assertEquals("/healthz", at(meshgate, "livenessProbe", "httpGet", "path"));
    assertEquals("/readyz", at(meshgate, "readinessProbe", "httpGet", "path"));
    assertEquals(Boolean.TRUE, at(meshgate, "securityContext", "readOnlyRootFilesystem"));
    assertEquals(Boolean.TRUE,
        at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
    assertNotNull(at(meshgate, "resources", "limits", "memory"));

    List<Map<String, Object>> env = at(meshgate, "env");
    Map<String, String> secretKeys = env.stream()
        .filter(e -> e.get("valueFrom") instanceof Map<?, ?> from && from.containsKey("secretKeyRef"))
        .collect(Collectors.toMap(e -> (String) e.get("name"),
            e -> (String) at(e, "valueFrom", "secretKeyRef", "name")));
    assertEquals(Map.of("MESHGATE_GIT_TOKEN", "meshgate-secrets",
        "MESHGATE_WEBHOOK_SECRET", "meshgate-secrets"), secretKeys);

    // Every writable path is an emptyDir volume; the API tokens come read-only from a Secret.
    List<Map<String, Object>> mounts = at(meshgate, "volumeMounts");
    List<Map<String, Object>> volumes = at(deployment, "spec", "template", "spec", "volumes");
    for (Map<String, Object> mount : mounts) {
      Map<String, Object> volume = volumes.stream()
          .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
      boolean readOnly = Boolean.TRUE.equals(mount.get("readOnly"));
      assertTrue(readOnly ? volume.containsKey("secret") : volume.containsKey("emptyDir"), volume.toString());
    }
    String tokenFile = args.stream().filter(a -> a.startsWith("--api-token-file=")).findFirst()
        .orElseThrow(() -> new AssertionError("no --api-token-file: " + args)).substring("--api-token-file=".length());
    assertTrue(mounts.stream().anyMatch(m -> Boolean.TRUE.equals(m.get("readOnly"))
        && tokenFile.startsWith(m.get("mountPath") + "/")), "the token file is on the Secret volume");
    assertTrue(args.contains("--work-dir=" + mounts.get(0).get("mountPath")), args.toString());

    Map<String, Object> service = find(documents, "Service");
    assertEquals(8080, (int) at(service, "spec", "ports", "0", "port"));
    Map<String, Object> selector = at(service, "spec", "selector");
    Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
    assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "Service selects the pod");
    for (Map<String, Object> document : documents) {
      if (!"Namespace".equals(document.get("kind"))) {
        assertEquals("meshgate", at(document, "metadata", "namespace"));
      }
    }
  }

  /**
   * Finding 13: deploy/ had no NetworkPolicy. It admits HTTP on the service port only from labelled
   * client namespaces, and lets meshgate reach only DNS, Git and the API server (its Lease).
   */
  @Test
  void aNetworkPolicyLimitsTrafficAndSeveralReplicasElectALeaderOnALease() throws Exception {
    List<Map<String, Object>> documents = kustomize("deploy");
    Map<String, Object> deployment = find(documents, "Deployment");
    Map<String, Object> policy = find(documents, "NetworkPolicy");
    Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
    Map<String, Object> selected = at(policy, "spec", "podSelector", "matchLabels");
    assertTrue(podLabels.entrySet().containsAll(selected.entrySet()), "the policy selects meshgate's pods");
    assertEquals(List.of("Ingress", "Egress"), at(policy, "spec", "policyTypes"));
    List<Map<String, Object>> ingress = at(policy, "spec", "ingress");
    assertEquals(1, ingress.size());
    assertEquals(8080, (int) at(ingress.get(0), "ports", "0", "port"));
    assertEquals("true", at(ingress.get(0), "from", "0", "namespaceSelector", "matchLabels", "meshgate.io/client"));
    List<Integer> egressPorts = new ArrayList<>();
    for (Map<String, Object> rule : this.<List<Map<String, Object>>>atOf(policy, "spec", "egress")) {
      for (Map<String, Object> port : this.<List<Map<String, Object>>>atOf(rule, "ports")) {
        egressPorts.add((Integer) port.get("port"));
      }
    }
    assertEquals(List.of(22, 53, 53, 443, 6443), egressPorts.stream().sorted().toList());

    Map<String, Object> meshgate = container(deployment, "meshgate");
    List<String> args = at(meshgate, "args");
    assertTrue(args.contains("--leader-election=kubernetes"), args.toString());
    assertTrue((int) at(deployment, "spec", "replicas") >= 2);
    List<Map<String, Object>> env = at(meshgate, "env");
    assertTrue(env.stream().anyMatch(e -> "POD_NAME".equals(e.get("name"))
        && "metadata.name".equals(at(e, "valueFrom", "fieldRef", "fieldPath"))), env.toString());
    Map<String, Object> role = find(documents, "Role");
    assertEquals(List.of("coordination.k8s.io"), at(role, "rules", "0", "apiGroups"));
    assertEquals(List.of("leases"), at(role, "rules", "0", "resources"));
    Map<String, Object> binding = find(documents, "RoleBinding");
    assertEquals("meshgate", at(binding, "subjects", "0", "name"));
    assertEquals(Boolean.TRUE, at(deployment, "spec", "template", "spec", "automountServiceAccountToken"));
  }

  @Test
  void opaOverlayAddsTheSidecarAndSwitchesTheEngine() throws Exception {
    List<Map<String, Object>> documents = kustomize("deploy/opa-sidecar");

    Map<String, Object> deployment = find(documents, "Deployment");
    Map<String, Object> opa = container(deployment, "opa");
    assertTrue(((String) opa.get("image")).startsWith("openpolicyagent/opa:1."), opa.toString());
    List<String> opaArgs = at(opa, "args");
    assertEquals(List.of("run", "--server", "--addr=localhost:8181"), opaArgs.subList(0, 3));
    List<String> args = at(container(deployment, "meshgate"), "args");
    assertTrue(args.contains("--policy-engine=opa"), args.toString());
    assertTrue(args.contains("--opa-url=http://localhost:8181"), args.toString());
    assertTrue(args.contains("--env-branch=env/main"), args.toString());
    assertEquals(Boolean.TRUE, at(opa, "securityContext", "readOnlyRootFilesystem"));
  }

  @Test
  void gitOpsControllersFollowTheEnvironmentBranchPerCluster() throws Exception {
    List<Map<String, Object>> flux =
        loadAll(Files.readString(root.resolve("deploy/gitops/flux-kustomization.yaml")));
    Map<String, Object> repository = find(flux, "GitRepository");
    Map<String, Object> kustomization = find(flux, "Kustomization");
    assertEquals("env/main", at(repository, "spec", "ref", "branch"));
    assertEquals("./clusters/cluster01", at(kustomization, "spec", "path"));
    String repositoryName = at(repository, "metadata", "name");
    assertEquals(repositoryName, at(kustomization, "spec", "sourceRef", "name"));

    List<Map<String, Object>> argo =
        loadAll(Files.readString(root.resolve("deploy/gitops/argocd-application.yaml")));
    Map<String, Object> application = find(argo, "Application");
    assertEquals("env/main", at(application, "spec", "source", "targetRevision"));
    assertEquals("clusters/cluster01", at(application, "spec", "source", "path"));
    String repositoryUrl = at(repository, "spec", "url");
    assertEquals(repositoryUrl, at(application, "spec", "source", "repoURL"));
  }
}
