# Load balancing and circuit breaking of InboundServices.
package meshgate.loadbalancing

import data.meshgate.lib

# MG-LB-01 — cookie, header or query-parameter hashing on a service whose ports are all TCP, TLS
# or HTTPS. Protects: the operator's belief. On an opaque port (HTTPS is TLS to Istio) Envoy never
# sees an HTTP request, so the hash key does not exist and stickiness silently does not happen.
# (With an HTTP port as well, the hash applies there.)
deny contains {"rule": "MG-LB-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	ports := lib.ports_of(service)
	count(ports) > 0
	every port in ports {
		port.protocol in lib.layer4_protocols
	}
	protocol := concat("/", {port.protocol | some port in ports})
	balancing := object.get(service.spec, "loadBalancing", null)
	is_object(balancing)
	hash := object.get(balancing, "consistentHash", null)
	is_object(hash)
	some key in lib.http_hash_keys
	lib.configured(hash, key)
	field := sprintf("spec.loadBalancing.consistentHash.%s", [key])
	msg := sprintf("service %s uses %s hashing but speaks %s, where there is no HTTP request to hash; use consistentHash.useSourceIp (for callers in its own cluster, see MG-LB-02) or an HTTP protocol", [name, key, protocol])
}

# MG-LB-02 (warning) — hash-based load balancing for a service with clients in other clusters.
# The caller's proxy hashes over the endpoints it knows, and for the .global host that is the
# hosting cluster's east-west gateway: the hash picks a gateway, not a pod, so there is no
# stickiness across clusters. meshgate applies the hash to callers in the hosting cluster only.
warn contains {"rule": "MG-LB-02", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.loadBalancing.consistentHash"} if {
	some name, service in input.services
	balancing := object.get(service.spec, "loadBalancing", null)
	is_object(balancing)
	is_object(object.get(balancing, "consistentHash", null))
	remote := lib.remote_clients_of(name)
	count(remote) > 0
	msg := sprintf("service %s uses consistentHash, but clients in other clusters (%s) reach it through the east-west gateway, where the hash picks the gateway, not a pod; the hash applies to callers in cluster %s only (use loadBalancing.simple to silence this)", [name, concat(", ", sort(remote)), service.spec.cluster])
}

# MG-CB-01 (warning) — outlierDetection without connectionPool: hosts get ejected, but nothing
# limits the load the remaining hosts take, so one slow host can cascade. Tunable in data.yaml.
warn contains {"rule": "MG-CB-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.outlierDetection"} if {
	lib.warn_outlier_without_pool == true
	some name, service in input.services
	lib.configured(service.spec, "outlierDetection")
	not lib.configured(service.spec, "connectionPool")
	msg := sprintf("service %s sets outlierDetection without connectionPool; add connectionPool limits so the remaining hosts are not overloaded", [name])
}
