# Shared helpers over the policy input (see policies/README.md for its shape).
# This package defines no deny/warn sets, so it contributes no findings itself.
package meshgate.lib

# The tunables of policies/data.yaml, each with the default the contract states, so deleting
# data.yaml never silently disables a rule.
default config := {}

config := data.meshgate_config

virtual_address_range := object.get(config, "virtual_address_range", "240.0.0.0/4")

pem_markers := object.get(config, "pem_markers", ["-----BEGIN "])

layer4_protocols := object.get(config, "layer4_protocols", ["TCP", "TLS", "HTTPS"])

http_hash_keys := object.get(config, "http_hash_keys", ["httpCookie", "httpHeaderName", "httpQueryParameterName"])

http_methods := object.get(config, "http_methods", ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"])

warn_outlier_without_pool := object.get(config, "warn_outlier_detection_without_connection_pool", true)

# MG-EGRESS-01: the external hosts workloads may call (exact names, or *.domain for its subdomains).
# The default allows nothing: the security team lists what may leave the mesh.
external_hosts_allowed := object.get(config, "external_hosts_allowed", [])

# MG-INGRESS-02: host name suffixes that are not public (plain HTTP is fine there).
private_host_suffixes := object.get(config, "private_host_suffixes", [".internal", ".local", ".localhost"])

production_logical_clouds := object.get(config, "production_logical_clouds", ["prod", "production"])

# Protocols on which the server's sidecar sees no HTTP request (Istio treats HTTPS as opaque TLS),
# so meshgate renders access to them by port only. Not a tunable: it is what the renderer does.
opaque_protocols := {"TCP", "TLS", "HTTPS"}

# Which input collection holds which intent kind.
kind_of_collection := {
	"clusters": "Cluster", "services": "InboundService", "clients": "ServiceClient",
	"ingressRoutes": "IngressRoute", "externalServices": "ExternalService", "endUserAuths": "EndUserAuth",
}

# A spec field counts as configured when present and not null (absent blocks mean "not configured").
configured(spec, key) if object.get(spec, key, null) != null

# Istio features (mTLS, identity, DNS proxying) exist only with the istio-proxy sidecar.
# sidecar defaults to true.
without_sidecar(intent) if object.get(intent.spec, "sidecar", true) == false

# For messages: where a workload's missing sidecar comes from when the file does not say it, its
# Cluster's namespacesWithoutSidecar (the loader's default), and what to change there.
sidecar_source(intent) := sprintf(" (namespace %s is in namespacesWithoutSidecar of cluster %s: enable sidecar injection there and remove it from the list)", [namespace, intent.spec.cluster]) if {
	namespace := object.get(intent.spec, "namespace", "default")
	namespace in object.get(cluster_of(intent).spec, "namespacesWithoutSidecar", [])
} else := ""

# The TLS mode of a service or client; null when unknown (a client of an unknown target).
tls_mode(intent) := object.get(intent.spec, "mutualTLS", null)

# The InboundService a client calls; undefined when the target does not exist.
target_of(client) := input.services[client.spec.target]

# The Cluster an InboundService or ServiceClient runs in; undefined when it does not exist.
cluster_of(intent) := input.clusters[intent.spec.cluster]

logical_cloud_of(intent) := cluster_of(intent).spec.logicalCloud

trust_domain(cluster) := object.get(cluster.spec, "trustDomain", "cluster.local")

# A client's access list, [] when it has none.
access_of(client) := access if {
	access := object.get(client.spec, "access", [])
	is_array(access)
} else := []

has_access(client) if count(access_of(client)) > 0

# ---- Ports ------------------------------------------------------------------------------------
# The loader always gives an InboundService `spec.ports` (each entry with number, name, protocol and
# targetPort), also when the file uses the one-port shorthand `port` + `protocol`, which stay as
# written. Rules read ports through these helpers.

ports_of(service) := service.spec.ports if is_array(object.get(service.spec, "ports", null))

else := [shorthand_port(service.spec)] if is_number(object.get(service.spec, "port", null))

else := []

shorthand_port(spec) := {
	"number": spec.port,
	"protocol": object.get(spec, "protocol", "TCP"),
	"name": sprintf("%s-%v", [lower(object.get(spec, "protocol", "TCP")), spec.port]),
	"targetPort": spec.port,
}

# True for a port opaque to the sidecar (TCP, TLS, HTTPS): no methods, paths or cookies there.
opaque_port(port) if port.protocol in opaque_protocols

# True when the application itself speaks TLS on the port (HTTPS, TLS).
app_tls_port(port) if port.protocol in {"TLS", "HTTPS"}

# True for a service with an opaque port.
opaque(service) if {
	some port in ports_of(service)
	opaque_port(port)
}

# True for a service whose ports are all opaque.
all_opaque(service) if {
	count(ports_of(service)) > 0
	every port in ports_of(service) {
		opaque_port(port)
	}
}

# The HTTP ports of a service, by name.
http_port_names(service) := [port.name | some port in ports_of(service); not opaque_port(port)]

# The field a finding about port i's `key` points at: the shorthand's field when the file uses it.
port_field(service, i, key) := field if {
	not shorthand(service)
	field := sprintf("spec.ports[%d].%s", [i, key])
}

port_field(service, _, "protocol") := "spec.protocol" if shorthand(service)

port_field(service, _, key) := "spec.port" if {
	shorthand(service)
	key != "protocol"
}

# True when the file writes the one-port shorthand (port + protocol).
shorthand(service) if object.get(service.spec, "port", null) != null

# The port of `service` an access entry names (a number, or a name); undefined when there is none.
port_by_reference(service, reference) := port if {
	some port in ports_of(service)
	port_matches(port, reference)
}

port_matches(port, reference) if port.name == reference

port_matches(port, reference) if sprintf("%v", [port.number]) == sprintf("%v", [reference])

# The ports an access entry applies to: those it names that the service has, else every port.
entry_ports(entry, service) := [port |
	some port in ports_of(service)
	some reference in entry.ports
	port_matches(port, reference)
] if is_array(object.get(entry, "ports", null))

else := ports_of(service)

# True when an access entry names HTTP attributes (methods or paths).
http_entry(entry) if configured(entry, "methods")

http_entry(entry) if configured(entry, "paths")

# A credentialName reference (never key material) is present in spec.tls.
has_credential_name(intent) if {
	tls := object.get(intent.spec, "tls", null)
	is_object(tls)
	name := object.get(tls, "credentialName", "")
	is_string(name)
	name != ""
}

credential_name(intent) := intent.spec.tls.credentialName if has_credential_name(intent)

else := null

# The field to point at when a TLS credential is missing: spec.tls when the block exists, else
# the mode that asks for it.
credential_field(intent) := "spec.tls" if configured(intent.spec, "tls")

else := "spec.mutualTLS"

# The cross-cluster host name of an InboundService: <service>.<namespace>.global.
global_host(service) := sprintf("%s.%s.global", [service.spec.service, object.get(service.spec, "namespace", "default")])

# The clusters that host an InboundService: spec.cluster, then those of spec.alsoIn (the same
# Service in several clusters, with locality failover between them).
hosting_clusters(service) := array.concat([service.spec.cluster], also_in(service))

also_in(service) := also if {
	also := object.get(service.spec, "alsoIn", [])
	is_array(also)
} else := []

# True when `cluster` hosts the service (its cluster or one of alsoIn).
hosted_in(service, cluster) if cluster == service.spec.cluster

hosted_in(service, cluster) if cluster in also_in(service)

# A client in a known cluster calling a known service hosted in other known clusters only: the
# traffic crosses the east-west gateways (what the renderer draws .global objects for). A client
# in a cluster of the service's alsoIn calls its own cluster's copy first.
remote_client(client) if {
	target := target_of(client)
	cluster_of(client)
	cluster_of(target)
	not hosted_in(target, client.spec.cluster)
}

# True when `host` matches `pattern`: equal, or `pattern` is *.domain and host a subdomain of it.
host_matches(pattern, host) if pattern == host

host_matches(pattern, host) if {
	startswith(pattern, "*.")
	endswith(host, trim_prefix(pattern, "*"))
}

# True for a host name an ingress serves to the public (no private suffix of data.yaml).
public_host(host) if {
	not private_host(host)
}

private_host(host) if {
	some suffix in private_host_suffixes
	endswith(host, suffix)
}

# True for a protocol whose requests the sidecar parses (HTTP routes, JWT, methods and paths).
http_protocol(protocol) if protocol in {"HTTP", "HTTP2", "GRPC"}

# ---- Lookup objects ---------------------------------------------------------------------------
# Each is grouped in one pass by a multi-value rule (`x_groups[key] contains item`), and read
# whole once by a complete rule (`x := x_groups`), whose value every engine computes once per
# evaluation. Rules then look a key up (`x[key]`, constant time) instead of scanning a collection
# for every element, which is quadratic: 10,000 services times 10,000 hosts is 10^8 steps.
# See policies/README.md, "Writing rules that stay fast".

# host (<service>.<namespace>.global) -> names of the InboundServices publishing it.
services_by_host_groups[host] contains name if {
	some name, service in input.services
	host := global_host(service)
}

services_by_host := services_by_host_groups

services_with_host(host) := object.get(services_by_host, host, set())

# InboundService name -> names of the clients that target it.
clients_by_target_groups[target] contains name if {
	some name, client in input.clients
	target := client.spec.target
	is_string(target)
}

clients_by_target := clients_by_target_groups

clients_of(service_name) := object.get(clients_by_target, service_name, set())

# InboundService name -> names of its clients in other clusters (see remote_client).
remote_clients_by_target_groups[target] contains name if {
	some name, client in input.clients
	remote_client(client)
	target := client.spec.target
}

remote_clients_by_target := remote_clients_by_target_groups

remote_clients_of(service_name) := object.get(remote_clients_by_target, service_name, set())

# TLS mode (spec.mutualTLS) -> names of the clients using it; a client without a mode is in none.
# Rules about one mode (SIMPLE, MUTUAL, DISABLE) read its group instead of testing every client.
clients_by_tls_mode_groups[mode] contains name if {
	some name, client in input.clients
	mode := tls_mode(client)
	mode != null
}

clients_by_tls_mode := clients_by_tls_mode_groups

clients_with_tls_mode(mode) := object.get(clients_by_tls_mode, mode, set())

# TLS mode (spec.mutualTLS) -> names of the InboundServices using it.
services_by_tls_mode_groups[mode] contains name if {
	some name, service in input.services
	mode := tls_mode(service)
	mode != null
}

services_by_tls_mode := services_by_tls_mode_groups

services_with_tls_mode(mode) := object.get(services_by_tls_mode, mode, set())

# Names of the clients without sidecar.
clients_without_sidecar contains name if {
	some name, client in input.clients
	without_sidecar(client)
}

# Names of the clients with an `access` list.
clients_with_access contains name if {
	some name, client in input.clients
	has_access(client)
}

# Names of the InboundServices that some client restricts with `access`.
targets_with_access contains client.spec.target if {
	some client in input.clients
	has_access(client)
}

# [cluster, address] -> hosts of the ServiceEntries rendered with that virtual address there.
hosts_by_address_groups[key] contains host if {
	some cluster, objects in input.rendered
	some entry in objects
	entry.kind == "ServiceEntry"
	some address in object.get(entry.spec, "addresses", [])
	some host in object.get(entry.spec, "hosts", [])
	key := [cluster, address]
}

hosts_by_address := hosts_by_address_groups

# [cluster, host] -> names of the IngressRoutes serving that host on the cluster's ingress gateway.
ingress_routes_by_host_groups[key] contains name if {
	some name, route in input.ingressRoutes
	some host in object.get(route.spec, "hosts", [])
	key := [route.spec.cluster, host]
}

ingress_routes_by_host := ingress_routes_by_host_groups

# True for a well-formed IP address (a malformed one is reported by MG-SCHEMA, not by the policies).
ip_address(address) if {
	is_string(address)
	not contains(address, "/")
	net.cidr_is_valid(sprintf("%s/32", [address]))
}

# True when `address` is a string inside the virtual address range; anything unparsable is outside.
in_virtual_range(address) if {
	is_string(address)
	net.cidr_contains(virtual_address_range, address)
}

# A dotted field path for a walk() path: ["spec", "access", 0, "paths"] -> spec.access[0].paths
field_path(path) := replace(concat(".", [path_segment(p) | some p in path]), ".[", "[")

path_segment(p) := sprintf("[%v]", [p]) if is_number(p)

else := sprintf("%v", [p])
