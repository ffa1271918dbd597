# mTLS defaults of a cluster (Cluster spec.peerAuthentication: the mesh's and namespaces'
# PeerAuthentication without selector) against what the services there need. A workload's own
# PeerAuthentication beats its namespace's, which beats the mesh's:
# https://istio.io/latest/docs/reference/config/security/peer_authentication/
package meshgate.mtls

import data.meshgate.lib

defaults(cluster) := object.get(cluster.spec, "peerAuthentication", {})

namespace_modes(cluster) := object.get(defaults(cluster), "namespaces", {})

# The default mode of `namespace` in `cluster` and the field that sets it; undefined when neither is set.
default_of(cluster, namespace) := [mode, sprintf("spec.peerAuthentication.namespaces.%s", [namespace])] if {
	mode := namespace_modes(cluster)[namespace]
} else := [mode, "spec.peerAuthentication.mesh"] if {
	mode := defaults(cluster).mesh
}

# [cluster, namespace] -> names of the ISTIO_MUTUAL services with sidecar hosted there.
istio_mutual_services_groups[key] contains name if {
	some name, service in input.services
	lib.tls_mode(service) == "ISTIO_MUTUAL"
	not lib.without_sidecar(service)
	is_string(service.spec.cluster)
	key := [service.spec.cluster, object.get(service.spec, "namespace", "default")]
}

istio_mutual_services := istio_mutual_services_groups

# MG-MTLS-01 — mTLS turned off (DISABLE) for a namespace that hosts an ISTIO_MUTUAL service.
# Protects: the operator's belief. The service's own PeerAuthentication (STRICT) overrides the
# namespace's for its pods, so the namespace would not be without mTLS as its setting says.
deny contains {"rule": "MG-MTLS-01", "msg": msg, "kind": "Cluster", "name": cluster_name, "field": field} if {
	some key, services in istio_mutual_services
	[cluster_name, namespace] := key
	cluster := input.clusters[cluster_name]
	[mode, field] := default_of(cluster, namespace)
	mode == "DISABLE"
	msg := sprintf("cluster %s turns mTLS off (DISABLE) for namespace %s, which hosts %s using ISTIO_MUTUAL: their own PeerAuthentication (STRICT) wins for their pods, so DISABLE would not hold there; %s", [cluster_name, namespace, concat(", ", sort(services)), disable_advice(field, namespace)])
}

disable_advice(field, namespace) := sprintf("set namespace %s to STRICT or PERMISSIVE in spec.peerAuthentication.namespaces (the mesh default DISABLE applies to it), or host those services in another namespace", [namespace]) if {
	field == "spec.peerAuthentication.mesh"
} else := sprintf("set %s to STRICT or PERMISSIVE, or host those services in another namespace", [field])

# MG-MTLS-01 — the root namespace listed as a namespace: its PeerAuthentication without selector is
# the mesh-wide one.
deny contains {"rule": "MG-MTLS-01", "msg": msg, "kind": "Cluster", "name": name, "field": "spec.peerAuthentication.namespaces.istio-system"} if {
	some name, cluster in input.clusters
	mode := namespace_modes(cluster)["istio-system"]
	msg := sprintf("cluster %s sets namespace istio-system to %s, but istio-system is Istio's root namespace, where a PeerAuthentication without selector applies to the whole mesh; write it as spec.peerAuthentication.mesh: %s", [name, mode, mode])
}

# MG-MTLS-03 — an ISTIO_MUTUAL service living in istio-system, Istio's root namespace, in a cluster
# whose mesh default is not STRICT. Protects: authentication. "PeerAuthentication policies with
# workload selectors are ignored when deployed in the root namespace", so the service's own STRICT
# policy would not apply: its pods take the mesh's mode and accept plain text.
# https://istio.io/latest/docs/reference/config/security/peer_authentication/
deny contains {"rule": "MG-MTLS-03", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.namespace"} if {
	some name, service in input.services
	object.get(service.spec, "namespace", "default") == "istio-system" # first: the rare case
	lib.tls_mode(service) == "ISTIO_MUTUAL"
	not lib.without_sidecar(service)
	cluster := lib.cluster_of(service)
	mesh := object.get(defaults(cluster), "mesh", "PERMISSIVE")
	mesh != "STRICT"
	msg := sprintf("service %s runs in istio-system, Istio's root namespace, where a PeerAuthentication with a selector is ignored: its pods would keep the mesh's mode (%s in cluster %s), not the STRICT that ISTIO_MUTUAL asks for, and accept plain text; run it in a namespace of its own, or set spec.peerAuthentication.mesh: STRICT on cluster %s", [name, mesh, service.spec.cluster, service.spec.cluster])
}

# MG-MTLS-02 (warning) — a client without sidecar that keeps a SIMPLE/MUTUAL service below its
# namespace's STRICT default: meshgate renders the service PERMISSIVE so the client's plain text
# gets in, and so does anyone else's.
warn contains {"rule": "MG-MTLS-02", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name in lib.clients_without_sidecar
	client := input.clients[name]
	target := lib.target_of(client)
	client.spec.cluster == target.spec.cluster
	lib.tls_mode(target) in {"SIMPLE", "MUTUAL"}
	not lib.without_sidecar(target)
	namespace := object.get(target.spec, "namespace", "default")
	[mode, _] := default_of(lib.cluster_of(target), namespace)
	mode == "STRICT"
	msg := sprintf("client %s has no sidecar and calls %s in cluster %s, where namespace %s has a STRICT mTLS default: meshgate renders %s's PeerAuthentication PERMISSIVE so this client's plain text gets in, which lets any caller without mTLS reach its pods; run %s with the istio-proxy sidecar (spec.sidecar: true and spec.tls.credentialName for its %s), and %s stays STRICT", [name, client.spec.target, target.spec.cluster, namespace, client.spec.target, name, lib.tls_mode(client), client.spec.target])
}
