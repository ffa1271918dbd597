package io.meshgate.render;

import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Condition;
import io.fabric8.istio.api.api.security.v1beta1.JWTHeader;
import io.fabric8.istio.api.api.security.v1beta1.JWTRule;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.RequestAuthentication;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.EndUserAuth;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IngressRoute;
import io.meshgate.intent.IntentIndex;
import io.meshgate.render.IstioResources.ApiVersions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An EndUserAuth, where its target's pods are: for a service, in the hosting cluster and the
 * service's namespace, selecting its pods; for an ingress, in the ingress gateway's cluster and
 * namespace, selecting the gateway's pods and matching the IngressRoute's hosts only.
 *
 * <ul>
 *   <li>{@code RequestAuthentication meshgate-jwt-<name>} with the jwtRules: a request with an invalid
 *       token (bad signature, unknown issuer, wrong audience) is rejected; a request without a token
 *       is accepted, without a request principal.
 *       https://istio.io/latest/docs/reference/config/security/request_authentication/
 *   <li>{@code AuthorizationPolicy meshgate-jwt-<name>}, action DENY: one rule for requests whose
 *       request principal ({@code <iss>/<sub>}) is not from an accepted issuer, which includes every
 *       request without a token ({@code notRequestPrincipals}); one rule per required claim
 *       ({@code when: request.auth.claims[...] notValues}). DENY is evaluated before ALLOW, so the
 *       service's own ALLOW policy cannot let a request without a token through.
 *       https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
 *       https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#require-a-valid-token
 * </ul>
 */
final class EndUserAuthRenderer {
  private EndUserAuthRenderer() {}

  static String objectName(EndUserAuth auth) {
    return EdgeRenderer.JWT + auth.name();
  }

  static void render(IntentIndex index, List<EdgeRenderer.Placed> out) {
    for (EndUserAuth auth : index.intents().endUserAuths().values()) {
      Target target = target(index, auth);
      if (target == null) {
        continue; // MG-REF-01
      }
      String file = index.intents().sourceOf(auth).file();
      ApiVersions versions = ApiVersions.of(target.cluster);
      String name = objectName(auth);

      RequestAuthentication ra = new RequestAuthentication();
      ra.setSelector(new WorkloadSelector(new TreeMap<>(target.selector)));
      List<JWTRule> rules = new ArrayList<>();
      for (EndUserAuth.JwtRule rule : auth.spec().jwtRules()) {
        JWTRule jwt = new JWTRule();
        jwt.setIssuer(rule.issuer());
        jwt.setJwksUri(rule.jwksUri());
        jwt.setAudiences(rule.audiences());
        jwt.setForwardOriginalToken(rule.forwardOriginalToken());
        jwt.setFromParams(rule.fromParams());
        if (rule.fromHeaders() != null) {
          List<JWTHeader> headers = new ArrayList<>();
          rule.fromHeaders().forEach(h -> headers.add(new JWTHeader(h.name(), h.prefix())));
          jwt.setFromHeaders(headers);
        }
        rules.add(jwt);
      }
      ra.setJwtRules(rules);
      out.add(new EdgeRenderer.Placed(target.cluster.name(),
          IstioResources.requestAuthentication(versions, Renderer.meta(name, target.namespace, file), ra)));

      AuthorizationPolicy ap = new AuthorizationPolicy();
      ap.setSelector(new WorkloadSelector(new TreeMap<>(target.selector)));
      ap.setAction(AuthorizationPolicyAction.DENY);
      ap.setRules(denyRules(auth, target.hosts, target.httpPorts));
      out.add(new EdgeRenderer.Placed(target.cluster.name(),
          IstioResources.authorizationPolicy(versions, Renderer.meta(name, target.namespace, file), ap)));
    }
  }

  /**
   * Where the tokens are validated: the pods, their namespace and cluster, for an ingress the hosts,
   * and for a service that also has opaque ports (TCP, TLS, HTTPS) its HTTP ports: a DENY rule's
   * HTTP-only fields are ignored on TCP traffic, so without a port restriction it would refuse every
   * connection to the opaque ports. https://istio.io/latest/docs/reference/config/security/authorization-policy/
   */
  private record Target(Cluster cluster, String namespace, Map<String, String> selector, List<String> hosts,
      List<String> httpPorts) {}

  private static Target target(IntentIndex index, EndUserAuth auth) {
    EndUserAuth.Target target = auth.spec().target();
    if (target.service() != null) {
      InboundService service = index.intents().services().get(target.service());
      Cluster host = service == null ? null : index.hostOf(service);
      if (host == null) {
        return null;
      }
      List<String> httpPorts = null;
      if (service.spec().ports().stream().anyMatch(p -> !p.protocol().isHttp())) {
        httpPorts = service.spec().ports().stream().filter(p -> p.protocol().isHttp())
            .map(p -> String.valueOf(p.workloadPort())).distinct().toList();
      }
      return new Target(host, service.spec().namespace(), service.spec().selector(), null, httpPorts);
    }
    IngressRoute route = index.intents().ingressRoutes().get(target.ingress());
    Cluster cluster = route == null ? null : index.cluster(route.spec().cluster());
    if (cluster == null) {
      return null;
    }
    Cluster.IngressGateway gw = cluster.spec().ingressGateway();
    return new Target(cluster, gw.namespace(), gw.selector(), route.spec().hosts(), null);
  }

  /**
   * No valid token of an accepted issuer, or a required claim missing: denied. On an ingress the
   * rules match the IngressRoute's hosts only (with or without a port in the Host header), so other
   * hosts of the same gateway are not affected. {@code publicPaths} are left out of every rule; with
   * {@code paths}, the rules match those paths only (Istio's "require JWT on a path" pattern:
   * https://istio.io/latest/docs/tasks/security/authorization/authz-jwt/).
   */
  private static List<Rule> denyRules(EndUserAuth auth, List<String> hosts, List<String> httpPorts) {
    List<RuleTo> to = null;
    List<String> publicPaths = auth.spec().publicPaths();
    List<String> paths = auth.spec().paths();
    if (hosts != null || publicPaths != null || httpPorts != null || paths != null) {
      Operation operation = new Operation();
      operation.setPorts(httpPorts);
      if (hosts != null) {
        List<String> withPorts = new ArrayList<>();
        hosts.forEach(h -> {
          withPorts.add(h);
          withPorts.add(h + ":*");
        });
        operation.setHosts(withPorts);
      }
      operation.setPaths(paths);
      operation.setNotPaths(publicPaths);
      to = List.of(new RuleTo(operation));
    }
    List<Rule> rules = new ArrayList<>();
    Source source = new Source();
    List<String> issuers = new ArrayList<>();
    auth.spec().jwtRules().forEach(r -> issuers.add(r.issuer() + "/*"));
    source.setNotRequestPrincipals(issuers);
    Rule noToken = new Rule();
    noToken.setFrom(List.of(new RuleFrom(source)));
    noToken.setTo(to);
    rules.add(noToken);
    if (auth.spec().claims() != null) {
      for (EndUserAuth.Claim claim : auth.spec().claims()) {
        Condition condition = new Condition();
        condition.setKey(claimKey(claim.name()));
        condition.setNotValues(claim.values());
        Rule missing = new Rule();
        missing.setTo(to);
        missing.setWhen(List.of(condition));
        rules.add(missing);
      }
    }
    return rules;
  }

  /** {@code groups} → {@code request.auth.claims[groups]}; a nested {@code a.b} → {@code request.auth.claims[a][b]}. */
  static String claimKey(String name) {
    return "request.auth.claims[" + String.join("][", name.split("\\.")) + "]";
  }
}
