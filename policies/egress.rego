# Egress: ExternalServices let workloads call hosts outside the mesh.
# How Istio does it: https://istio.io/latest/docs/tasks/traffic-management/egress/
package meshgate.egress

import data.meshgate.lib

# MG-EGRESS-01 — an external host that is not on the allow-list (external_hosts_allowed in data.yaml).
# Protects: data exfiltration. What may leave the mesh is the security team's decision.
deny contains {"rule": "MG-EGRESS-01", "msg": msg, "kind": "ExternalService", "name": name, "field": "spec.host"} if {
	some name, external in input.externalServices
	host := external.spec.host
	is_string(host)
	not allowed(host)
	msg := sprintf("ExternalService %s names host %s, which is not on the allow-list of external hosts (external_hosts_allowed in policies/data.yaml: %v); ask the security team to add it", [name, host, lib.external_hosts_allowed])
}

allowed(host) if {
	some pattern in lib.external_hosts_allowed
	lib.host_matches(pattern, host)
}

# MG-EGRESS-02 — TLS origination on a port that is not an HTTP port of the ExternalService.
# Protects: availability. Istio originates TLS for plain HTTP the caller sends; on a TLS port the
# caller's own TLS would be wrapped again, and a port that is not listed has no ServiceEntry port.
deny contains {"rule": "MG-EGRESS-02", "msg": msg, "kind": "ExternalService", "name": name, "field": "spec.tlsOrigination.port"} if {
	some name, external in input.externalServices
	origination := external.spec.tlsOrigination
	is_object(origination)
	not http_port(external, origination.port)
	msg := sprintf("ExternalService %s originates TLS on port %v, which is not an HTTP port of spec.ports; list it with protocol HTTP (callers send plain HTTP there and Istio originates the TLS)", [name, origination.port])
}

http_port(external, number) if {
	some port in external.spec.ports
	port.number == number
	port.protocol == "HTTP"
}

# MG-EGRESS-03 — through the egress gateway, more than one HTTP port or more than one TLS port.
# Protects: availability. Callers reach the egress gateway on its Service's port 80 (HTTP) and 443
# (TLS, passed through by SNI), so one host has one port of each kind there.
deny contains {"rule": "MG-EGRESS-03", "msg": msg, "kind": "ExternalService", "name": name, "field": "spec.ports"} if {
	some name, external in input.externalServices
	object.get(external.spec, "egressGateway", false) == true
	some kind in ["HTTP", "TLS"]
	ports := [port.number | some port in external.spec.ports; port_kind(port.protocol) == kind]
	count(ports) > 1
	msg := sprintf("ExternalService %s sends %s ports %v through the egress gateway, which has one %s port (its Service's %v); keep one, or call the others without the egress gateway in another ExternalService", [name, kind, ports, kind, gateway_port[kind]])
}

port_kind("HTTP") := "HTTP"

port_kind("HTTPS") := "TLS"

port_kind("TLS") := "TLS"

gateway_port := {"HTTP": 80, "TLS": 443}

# MG-EGRESS-04 (warning) — namespaces listed for a cluster whose outboundTrafficPolicy is ALLOW_ANY.
# With ALLOW_ANY (Istio's default) workloads reach any host through the PassthroughCluster, so
# exportTo restricts nothing there; REGISTRY_ONLY makes the list mean something.
warn contains {"rule": "MG-EGRESS-04", "msg": msg, "kind": "ExternalService", "name": name, "field": field} if {
	some name, external in input.externalServices
	lib.configured(external.spec, "namespaces")
	some i, cluster_name in object.get(external.spec, "clusters", [])
	cluster := input.clusters[cluster_name]
	object.get(cluster.spec, "outboundTrafficPolicy", "ALLOW_ANY") == "ALLOW_ANY"
	field := sprintf("spec.clusters[%d]", [i])
	msg := sprintf("ExternalService %s limits its callers to namespaces %v, but cluster %s lets every workload reach any host (outboundTrafficPolicy ALLOW_ANY); set outboundTrafficPolicy: REGISTRY_ONLY on the Cluster (and in its mesh config) to enforce the list", [name, external.spec.namespaces, cluster_name])
}

# MG-EGRESS-05 — two ExternalServices for one host in one cluster.
# Protects: availability. Istio keeps one ServiceEntry per host and namespace (by creation time),
# so the other's ports and callers silently stop working.
deny contains {"rule": "MG-EGRESS-05", "msg": msg, "kind": "ExternalService", "name": name, "field": "spec.host"} if {
	some key, names in externals_by_host
	count(names) > 1
	first := min(names)
	some name in names
	name != first
	msg := sprintf("ExternalService %s names host %s in cluster %s, as ExternalService %s does; keep one ExternalService per host (list every port and namespace there)", [name, key[1], key[0], first])
}

externals_by_host_groups[[cluster, external.spec.host]] contains name if {
	some name, external in input.externalServices
	some cluster in object.get(external.spec, "clusters", [])
}

externals_by_host := externals_by_host_groups
