# References between intents.
package meshgate.references

import data.meshgate.lib

# MG-REF-01 — a reference to an unknown InboundService or Cluster.
# Protects: completeness. A dangling reference renders nothing (or half a connection) and would
# otherwise pass unnoticed until traffic fails.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.target"} if {
	some name, client in input.clients
	lib.configured(client.spec, "target")
	not input.services[client.spec.target]
	msg := sprintf("client %s targets InboundService %v, which does not exist", [name, client.spec.target])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": kind, "name": name, "field": "spec.cluster"} if {
	some collection in ["services", "clients"]
	kind := lib.kind_of_collection[collection]
	some name, intent in input[collection]
	lib.configured(intent.spec, "cluster")
	not input.clusters[intent.spec.cluster]
	msg := sprintf("%s %s runs in cluster %v, which no Cluster intent declares", [kind, name, intent.spec.cluster])
}

# MG-REF-01 — a client namespace outside the target's allowedNamespaces (when that list is set).
# Protects: authorization. The service owner decides which namespaces may call it; a client
# outside them would be rendered but rejected by the AuthorizationPolicy.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.namespace"} if {
	some name, client in input.clients
	target := lib.target_of(client)
	lib.configured(target.spec, "allowedNamespaces")
	namespace := object.get(client.spec, "namespace", "default")
	not namespace in target.spec.allowedNamespaces
	msg := sprintf("client %s runs in namespace %v, which %s does not allow (allowedNamespaces: %v)", [name, namespace, client.spec.target, target.spec.allowedNamespaces])
}

# MG-REF-01 — the mesh edge's references: an IngressRoute's cluster and routed services, an
# ExternalService's clusters, an EndUserAuth's target.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "IngressRoute", "name": name, "field": "spec.cluster"} if {
	some name, route in input.ingressRoutes
	lib.configured(route.spec, "cluster")
	not input.clusters[route.spec.cluster]
	msg := sprintf("IngressRoute %s uses the ingress gateway of cluster %v, which no Cluster intent declares", [name, route.spec.cluster])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, r in object.get(route.spec, "routes", [])
	is_string(r.service)
	not input.services[r.service]
	field := sprintf("spec.routes[%d].service", [i])
	msg := sprintf("IngressRoute %s routes to InboundService %v, which does not exist", [name, r.service])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ExternalService", "name": name, "field": field} if {
	some name, external in input.externalServices
	some i, cluster in object.get(external.spec, "clusters", [])
	not input.clusters[cluster]
	field := sprintf("spec.clusters[%d]", [i])
	msg := sprintf("ExternalService %s lists cluster %v, which no Cluster intent declares", [name, cluster])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "EndUserAuth", "name": name, "field": field} if {
	some name, auth in input.endUserAuths
	some key, collection in {"service": "services", "ingress": "ingressRoutes"}
	target := object.get(object.get(auth.spec, "target", {}), key, null)
	is_string(target)
	not input[collection][target]
	field := sprintf("spec.target.%s", [key])
	msg := sprintf("EndUserAuth %s targets %s %v, which does not exist", [name, lib.kind_of_collection[collection], target])
}
