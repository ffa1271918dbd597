package io.meshgate.intent;

import java.util.List;

/**
 * End-user (JWT) authentication for a service or for an ingress: a RequestAuthentication that
 * validates tokens, and a DENY AuthorizationPolicy that refuses every request without a valid token
 * of the listed issuers (and, with {@code claims}, without those claims). Defaults are filled in by
 * the loader.
 * https://istio.io/latest/docs/reference/config/security/request_authentication/
 * https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#end-user-authentication
 */
public record EndUserAuth(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param target what validates the tokens
   * @param jwtRules the accepted issuers (RequestAuthentication jwtRules)
   * @param claims every request must carry each of these claims with one of its values, or null
   * @param publicPaths paths served without a token (e.g. a health check), or null
   * @param paths only requests to these paths need a token (AuthorizationPolicy {@code to.operation.paths}), or
   *     null for every path
   */
  public record Spec(Target target, List<JwtRule> jwtRules, List<Claim> claims, List<String> publicPaths,
      List<String> paths) {

    public Spec {
      jwtRules = jwtRules == null ? List.of() : List.copyOf(jwtRules);
    }
  }

  /**
   * Exactly one is set.
   *
   * @param service metadata.name of an InboundService: its pods validate the tokens
   * @param ingress metadata.name of an IngressRoute: its cluster's ingress gateway validates them, for its hosts
   */
  public record Target(String service, String ingress) {}

  /** One accepted issuer, as RequestAuthentication's JWTRule. */
  public record JwtRule(String issuer, String jwksUri, List<String> audiences, Boolean forwardOriginalToken,
      List<Header> fromHeaders, List<String> fromParams) {}

  public record Header(String name, String prefix) {}

  /** @param name a claim name ({@code groups}; nested claims as {@code a.b}) */
  public record Claim(String name, List<String> values) {}

  @Override
  public Kind kind() {
    return Kind.EndUserAuth;
  }
}
