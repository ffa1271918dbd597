# Traffic management of InboundServices: versions (subsets), routes (VirtualService http routes),
# DENY rules and services hosted in several clusters (alsoIn, locality failover).
# https://istio.io/latest/docs/reference/config/networking/virtual-service/
# https://istio.io/latest/docs/reference/config/networking/destination-rule/
package meshgate.traffic

import data.meshgate.lib

# Names of the InboundServices with routes, versions, DENY rules or alsoIn. Most services have none
# of them: each group is found in one pass over the services, and the rules about routes (versions,
# ...) read their group instead of testing every service again.
services_with_routes contains name if {
	some name, service in input.services
	count(routes_of(service)) > 0
}

services_with_versions contains name if {
	some name, service in input.services
	count(versions_of(service)) > 0
}

services_with_deny_rules contains name if {
	some name, service in input.services
	count(deny_rules_of(service)) > 0
}

services_with_also_in contains name if {
	some name, service in input.services
	count(lib.also_in(service)) > 0
}

routes_of(service) := routes if {
	routes := object.get(service.spec, "routes", [])
	is_array(routes)
} else := []

versions_of(service) := versions if {
	versions := object.get(service.spec, "versions", [])
	is_array(versions)
} else := []

version_names(service) := {v.name | some v in versions_of(service); is_string(v.name)}

destinations_of(route) := destinations if {
	destinations := object.get(route, "route", [])
	is_array(destinations)
} else := []

matches_of(route) := matches if {
	matches := object.get(route, "match", [])
	is_array(matches)
} else := []

deny_rules_of(service) := rules if {
	rules := service.spec.authorization.deny
	is_array(rules)
} else := []

# A route's name for messages: its name, else its position.
route_label(route, i) := sprintf("route %s", [route.name]) if is_string(object.get(route, "name", null))

else := sprintf("route %d", [i + 1])

# MG-ROUTE-01 — weights of a route that do not sum to 100.
# Protects: the operator's belief. Istio sends each destination weight/(sum of weights) of the
# requests, so 90 + 20 quietly becomes 82% / 18%, and a lone destination with weight 10 takes them all.
deny contains {"rule": "MG-ROUTE-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	destinations := destinations_of(route)
	count(destinations) > 1
	weights := [object.get(d, "weight", 0) | some d in destinations]
	every w in weights {
		is_number(w)
	}
	total := sum(weights)
	total != 100
	field := sprintf("spec.routes[%d].route", [i])
	msg := sprintf("%s of service %s splits requests %v, which sums to %v, not 100: Istio gives each destination its share of the sum (a missing weight counts as 0); make the weights add up to 100", [route_label(route, i), name, weights, total])
}

deny contains {"rule": "MG-ROUTE-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	destinations := destinations_of(route)
	count(destinations) == 1
	weight := object.get(destinations[0], "weight", 100)
	weight != 100
	field := sprintf("spec.routes[%d].route[0].weight", [i])
	msg := sprintf("%s of service %s has one destination with weight %v, but a lone destination takes every request; remove the weight, or add the destination that takes the other %v%%", [route_label(route, i), name, weight, 100 - weight])
}

# MG-ROUTE-02 — a route or mirror to a version the service does not declare.
# Protects: availability. Istio has no cluster for an undefined subset, so every request of that
# route fails (503, no healthy upstream).
deny contains {"rule": "MG-ROUTE-02", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": version, "candidates": sort(version_names(service))}} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	some j, destination in destinations_of(route)
	version := object.get(destination, "version", null)
	is_string(version)
	not version in version_names(service)
	field := sprintf("spec.routes[%d].route[%d].version", [i, j])
	msg := sprintf("%s of service %s sends requests to version %s, which spec.versions does not declare (%s); Istio would answer them 503: declare it under spec.versions with its pods' labels, or route to one of those", [route_label(route, i), name, version, declared(service)])
}

deny contains {"rule": "MG-ROUTE-02", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": version, "candidates": sort(version_names(service))}} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	version := route.mirror.version
	is_string(version)
	not version in version_names(service)
	field := sprintf("spec.routes[%d].mirror.version", [i])
	msg := sprintf("%s of service %s mirrors to version %s, which spec.versions does not declare (%s); declare it under spec.versions with its pods' labels, or mirror to one of those", [route_label(route, i), name, version, declared(service)])
}

declared(service) := sprintf("declared: %s", [concat(", ", sort(version_names(service)))]) if count(version_names(service)) > 0

else := "it declares none"

# MG-ROUTE-03 (warning) — retries that cannot all happen within the route's timeout.
# Protects: the operator's belief. The timeout bounds the whole request, retries included, and
# perTryTimeout bounds each try: the first call and each of the `attempts` retries
# (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry), so
# (attempts + 1) x perTryTimeout beyond the timeout means the last retries are never made.
warn contains {"rule": "MG-ROUTE-03", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	timeout := time.parse_duration_ns(route.timeout)
	attempts := route.retries.attempts
	per_try := time.parse_duration_ns(route.retries.perTryTimeout)
	tries := attempts + 1
	tries * per_try > timeout
	field := sprintf("spec.routes[%d].retries", [i])
	msg := sprintf("%s of service %s tries up to %v times (the first call and %v retries) with perTryTimeout %s (%s in all) but its timeout is %s, which ends the request first, so the last retries never happen; raise timeout to at least %s, or lower attempts or perTryTimeout", [route_label(route, i), name, tries, attempts, route.retries.perTryTimeout, seconds(tries * per_try), route.timeout, seconds(tries * per_try)])
}

seconds(ns) := sprintf("%vs", [ns / 1000000000])

# MG-ROUTE-04 (warning) — fault injection where production traffic flows.
# Protects: availability. Delays and aborts are for testing; the callers' proxies apply them to
# real requests. The logical clouds that count as production are a tunable (data.yaml).
warn contains {"rule": "MG-ROUTE-04", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	lib.configured(route, "fault")
	clouds := production_clouds(name, service)
	count(clouds) > 0
	field := sprintf("spec.routes[%d].fault", [i])
	msg := sprintf("%s of service %s injects faults (%s), and callers in logical cloud %s, marked as production (production_logical_clouds in policies/data.yaml), would get them; remove spec.routes[%d].fault, or restrict the route with a match (e.g. a test header)", [route_label(route, i), name, concat(", ", sort(object.keys(route.fault))), concat(", ", sort(clouds)), i])
}

# The production logical clouds where callers of the service run (its hosting clusters and its clients').
production_clouds(name, service) := {cloud |
	some cluster in callers_clusters(name, service)
	cloud := input.clusters[cluster].spec.logicalCloud
	some pattern in lib.production_logical_clouds
	glob.match(pattern, [], cloud)
}

callers_clusters(name, service) := {c | some c in lib.hosting_clusters(service)} | {input.clients[c].spec.cluster | some c in lib.clients_of(name)}

# MG-ROUTE-05 — a route that an earlier route shadows: every request it matches is taken first.
# Protects: the operator's belief. Istio takes the first route whose match fits, so the later one
# is dead configuration (its versions, retries or faults never apply).
deny contains {"rule": "MG-ROUTE-05", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	routes := routes_of(service)
	some j, later in routes
	some i, earlier in routes
	i < j
	route_covers(earlier, later)
	not earlier_shadow(routes, i, later)
	field := sprintf("spec.routes[%d]", [j])
	msg := sprintf("%s of service %s never applies: %s before it matches every request it matches (Istio takes the first route that fits); move it above %s, narrow %s's match, or remove it", [route_label(later, j), name, route_label(earlier, i), route_label(earlier, i), route_label(earlier, i)])
}

# Reported against the first route that shadows it only.
earlier_shadow(routes, i, later) if {
	some k, other in routes
	k < i
	route_covers(other, later)
}

# True when every request `b` matches, `a` matches too.
route_covers(a, _) if catch_all(a)

route_covers(a, b) if {
	count(matches_of(a)) > 0
	count(matches_of(b)) > 0
	every mb in matches_of(b) {
		some ma in matches_of(a)
		condition_covers(ma, mb)
	}
}

condition_covers(ma, mb) if {
	every header, sa in object.get(ma, "headers", {}) {
		sb := object.get(object.get(mb, "headers", {}), header, null)
		string_covers(sa, sb)
	}
	field_covers(ma, mb, "uri")
	field_covers(ma, mb, "method")
	port_covers(ma, mb)
}

field_covers(ma, _, key) if not lib.configured(ma, key)

field_covers(ma, mb, key) if string_covers(ma[key], mb[key])

port_covers(ma, _) if not lib.configured(ma, "port")

port_covers(ma, mb) if sprintf("%v", [ma.port]) == sprintf("%v", [object.get(mb, "port", null)])

# A route that takes every request: no match, or a match on nothing but `uri: {prefix: /}` (every
# HTTP path starts with /) or `uri: {regex: .*}`.
catch_all(route) if count(matches_of(route)) == 0

catch_all(route) if {
	some m in matches_of(route)
	every key, _ in m {
		key == "uri"
	}
	whole_path(m.uri)
}

whole_path(uri) if uri.prefix == "/"

whole_path(uri) if uri.regex in {".*", "/.*"}

# An Istio StringMatch `a` that matches every value `b` matches.
string_covers(a, b) if {
	is_string(a.exact)
	a.exact == b.exact
}

string_covers(a, b) if {
	is_string(a.prefix)
	is_string(b.exact)
	startswith(b.exact, a.prefix)
}

string_covers(a, b) if {
	is_string(a.prefix)
	is_string(b.prefix)
	startswith(b.prefix, a.prefix)
}

string_covers(a, b) if {
	is_string(a.regex)
	a.regex == b.regex
}

string_covers(a, b) if {
	is_string(a.regex)
	is_string(b.exact)
	regex.match(sprintf("^(?:%s)$", [a.regex]), b.exact)
}

# MG-ROUTE-06 — routes meshgate cannot render so that they work.
# Protects: availability. Routes are VirtualService http routes: they act on HTTP ports only, and a
# version reaches another cluster only in the SNI of Istio mTLS (AUTO_PASSTHROUGH), never through
# the gateway's TLS-terminating server.
deny contains {"rule": "MG-ROUTE-06", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.routes"} if {
	some name in services_with_routes
	service := input.services[name]
	count(routes_of(service)) > 0
	count(lib.http_port_names(service)) == 0
	msg := sprintf("service %s has routes, but none of its ports is HTTP, HTTP2 or gRPC: the callers' proxies see no request to route on TCP, TLS or HTTPS ports; remove spec.routes", [name])
}

deny contains {"rule": "MG-ROUTE-06", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	some k, match in matches_of(route)
	reference := match.port
	port := lib.port_by_reference(service, reference)
	lib.opaque_port(port)
	field := sprintf("spec.routes[%d].match[%d].port", [i, k])
	msg := sprintf("%s of service %s matches port %v, a %s port, where the callers' proxies see no HTTP request to route; name one of its HTTP ports (%s)", [route_label(route, i), name, reference, port.protocol, concat(", ", lib.http_port_names(service))])
}

deny contains {"rule": "MG-ROUTE-06", "msg": msg, "kind": "ServiceClient", "name": client_name, "field": "spec.mutualTLS"} if {
	some name in services_with_versions
	service := input.services[name]
	count(versions_of(service)) > 0
	some client_name in lib.remote_clients_of(name)
	client := input.clients[client_name]
	lib.tls_mode(client) in {"SIMPLE", "MUTUAL"}
	msg := sprintf("client %s calls %s from another cluster with %s, which the east-west gateway terminates and forwards to the whole Service: the versions of %s (subsets) cannot be told apart there, only in the SNI of Istio mTLS; use ISTIO_MUTUAL (same logical cloud), or remove spec.versions and spec.routes of %s", [client_name, name, lib.tls_mode(client), name, name])
}

# MG-ROUTE-08 — a regex in a route's match that is not a valid RE2 expression.
# Protects: availability. The callers' proxies (Envoy) match regexes with RE2 and refuse a route
# configuration holding one they cannot compile, so every route of the VirtualService stops being
# updated; Istio's validation webhook refuses the object too
# (https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch).
deny contains {"rule": "MG-ROUTE-08", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	some k, condition in matches_of(route)
	some where, string_match in match_strings(condition)
	pattern := string_match.regex
	is_string(pattern)
	not regex.is_valid(pattern)
	field := sprintf("spec.routes[%d].match[%d].%s.regex", [i, k, where])
	msg := sprintf("%s of service %s matches %s with the regex %q, which is not a valid RE2 expression: the callers' proxies (RE2) would refuse the whole route configuration; fix the expression (RE2 has no lookaround and no backreferences)", [route_label(route, i), name, where, pattern])
}

# The StringMatches of a match condition, by where they sit: uri, method, headers.<name>.
match_strings(condition) := object.union(
	{key: m |
		some key in ["uri", "method"]
		m := condition[key]
		is_object(m)
	},
	{where: m |
		some header, m in object.get(condition, "headers", {})
		is_object(m)
		where := sprintf("headers.%s", [header])
	},
)

# MG-ROUTE-07 (warning) — no route for the requests no match fits.
# Protects: availability. A request that no route of the VirtualService matches is answered 404
# by the caller's proxy, instead of reaching the service.
warn contains {"rule": "MG-ROUTE-07", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_routes
	service := input.services[name]
	routes := routes_of(service)
	count(routes) > 0
	every route in routes {
		not catch_all(route)
	}
	field := sprintf("spec.routes[%d]", [count(routes) - 1])
	msg := sprintf("every route of service %s has a match, so a request none of them fits is answered 404 by the caller's proxy; end spec.routes with a route without match (the default, e.g. {route: [{version: v1}]})", [name])
}

# MG-VERSION-01 — versions that do not select what they say.
# Protects: availability. A subset selects the pods carrying all its labels: two versions with one
# name or the same labels cannot be told apart, and labels that contradict the service's selector
# select no pod at all (503).
deny contains {"rule": "MG-VERSION-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_versions
	service := input.services[name]
	versions := versions_of(service)
	some j, later in versions
	some i, earlier in versions
	i < j
	earlier.name == later.name
	field := sprintf("spec.versions[%d].name", [j])
	msg := sprintf("service %s declares version %s twice (spec.versions[%d] and [%d]); give each version its own name", [name, later.name, i, j])
}

deny contains {"rule": "MG-VERSION-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_versions
	service := input.services[name]
	versions := versions_of(service)
	some j, later in versions
	some i, earlier in versions
	i < j
	earlier.name != later.name
	earlier.labels == later.labels
	field := sprintf("spec.versions[%d].labels", [j])
	msg := sprintf("versions %s and %s of service %s select the same pods (labels %v): routes cannot tell them apart; give each version the labels only its pods carry (e.g. version: %s)", [earlier.name, later.name, name, later.labels, later.name])
}

deny contains {"rule": "MG-VERSION-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_versions
	service := input.services[name]
	some i, version in versions_of(service)
	some key, value in version.labels
	selected := object.get(object.get(service.spec, "selector", {}), key, value)
	selected != value
	field := sprintf("spec.versions[%d].labels.%s", [i, key])
	msg := sprintf("version %s of service %s selects pods with %s: %s, but the service's pods carry %s: %s (spec.selector), so it selects none; use a label the versions differ in (e.g. version)", [version.name, name, key, value, key, selected])
}

# MG-AUTHZ-05 — DENY rules that would not do what they say.
# Protects: availability and the operator's belief. On a TCP, TLS or HTTPS port the sidecar sees no
# HTTP request, and Istio drops the HTTP-only fields of a DENY rule there, so the rule refuses
# every connection of its callers to that port; and without a sidecar nothing enforces it.
# https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/
deny contains {"rule": "MG-AUTHZ-05", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_deny_rules
	service := input.services[name]
	some i, rule in deny_rules_of(service)
	some key in ["methods", "notMethods", "paths", "notPaths"]
	lib.configured(rule, key)
	opaque := [p.name | some p in lib.entry_ports(rule, service); lib.opaque_port(p)]
	count(opaque) > 0
	field := sprintf("spec.authorization.deny[%d].%s", [i, key])
	msg := sprintf("deny rule %d of service %s names %s, but it covers ports %s, where the sidecar sees no HTTP request: Istio ignores %s there and refuses every connection of the rule's callers; limit the rule to the HTTP ports with ports: [%s]", [i + 1, name, key, concat(", ", opaque), key, concat(", ", lib.http_port_names(service))])
}

deny contains {"rule": "MG-AUTHZ-05", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.authorization.deny"} if {
	some name in services_with_deny_rules
	service := input.services[name]
	count(deny_rules_of(service)) > 0
	lib.without_sidecar(service)
	msg := sprintf("service %s has deny rules but no sidecar: nothing enforces an AuthorizationPolicy on its pods; run it with the istio-proxy sidecar, or remove spec.authorization", [name])
}

# MG-REF-01 — the names traffic management refers to: clients of a deny rule, ports of a route
# match or a deny rule, clusters of alsoIn.
deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": client, "kind": "ServiceClient"}} if {
	some name in services_with_deny_rules
	service := input.services[name]
	some i, rule in deny_rules_of(service)
	some j, client in object.get(rule, "clients", [])
	not input.clients[client]
	field := sprintf("spec.authorization.deny[%d].clients[%d]", [i, j])
	msg := sprintf("deny rule %d of service %s names client %s, which no ServiceClient declares (clients takes the metadata.name of a ServiceClient)", [i + 1, name, client])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": sprintf("%v", [reference]), "candidates": port_candidates(service)}} if {
	some name in services_with_deny_rules
	service := input.services[name]
	some i, rule in deny_rules_of(service)
	some j, reference in object.get(rule, "ports", [])
	not lib.port_by_reference(service, reference)
	field := sprintf("spec.authorization.deny[%d].ports[%d]", [i, j])
	msg := sprintf("deny rule %d of service %s names port %v, which the service does not have (%s)", [i + 1, name, reference, concat(", ", port_candidates(service))])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": sprintf("%v", [reference]), "candidates": port_candidates(service)}} if {
	some name in services_with_routes
	service := input.services[name]
	some i, route in routes_of(service)
	some k, match in matches_of(route)
	reference := object.get(match, "port", null)
	reference != null
	not lib.port_by_reference(service, reference)
	field := sprintf("spec.routes[%d].match[%d].port", [i, k])
	msg := sprintf("%s of service %s matches port %v, which the service does not have (%s)", [route_label(route, i), name, reference, concat(", ", port_candidates(service))])
}

deny contains {"rule": "MG-REF-01", "msg": msg, "kind": "InboundService", "name": name, "field": field, "suggest": {"value": cluster, "kind": "Cluster"}} if {
	some name in services_with_also_in
	service := input.services[name]
	some j, cluster in lib.also_in(service)
	not input.clusters[cluster]
	field := sprintf("spec.alsoIn[%d]", [j])
	msg := sprintf("service %s is also hosted in cluster %s, which no Cluster intent declares (alsoIn takes metadata.names of Clusters)", [name, cluster])
}

port_candidates(service) := [name | some p in lib.ports_of(service); name := p.name]

# MG-FAILOVER-01 — a service hosted in several clusters without outlier detection.
# Protects: availability. Istio fails over to another locality only when outlier detection ejects
# the failing endpoints; without it the callers keep sending to the local copy while it is down.
# https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
deny contains {"rule": "MG-FAILOVER-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.alsoIn"} if {
	some name in services_with_also_in
	service := input.services[name]
	count(lib.also_in(service)) > 0
	not lib.configured(service.spec, "outlierDetection")
	msg := sprintf("service %s is hosted in %s, but without spec.outlierDetection Istio never fails over: callers keep sending to their own cluster's copy while it fails; add outlierDetection (e.g. {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}) and connectionPool limits (MG-CB-01)", [name, concat(" and ", lib.hosting_clusters(service))])
}

# MG-FAILOVER-02 — hosting clusters whose localities cannot tell them apart.
# Protects: the operator's belief. Callers prefer endpoints of their own locality (region, zone,
# subzone of their node); a cluster without locality, or two with the same one, gets no preference,
# and requests spread over the clusters instead of staying local.
deny contains {"rule": "MG-FAILOVER-02", "msg": msg, "kind": "Cluster", "name": cluster, "field": "spec"} if {
	some name in services_with_also_in
	service := input.services[name]
	count(lib.also_in(service)) > 0
	some cluster in lib.hosting_clusters(service)
	facts := input.clusters[cluster]
	not lib.configured(facts.spec, "locality")
	msg := sprintf("cluster %s hosts %s, which is hosted in several clusters (%s), but has no spec.locality: callers could not prefer their own cluster's copy; set spec.locality to the region (or region/zone) of its nodes, as their topology.kubernetes.io labels say", [cluster, name, concat(", ", lib.hosting_clusters(service))])
}

deny contains {"rule": "MG-FAILOVER-02", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_also_in
	service := input.services[name]
	hosts := lib.hosting_clusters(service)
	some j, later in hosts
	some i, earlier in hosts
	i < j
	a := input.clusters[earlier].spec.locality
	b := input.clusters[later].spec.locality
	same_locality(a, b)
	field := also_in_field(j)
	msg := sprintf("service %s is hosted in clusters %s (locality %s) and %s (locality %s), which callers cannot tell apart by locality, so they would spread requests over both instead of preferring their own cluster; give each Cluster its own spec.locality (regions, or zones of one region)", [name, earlier, a, later, b])
}

deny contains {"rule": "MG-FAILOVER-02", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_also_in
	service := input.services[name]
	hosts := lib.hosting_clusters(service)
	some j, later in hosts
	some i, earlier in hosts
	i < j
	earlier == later
	field := also_in_field(j)
	msg := sprintf("service %s lists cluster %s twice among spec.cluster and spec.alsoIn; list each hosting cluster once", [name, later])
}

also_in_field(j) := sprintf("spec.alsoIn[%d]", [j - 1])

# One locality is the other, or contains it (us-east1 contains us-east1/b).
same_locality(a, b) if a == b

same_locality(a, b) if startswith(b, sprintf("%s/", [a]))

same_locality(a, b) if startswith(a, sprintf("%s/", [b]))

# MG-FAILOVER-03 — a service hosted in several clusters that cannot fail over between them.
# Protects: availability. Failover crosses the east-west gateways with the caller's own Istio mTLS
# (AUTO_PASSTHROUGH): only a service with a sidecar using ISTIO_MUTUAL, in clusters of one root of
# trust whose sidecars accept the callers' trust domain, can be reached that way.
deny contains {"rule": "MG-FAILOVER-03", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_also_in
	service := input.services[name]
	count(lib.also_in(service)) > 0
	[field, why] := failover_blocker(service)
	msg := sprintf("service %s is hosted in several clusters (%s), but %s; callers fail over through the other clusters' east-west gateways with their own Istio mTLS (AUTO_PASSTHROUGH)", [name, concat(", ", lib.hosting_clusters(service)), why])
}

failover_blocker(service) := ["spec.sidecar", "it has no sidecar to terminate Istio mTLS: run it with the istio-proxy sidecar"] if {
	lib.without_sidecar(service)
} else := ["spec.mutualTLS", sprintf("it uses %s, which the gateway terminates for one cluster: use ISTIO_MUTUAL (and remove spec.tls)", [lib.tls_mode(service)])] if {
	lib.tls_mode(service) != "ISTIO_MUTUAL"
}

deny contains {"rule": "MG-FAILOVER-03", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name in services_with_also_in
	service := input.services[name]
	some j, cluster in lib.also_in(service)
	other := input.clusters[cluster]
	primary := lib.cluster_of(service)
	other.spec.logicalCloud != primary.spec.logicalCloud
	field := sprintf("spec.alsoIn[%d]", [j])
	msg := sprintf("service %s is hosted in cluster %s (logical cloud %s) and cluster %s (logical cloud %s): different roots of trust, so Istio mTLS cannot fail over between them; host its copies in clusters of one logical cloud", [name, service.spec.cluster, primary.spec.logicalCloud, cluster, other.spec.logicalCloud])
}

deny contains {"rule": "MG-FAILOVER-03", "msg": msg, "kind": "ServiceClient", "name": client_name, "field": "spec.mutualTLS"} if {
	some name in services_with_also_in
	service := input.services[name]
	count(lib.also_in(service)) > 0
	some client_name in lib.clients_of(name)
	client := input.clients[client_name]
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	client_cluster := lib.cluster_of(client)
	some cluster in lib.hosting_clusters(service)
	cluster != client.spec.cluster
	not tls03_reports(client, service, cluster)
	host := input.clusters[cluster]
	trust_domain := lib.trust_domain(client_cluster)
	trust_domain != lib.trust_domain(host)
	not trust_domain in object.get(host.spec, "trustDomainAliases", [])
	msg := sprintf("client %s (trust domain %s) calls %s, which fails over to cluster %s (trust domain %s), whose sidecars would refuse its certificate; add %s to spec.trustDomainAliases of cluster %s (and to its mesh config)", [client_name, trust_domain, name, cluster, lib.trust_domain(host), trust_domain, cluster])
}

# MG-TLS-03 already reports a client in a cluster that does not host the service for the first
# hosting cluster (spec.cluster).
tls03_reports(client, service, cluster) if {
	cluster == service.spec.cluster
	lib.remote_client(client)
}

# MG-FAILOVER-04 (warning) — versions of a service hosted in several clusters: callers elsewhere
# fail over with their version (the subset travels in the SNI), but callers in a hosting cluster
# stay on their own cluster's pods: its .global ServiceEntry selects the local pods (for their
# version labels) and so cannot list the other clusters' gateways too.
warn contains {"rule": "MG-FAILOVER-04", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.versions"} if {
	some name in services_with_also_in
	service := input.services[name]
	count(lib.also_in(service)) > 0
	count(versions_of(service)) > 0
	msg := sprintf("service %s has versions and is hosted in %s: callers in other clusters fail over between them, but callers in %s stay on their own cluster's pods (the hosting cluster's .global ServiceEntry selects its pods by their version labels and cannot list another cluster's gateway)", [name, concat(" and ", lib.hosting_clusters(service)), concat(" and ", lib.hosting_clusters(service))])
}
