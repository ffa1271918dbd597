# Shared helpers over the policy input (see policies/README.md for its shape).
# This package defines no deny/warn sets, so it contributes no findings itself.
package meshgate.lib

# The tunables of policies/data.yaml, each with the default the contract states, so deleting
# data.yaml never silently disables a rule.
default config := {}

config := data.meshgate_config

virtual_address_range := object.get(config, "virtual_address_range", "240.0.0.0/4")

pem_markers := object.get(config, "pem_markers", ["-----BEGIN "])

layer4_protocols := object.get(config, "layer4_protocols", ["TCP", "TLS"])

http_hash_keys := object.get(config, "http_hash_keys", ["httpCookie", "httpHeaderName", "httpQueryParameterName"])

warn_outlier_without_pool := object.get(config, "warn_outlier_detection_without_connection_pool", true)

# Which input collection holds which intent kind.
kind_of_collection := {"clusters": "Cluster", "services": "InboundService", "clients": "ServiceClient"}

# A spec field counts as configured when present and not null (absent blocks mean "not configured").
configured(spec, key) if object.get(spec, key, null) != null

# Istio features (mTLS, load balancing, circuit breaking) exist only with the istio-proxy sidecar.
# sidecar defaults to true.
without_sidecar(intent) if object.get(intent.spec, "sidecar", true) == false

# The TLS mode of a service or client; null when unknown (a client of an unknown target).
tls_mode(intent) := object.get(intent.spec, "mutualTLS", null)

# The InboundService a client calls; undefined when the target does not exist.
target_of(client) := input.services[client.spec.target]

# The Cluster an InboundService or ServiceClient runs in; undefined when it does not exist.
cluster_of(intent) := input.clusters[intent.spec.cluster]

logical_cloud_of(intent) := cluster_of(intent).spec.logicalCloud

# A credentialName reference (never key material) is present in spec.tls.
has_credential_name(intent) if {
	tls := object.get(intent.spec, "tls", null)
	is_object(tls)
	name := object.get(tls, "credentialName", "")
	is_string(name)
	name != ""
}

# The field to point at when a TLS credential is missing: spec.tls when the block exists, else
# the mode that asks for it.
credential_field(intent) := "spec.tls" if configured(intent.spec, "tls")

else := "spec.mutualTLS"

# The cross-cluster host name of an InboundService: <service>.<namespace>.global.
global_host(service) := sprintf("%s.%s.global", [service.spec.service, object.get(service.spec, "namespace", "default")])

# Names of the InboundServices whose global host is `host` (a set: names never clash here).
services_with_host(host) := {name | some name, service in input.services; global_host(service) == host}

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
