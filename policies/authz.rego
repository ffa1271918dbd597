# Request-level authorization (AuthorizationPolicy) on InboundServices.
package meshgate.authz

import data.meshgate.lib

# MG-AUTHZ-01 — principal-based `access` on a target that is not ISTIO_MUTUAL.
# Protects: authorization. `access` renders to source.principals, and a principal (SPIFFE id) is
# only proven by the peer certificate of Istio mTLS; without it the rule matches nobody (denying
# everything) or, worse, looks like protection that is not there.
deny contains {"rule": "MG-AUTHZ-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.access"} if {
	some name, client in input.clients
	access := object.get(client.spec, "access", null)
	is_array(access)
	count(access) > 0
	target := lib.target_of(client)
	mode := lib.tls_mode(target)
	mode != null
	mode != "ISTIO_MUTUAL"
	msg := sprintf("client %s restricts access by principal, but its target %s uses mutualTLS %v; principals are only proven under ISTIO_MUTUAL (make the target ISTIO_MUTUAL or drop spec.access)", [name, client.spec.target, mode])
}

# MG-AUTHZ-02 (warning) — allowedNamespaces renders to source.namespaces, which Istio also derives
# from the mTLS peer identity; on a target that is not ISTIO_MUTUAL it is not enforced by the mesh.
warn contains {"rule": "MG-AUTHZ-02", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.allowedNamespaces"} if {
	some name, service in input.services
	lib.configured(service.spec, "allowedNamespaces")
	mode := lib.tls_mode(service)
	mode != null
	mode != "ISTIO_MUTUAL"
	msg := sprintf("service %s limits allowedNamespaces but uses mutualTLS %v; Istio proves namespaces only under ISTIO_MUTUAL, so only meshgate's own check (MG-REF-01) applies", [name, mode])
}
