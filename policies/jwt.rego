# End-user authentication: EndUserAuths make a service or an ingress require JWTs.
# How Istio does it: https://istio.io/latest/docs/reference/config/security/request_authentication/
package meshgate.jwt

import data.meshgate.lib

# MG-JWT-01 — an issuer or jwksUri that is not an https URL.
# Protects: authentication. Keys fetched over plain HTTP can be replaced on the way, and an issuer
# that is no https URL cannot be tied to the party that signs the tokens.
deny contains {"rule": "MG-JWT-01", "msg": msg, "kind": "EndUserAuth", "name": name, "field": field} if {
	some name, auth in input.endUserAuths
	some i, rule in object.get(auth.spec, "jwtRules", [])
	some key in ["issuer", "jwksUri"]
	value := rule[key]
	is_string(value)
	not startswith(value, "https://")
	field := sprintf("spec.jwtRules[%d].%s", [i, key])
	msg := sprintf("EndUserAuth %s has %s %q, which is not an https URL; use the issuer's https address", [name, key, value])
}

# MG-JWT-02 — a token requirement on a service where nothing can check it.
# Protects: availability. JWTs travel in HTTP requests, and only a sidecar validates them: a service
# without an HTTP port has nothing to check (its other ports are left out of the DENY rules), and a
# service without sidecar enforces nothing.
deny contains {"rule": "MG-JWT-02", "msg": msg, "kind": "EndUserAuth", "name": name, "field": "spec.target.service"} if {
	some name, auth in input.endUserAuths
	service := input.services[auth.spec.target.service]
	why := unenforceable(service)
	msg := sprintf("EndUserAuth %s protects %s, %s", [name, auth.spec.target.service, why])
}

unenforceable(service) := why if {
	count(lib.http_port_names(service)) == 0
	why := sprintf("which has no HTTP port (it speaks %v): there is no HTTP request to carry a token, and Istio's DENY rule would refuse every caller; protect it at an ingress or on an HTTP service", [concat(", ", {p.protocol | some p in lib.ports_of(service)})])
} else := "which has no sidecar: nothing validates tokens or enforces the policy; run it with the istio-proxy sidecar" if {
	lib.without_sidecar(service)
}
