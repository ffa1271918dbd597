# Ingress: IngressRoutes expose InboundServices outside the mesh through a cluster's ingress gateway.
# How Istio serves them: https://istio.io/latest/docs/reference/config/networking/gateway/
package meshgate.ingress

import data.meshgate.lib

# MG-INGRESS-01 — a wildcard host ("*" or "*.example.com") on an ingress.
# Protects: exposure. A wildcard server answers for every name that reaches the gateway, including
# names nobody declared; other teams' hosts on the same gateway collide with it.
deny contains {"rule": "MG-INGRESS-01", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, host in object.get(route.spec, "hosts", [])
	contains(host, "*")
	field := sprintf("spec.hosts[%d]", [i])
	msg := sprintf("IngressRoute %s exposes the wildcard host %q on the ingress gateway of %v; list the exact host names it serves", [name, host, route.spec.cluster])
}

# MG-INGRESS-02 — plain HTTP on a public host without the explicit opt-out.
# Protects: confidentiality. Without tls the routes are served on plain HTTP; on a public name that
# exposes requests and tokens on the wire. Set spec.tls, or spec.allowPlainHttp: true to say it is meant.
deny contains {"rule": "MG-INGRESS-02", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	not lib.configured(route.spec, "tls")
	object.get(route.spec, "allowPlainHttp", false) != true
	some i, host in object.get(route.spec, "hosts", [])
	lib.public_host(host)
	field := sprintf("spec.hosts[%d]", [i])
	msg := sprintf("IngressRoute %s serves the public host %s over plain HTTP; add spec.tls with the credentialName of a certificate Secret in the ingress gateway's namespace, or set spec.allowPlainHttp: true if plain HTTP is meant", [name, host])
}

# MG-INGRESS-03 — a route meshgate cannot render so that it works.
# Protects: availability. The route's service does not have the port, does not speak HTTP there, or
# sits in another cluster where the ingress gateway's Istio mTLS cannot reach it.
deny contains {"rule": "MG-INGRESS-03", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, r in object.get(route.spec, "routes", [])
	service := input.services[r.service]
	not lib.configured(r, "port")
	count(lib.http_port_names(service)) == 0
	field := sprintf("spec.routes[%d].service", [i])
	msg := sprintf("IngressRoute %s routes to %s, which has no HTTP port (it speaks %v): an ingress route is an HTTP route; expose an HTTP port of the service", [name, r.service, concat(", ", {p.protocol | some p in lib.ports_of(service)})])
}

deny contains {"rule": "MG-INGRESS-03", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, r in object.get(route.spec, "routes", [])
	service := input.services[r.service]
	lib.configured(r, "port")
	not lib.port_by_reference(service, r.port)
	field := sprintf("spec.routes[%d].port", [i])
	msg := sprintf("IngressRoute %s routes to port %v of %s, which the service does not have (ports: %v)", [name, r.port, r.service, [p.number | some p in lib.ports_of(service)]])
}

deny contains {"rule": "MG-INGRESS-03", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, r in object.get(route.spec, "routes", [])
	service := input.services[r.service]
	port := lib.port_by_reference(service, r.port)
	lib.opaque_port(port)
	field := sprintf("spec.routes[%d].port", [i])
	msg := sprintf("IngressRoute %s routes to port %v of %s, which speaks %v: an ingress route is an HTTP route; route to an HTTP port", [name, r.port, r.service, port.protocol])
}

deny contains {"rule": "MG-INGRESS-03", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	some i, r in object.get(route.spec, "routes", [])
	service := input.services[r.service]
	service.spec.cluster != route.spec.cluster
	why := remote_problem(route, service)
	field := sprintf("spec.routes[%d].service", [i])
	msg := sprintf("IngressRoute %s routes to %s, %s", [name, r.service, why])
}

remote_problem(_, service) := why if {
	lib.tls_mode(service) != "ISTIO_MUTUAL"
	why := sprintf("which runs in cluster %s with mutualTLS %v: the ingress gateway of another cluster reaches a service only with Istio mTLS (ISTIO_MUTUAL); route to it from %s's own ingress", [service.spec.cluster, lib.tls_mode(service), service.spec.cluster])
} else := why if {
	lib.without_sidecar(service)
	why := sprintf("which has no sidecar: nothing terminates the ingress gateway's Istio mTLS in cluster %s", [service.spec.cluster])
}

# Across clusters of different roots of trust or trust domains, the gateway's mTLS is refused.
deny contains {"rule": "MG-INGRESS-03", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	ingress := input.clusters[route.spec.cluster]
	some i, r in object.get(route.spec, "routes", [])
	service := input.services[r.service]
	host := input.clusters[service.spec.cluster]
	service.spec.cluster != route.spec.cluster
	lib.tls_mode(service) == "ISTIO_MUTUAL"
	why := trust_problem(ingress, host, service)
	field := sprintf("spec.routes[%d].service", [i])
	msg := sprintf("IngressRoute %s routes to %s in cluster %s, %s", [name, r.service, service.spec.cluster, why])
}

trust_problem(ingress, host, _) := why if {
	ingress.spec.logicalCloud != host.spec.logicalCloud
	why := sprintf("but cluster %s is in logical cloud %s and %s in %s: no root of trust is shared, so the ingress gateway's Istio mTLS is refused; route to it from an ingress of logical cloud %s", [ingress.name, ingress.spec.logicalCloud, host.name, host.spec.logicalCloud, host.spec.logicalCloud])
} else := why if {
	domain := lib.trust_domain(ingress)
	domain != lib.trust_domain(host)
	not domain in object.get(host.spec, "trustDomainAliases", [])
	why := sprintf("but cluster %s does not accept trust domain %s of %s; add it to spec.trustDomainAliases of cluster %s", [host.name, domain, ingress.name, host.name])
}

# MG-INGRESS-04 — one host on one cluster's ingress gateway claimed by two IngressRoutes.
# Protects: availability. Istio keeps one of two Gateway servers for the same host and port (by
# creation time), so the other IngressRoute's routes silently stop working.
deny contains {"rule": "MG-INGRESS-04", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some key, names in lib.ingress_routes_by_host
	count(names) > 1
	first := min(names)
	some name in names
	name != first
	route := input.ingressRoutes[name]
	some i, host in route.spec.hosts
	host == key[1]
	field := sprintf("spec.hosts[%d]", [i])
	msg := sprintf("IngressRoute %s serves host %s on the ingress gateway of %s, which IngressRoute %s already serves; Istio keeps one of the two Gateway servers: put the routes of one host in one IngressRoute", [name, host, key[0], first])
}

# MG-ROUTE-05 — a route of an IngressRoute that an earlier route of it shadows (the same rule as a
# service's routes): the VirtualService's first http route whose uri matches takes the request
# (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute), so the later
# route never applies and its service is never reached from outside.
deny contains {"rule": "MG-ROUTE-05", "msg": msg, "kind": "IngressRoute", "name": name, "field": field} if {
	some name, route in input.ingressRoutes
	routes := object.get(route.spec, "routes", [])
	some j, later in routes
	some i, earlier in routes
	i < j
	uri_covers(uri_of(earlier), uri_of(later))
	not earlier_shadow(routes, i, later)
	field := sprintf("spec.routes[%d]", [j])
	msg := sprintf("route %d of IngressRoute %s (%s, to %s) never applies: route %d before it (%s, to %s) matches every request it matches (Istio takes the first route that fits); move it above route %d, or narrow route %d's uri", [j + 1, name, uri_text(uri_of(later)), later.service, i + 1, uri_text(uri_of(earlier)), earlier.service, i + 1, i + 1])
}

earlier_shadow(routes, i, later) if {
	some k, other in routes
	k < i
	uri_covers(uri_of(other), uri_of(later))
}

# A route's uri; the loader's default is {prefix: /}.
uri_of(r) := object.get(r, "uri", {"prefix": "/"})

uri_covers(a, b) if {
	is_string(a.prefix)
	startswith(object.get(b, "prefix", object.get(b, "exact", "")), a.prefix)
}

uri_covers(a, b) if {
	is_string(a.exact)
	a.exact == b.exact
}

uri_text(uri) := sprintf("prefix %s", [uri.prefix]) if is_string(uri.prefix)

else := sprintf("exact %s", [uri.exact])

