# References between intents.
package meshgate.references

import data.meshgate.lib

# MG-REF-01 — a reference to an unknown InboundService or Cluster.
# Protects: completeness. A dangling reference renders nothing (or half a connection) and would
# otherwise pass unnoticed until traffic fails.
# `suggest` lets meshgate add "did you mean" with the closest existing name.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.target", "suggest": {"value": client.spec.target, "kind": "InboundService"}} if {
	some name, client in input.clients
	not input.services[client.spec.target] # first: the cheap test that almost every client fails
	lib.configured(client.spec, "target")
	msg := sprintf("client %s targets InboundService %v, which does not exist%s", [name, client.spec.target, named_otherwise(client.spec.target)])
}

# spec.target takes metadata.name; a user who writes the Kubernetes Service's name gets the right one.
named_otherwise(target) := sprintf(": spec.target takes the metadata.name of an InboundService, and the InboundService for Service %v is named %s; set spec.target: %s", [target, concat(" or ", sort(names)), sort(names)[0]]) if {
	names := object.get(services_by_service_name, target, set())
	count(names) > 0
} else := ""

# Kubernetes Service name (spec.service) -> names of the InboundServices declaring it.
services_by_service_name_groups[service] contains name if {
	some name, intent in input.services
	service := intent.spec.service
	is_string(service)
}

services_by_service_name := services_by_service_name_groups

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": kind, "name": name, "field": "spec.cluster", "suggest": {"value": intent.spec.cluster, "kind": "Cluster"}} if {
	some collection in ["services", "clients"]
	kind := lib.kind_of_collection[collection]
	some name, intent in input[collection]
	not input.clusters[intent.spec.cluster]
	lib.configured(intent.spec, "cluster")
	msg := sprintf("%s %s runs in cluster %v, which no Cluster intent declares (spec.cluster takes the metadata.name of a Cluster)", [kind, name, intent.spec.cluster])
}

# MG-REF-01 — a client namespace outside the target's allowedNamespaces, when that list names any.
# Protects: authorization. The service owner lists the namespaces it takes callers from; a declared
# client elsewhere contradicts that list. An empty list names no namespace as a whole and takes its
# declared clients only, wherever they run.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.namespace"} if {
	some target_name, target in input.services
	allowed := object.get(target.spec, "allowedNamespaces", [])
	is_array(allowed)
	count(allowed) > 0
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	namespace := object.get(client.spec, "namespace", "default")
	not namespace in allowed
	msg := sprintf("client %s runs in namespace %v, which %s does not allow (allowedNamespaces: %v); add %v to spec.allowedNamespaces of %s (every workload there may then call it), or run the client in one of the allowed namespaces", [name, namespace, client.spec.target, allowed, namespace, client.spec.target])
}

# MG-REF-01 — an access entry naming a port the target does not have.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": field, "suggest": {"value": sprintf("%v", [reference]), "candidates": [port.name | some port in lib.ports_of(target)]}} if {
	some name in lib.clients_with_access
	client := input.clients[name]
	some i, entry in lib.access_of(client)
	some j, reference in object.get(entry, "ports", [])
	target := lib.target_of(client)
	not lib.port_by_reference(target, reference)
	field := sprintf("spec.access[%d].ports[%d]", [i, j])
	msg := sprintf("client %s names port %v of %s, which has ports %s; name one of them by number or name", [name, reference, client.spec.target, concat(", ", [sprintf("%v (%s)", [port.number, port.name]) | some port in lib.ports_of(target)])])
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
