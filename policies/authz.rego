# Request-level authorization (AuthorizationPolicy) on InboundServices.
# How Istio evaluates it: https://istio.io/latest/docs/reference/config/security/authorization-policy/
package meshgate.authz

import data.meshgate.lib

# MG-AUTHZ-01 — principal-based `access` on a target that is not ISTIO_MUTUAL.
# Protects: authorization. `access` renders to source.principals, and a principal (SPIFFE id) is
# only proven by the peer certificate of Istio mTLS; SIMPLE/MUTUAL callers from other clusters
# reach the service from the gateway's TLS server, with the gateway's identity, not theirs.
deny contains {"rule": "MG-AUTHZ-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.access"} if {
	some mode, target_names in lib.services_by_tls_mode
	mode != "ISTIO_MUTUAL"
	some target_name in target_names
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	lib.has_access(client)
	msg := sprintf("client %s restricts access by principal, but its target %s uses mutualTLS %v; principals are only proven under ISTIO_MUTUAL: drop spec.access (or, if every client of %s can use Istio mTLS from one logical cloud, make %s ISTIO_MUTUAL)", [name, client.spec.target, mode, client.spec.target, client.spec.target])
}

# MG-AUTHZ-02 (warning) — allowedNamespaces on a SIMPLE or MUTUAL service that clients in other
# clusters reach through the east-west gateway's TLS server: the rendered AuthorizationPolicy admits
# the listed namespaces by the Istio mTLS identity of callers inside the hosting cluster, but remote
# SIMPLE/MUTUAL callers arrive as the gateway and are admitted by its namespace rule, whatever their
# own namespace. For them only meshgate's check of declared clients (MG-REF-01) applies.
warn contains {"rule": "MG-AUTHZ-02", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.allowedNamespaces"} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.services_with_tls_mode(mode)
	service := input.services[name]
	allowed := object.get(service.spec, "allowedNamespaces", [])
	is_array(allowed)
	count(allowed) > 0
	remote := {client_name |
		some client_name in lib.remote_clients_of(name)
		lib.tls_mode(input.clients[client_name]) in {"SIMPLE", "MUTUAL"}
	}
	count(remote) > 0
	gateway_namespace := object.get(object.get(lib.cluster_of(service).spec, "meshGateway", {}), "namespace", "istio-system")
	msg := sprintf("service %s lists allowedNamespaces %v and uses mutualTLS %s: the rendered AuthorizationPolicy admits those namespaces for callers inside cluster %s (by their Istio mTLS identity), but %s in other clusters arrive through the east-west gateway's TLS server and are admitted as the gateway (namespace %s), whatever their own namespace, so for them only meshgate's check of declared clients (MG-REF-01) applies; to have Istio prove every caller's namespace, serve %s with ISTIO_MUTUAL (remove spec.tls) and let its clients use it too (remove their spec.mutualTLS and spec.tls; they must share its logical cloud)", [name, allowed, mode, service.spec.cluster, concat(", ", sort(remote)), gateway_namespace, name])
}

# MG-AUTHZ-03 — methods or paths in an access entry that applies to a TCP, TLS or HTTPS port.
# Protects: availability. The server's sidecar sees no HTTP request on such a port, and Istio
# drops an ALLOW rule with HTTP-only fields there, which refuses the client on that port; meshgate
# authorizes those ports by identity and port only.
# https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/
deny contains {"rule": "MG-AUTHZ-03", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some target_name in opaque_services
	target := input.services[target_name]
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	some i, entry in lib.access_of(client)
	opaque := [sprintf("%v (%s)", [port.number, port.protocol]) | some port in lib.entry_ports(entry, target); lib.opaque_port(port)]
	count(opaque) > 0
	some key in ["methods", "paths"]
	lib.configured(entry, key)
	field := sprintf("spec.access[%d].%s", [i, key])
	msg := sprintf("client %s restricts %s of %s on port %s: its sidecar sees no HTTP request there, and Istio would drop the rule and refuse the client on that port; %s", [name, key, client.spec.target, concat(", ", opaque), opaque_advice(i, target)])
}

opaque_advice(i, target) := sprintf("limit this entry to the HTTP ports with spec.access[%d].ports: [%s] (and give the other ports an entry without methods or paths)", [i, concat(", ", names)]) if {
	names := lib.http_port_names(target)
	count(names) > 0
} else := "remove the methods and paths (TCP, TLS and HTTPS ports are authorized by identity and port)"

# MG-AUTHZ-03 — a path with a `*` that is neither a prefix nor a suffix: Istio matches exactly,
# by prefix (`/api/*`), by suffix (`*.png`) or anything (`*`), so such a path matches nothing.
deny contains {"rule": "MG-AUTHZ-03", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some name in lib.clients_with_access
	client := input.clients[name]
	some i, entry in lib.access_of(client)
	some j, path in object.get(entry, "paths", [])
	is_string(path)
	not istio_path(path)
	target := lib.target_of(client)
	http_applies(entry, target)
	field := sprintf("spec.access[%d].paths[%d]", [i, j])
	msg := sprintf("client %s allows path %q, whose * is neither a prefix nor a suffix; Istio matches paths exactly, by prefix (/api/*), by suffix (*.png) or any (*), so this one matches nothing", [name, path])
}

# True when an access entry applies to an HTTP port of the target (where methods and paths mean something).
http_applies(entry, target) if {
	some port in lib.entry_ports(entry, target)
	not lib.opaque_port(port)
}

# True when an access entry applies to a gRPC port (every call there is a POST).
default grpc_applies(_, _) := false

grpc_applies(entry, target) if {
	some port in lib.entry_ports(entry, target)
	port.protocol == "GRPC"
}

# ("*" alone is a suffix match of the empty prefix: any path.)
istio_path(path) if not contains(path, "*")

istio_path(path) if {
	endswith(path, "*")
	not contains(trim_suffix(path, "*"), "*")
}

istio_path(path) if {
	startswith(path, "*")
	not contains(trim_prefix(path, "*"), "*")
}

# MG-AUTHZ-03 — a method that is not an HTTP method (never matches), or, on gRPC, one other than
# POST (every gRPC call is a POST). Two rules, one per reason: the second needs a target with a
# gRPC port, so it reads the clients of those only.
deny contains {"rule": "MG-AUTHZ-03", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some name in lib.clients_with_access
	client := input.clients[name]
	some i, entry in lib.access_of(client)
	some j, method in object.get(entry, "methods", [])
	not method in lib.http_methods
	target := lib.target_of(client)
	http_applies(entry, target)
	reason := method_problem(method, false)
	field := sprintf("spec.access[%d].methods[%d]", [i, j])
	msg := sprintf("client %s allows method %v, %s", [name, method, reason])
}

deny contains {"rule": "MG-AUTHZ-03", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some target_name in grpc_services
	target := input.services[target_name]
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	some i, entry in lib.access_of(client)
	some j, method in object.get(entry, "methods", [])
	method in lib.http_methods
	grpc_applies(entry, target)
	http_applies(entry, target)
	reason := method_problem(method, true)
	field := sprintf("spec.access[%d].methods[%d]", [i, j])
	msg := sprintf("client %s allows method %v, %s", [name, method, reason])
}

# Names of the InboundServices with a TCP, TLS or HTTPS port (where methods and paths mean nothing).
opaque_services contains name if {
	some name, service in input.services
	some port in lib.ports_of(service)
	lib.opaque_port(port)
}

# Names of the InboundServices with a gRPC port (where every call is a POST).
grpc_services contains name if {
	some name, service in input.services
	some port in lib.ports_of(service)
	port.protocol == "GRPC"
}

method_problem(method, _) := reason if {
	not method in lib.http_methods
	reason := sprintf("which is not an HTTP method (%s), so it matches no request", [concat(", ", lib.http_methods)])
}

method_problem(method, true) := "but every gRPC call is a POST, so it matches no request; use POST and restrict by path (/package.Service/Method)" if {
	method in lib.http_methods
	method != "POST"
}

# MG-AUTHZ-04 (warning) — a namespace in allowedNamespaces that holds a client with narrower
# `access`: the namespace rule of the same ALLOW policy admits every request from that namespace,
# so the client's access list restricts nothing.
warn contains {"rule": "MG-AUTHZ-04", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	lib.configured(service.spec, "allowedNamespaces")
	some i, namespace in service.spec.allowedNamespaces
	narrowed := {client_name |
		some client_name in lib.clients_of(name)
		client := input.clients[client_name]
		lib.has_access(client)
		object.get(client.spec, "namespace", "default") == namespace
	}
	count(narrowed) > 0
	field := sprintf("spec.allowedNamespaces[%d]", [i])
	msg := sprintf("service %s allows namespace %s as a whole, which voids the access list of %s there (Istio allows a request any rule matches); remove %s from allowedNamespaces and declare its other callers as ServiceClients, or drop their access lists", [name, namespace, concat(", ", sort(narrowed)), namespace])
}

# MG-AUTHZ-06 (warning) — a client whose access list is voided by a client of the same service in
# another cluster that has the same identity (namespace and service account) and other access.
# Istio names a caller by trust domain, namespace and service account, never by cluster (clusters of
# one root share the trust domain, or accept each other's as aliases), so the one ALLOW policy lets
# both do what either may: the narrower list restricts nothing that the other allows.
# https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
warn contains {"rule": "MG-AUTHZ-06", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.access"} if {
	some key, names in identity_groups
	count(names) > 1
	some name in names
	client := input.clients[name]
	lib.has_access(client)
	some other_name in names
	other_name != name
	other := input.clients[other_name]
	other.spec.cluster != client.spec.cluster
	lib.access_of(other) != lib.access_of(client)
	not admits_everything(client)
	msg := sprintf("client %s (cluster %s) and %s (cluster %s) call %s with one identity, service account %s in namespace %s: Istio tells callers apart by trust domain, namespace and service account, not by cluster, so the AuthorizationPolicy of %s lets each do what either may, and the access list of %s does not keep it from what %s may do; give one of them a service account of its own (spec.serviceAccount), or the same access list", [name, client.spec.cluster, other_name, other.spec.cluster, client.spec.target, client.spec.serviceAccount, object.get(client.spec, "namespace", "default"), client.spec.target, name, other_name])
}

# An access list with an entry that admits every request on every port of the target (no methods,
# no paths, every port or none named), e.g. [{ports: [5432]}] on a one-port TCP service: it restricts
# nothing, so no other client's list can void it.
admits_everything(client) if {
	target := lib.target_of(client)
	some entry in lib.access_of(client)
	not lib.configured(entry, "methods")
	not lib.configured(entry, "paths")
	every port in lib.ports_of(target) {
		entry_names_port(entry, port)
	}
}

entry_names_port(entry, _) if not lib.configured(entry, "ports")

entry_names_port(entry, port) if {
	some ref in entry.ports
	sprintf("%v", [ref]) in {sprintf("%v", [port.number]), object.get(port, "name", "")}
}

# [target, namespace, service account] -> the clients of target that its AuthorizationPolicy names by
# that identity: those with a sidecar in the target's cluster, and remote ones using Istio mTLS
# (SIMPLE/MUTUAL callers from other clusters arrive as the gateway).
identity_groups_by_key[key] contains name if {
	some name, client in input.clients
	not lib.without_sidecar(client)
	target := lib.target_of(client)
	identity_reaches(client, target)
	key := [client.spec.target, object.get(client.spec, "namespace", "default"), client.spec.serviceAccount]
}

identity_groups := identity_groups_by_key

identity_reaches(client, target) if client.spec.cluster == target.spec.cluster

identity_reaches(client, _) if lib.tls_mode(client) == "ISTIO_MUTUAL"
