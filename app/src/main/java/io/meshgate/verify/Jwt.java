package io.meshgate.verify;

import java.util.List;
import java.util.Map;

/**
 * The end-user token a request carries (what its signature was checked to say: a token whose
 * signature the issuer's JWKS does not verify is rejected like one of an unknown issuer).
 *
 * @param audiences the {@code aud} values
 * @param claims other claims, each a list of string values (as Istio matches {@code request.auth.claims})
 */
public record Jwt(String issuer, String subject, List<String> audiences, Map<String, List<String>> claims) {

  public Jwt {
    audiences = audiences == null ? List.of() : List.copyOf(audiences);
    claims = claims == null ? Map.of() : Map.copyOf(claims);
  }

  /** {@code <iss>/<sub>}: the request principal Istio derives from a valid token. */
  public String principal() {
    return issuer + "/" + subject;
  }

  @Override
  public String toString() {
    return "JWT iss=" + issuer + (audiences.isEmpty() ? "" : " aud=" + String.join(",", audiences))
        + (claims.isEmpty() ? "" : " " + claims);
  }
}
