# Load balancing and circuit breaking of InboundServices.
package meshgate.loadbalancing

import data.meshgate.lib

# MG-LB-01 — cookie, header or query-parameter hashing on a TCP/TLS service.
# Protects: the operator's belief. On a layer-4 service Envoy never sees an HTTP request, so the
# hash key does not exist and stickiness silently does not happen. Use useSourceIp instead.
deny contains {"rule": "MG-LB-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	protocol := service.spec.protocol
	protocol in lib.layer4_protocols
	balancing := object.get(service.spec, "loadBalancing", null)
	is_object(balancing)
	hash := object.get(balancing, "consistentHash", null)
	is_object(hash)
	some key in lib.http_hash_keys
	lib.configured(hash, key)
	field := sprintf("spec.loadBalancing.consistentHash.%s", [key])
	msg := sprintf("service %s uses %s hashing but speaks %s, where there is no HTTP request to hash; use consistentHash.useSourceIp or an HTTP protocol", [name, key, protocol])
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
