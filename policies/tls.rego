# Transport security between clients and the services they call.
package meshgate.tls

import data.meshgate.lib

# MG-TLS-01 — a client whose TLS mode cannot talk to its target.
# Protects: availability and confidentiality. An ISTIO_MUTUAL target (PeerAuthentication STRICT)
# rejects anything but Istio mTLS from a sidecar, so such a client would be cut off or, worse, an
# operator "fixes" it by relaxing the target.
# (Read from the clients of each other mode: an unknown mode, null, is in none of them, as
# MG-SCHEMA already asks for spec.mutualTLS.)
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some mode, names in lib.clients_by_tls_mode
	mode != "ISTIO_MUTUAL"
	some name in names
	client := input.clients[name]
	target := lib.target_of(client)
	lib.tls_mode(target) == "ISTIO_MUTUAL"
	msg := sprintf("client %s uses mutualTLS %v but its target %s requires ISTIO_MUTUAL (it accepts only Istio mTLS); %s", [name, mode, client.spec.target, istio_mutual_advice(client, target)])
}

# What it takes for `client` to use ISTIO_MUTUAL towards `target`, said so the advice never leads
# to another finding (MG-SIDECAR-01, MG-TLS-02, MG-TLS-03).
istio_mutual_advice(client, target) := msg if {
	lib.logical_cloud_of(client) != lib.logical_cloud_of(target)
	msg := sprintf("Istio mTLS needs one root of trust, and cluster %s is in logical cloud %s while %s is in %s: call it from a cluster of logical cloud %s, or serve %s with SIMPLE or MUTUAL", [client.spec.cluster, lib.logical_cloud_of(client), target.spec.cluster, lib.logical_cloud_of(target), lib.logical_cloud_of(target), client.spec.target])
} else := msg if {
	lib.without_sidecar(client)
	msg := "only the istio-proxy sidecar originates Istio mTLS: run the client with the sidecar and set spec.mutualTLS: ISTIO_MUTUAL (or leave it out: it defaults to the target's)"
} else := msg if {
	not trust_domain_accepted(client, target)
	msg := sprintf("set spec.mutualTLS: ISTIO_MUTUAL (or leave it out) and add trust domain %s to spec.trustDomainAliases of cluster %s", [lib.trust_domain(lib.cluster_of(client)), target.spec.cluster])
} else := "set spec.mutualTLS: ISTIO_MUTUAL (or leave it out: it defaults to the target's)"

# MG-TLS-01 — a MUTUAL target demands a client certificate, which only a MUTUAL client presents.
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some target_name in lib.services_with_tls_mode("MUTUAL")
	target := input.services[target_name]
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	mode := lib.tls_mode(client)
	mode != null
	mode != "MUTUAL"
	msg := sprintf("client %s uses mutualTLS %v but its target %s requires MUTUAL (a client certificate); set spec.mutualTLS: MUTUAL with spec.tls.credentialName naming the Secret with the client's certificate", [name, mode, client.spec.target])
}

# MG-TLS-01 — a DISABLE target (a workload without sidecar) takes plain text: a client whose sidecar
# originates Istio mTLS or TLS of its own would send it bytes its application cannot read.
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some target_name in lib.services_with_tls_mode("DISABLE")
	target := input.services[target_name]
	some name in lib.clients_of(target_name)
	client := input.clients[name]
	mode := lib.tls_mode(client)
	mode != null
	mode != "DISABLE"
	msg := sprintf("client %s uses mutualTLS %v but its target %s takes plain text (DISABLE: its pods have no sidecar); set spec.mutualTLS: DISABLE (or leave it out: it defaults to the target's)", [name, mode, client.spec.target])
}

# MG-TLS-06 — DISABLE on a service with a sidecar.
# Protects: the operator's belief. DISABLE tells callers' proxies to send plain text to pods that
# have no sidecar (a legacy namespace); a service with a sidecar gets Istio mTLS from them anyway
# (auto mTLS), so DISABLE would only turn its protection off.
deny contains {"rule": "MG-TLS-06", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.mutualTLS"} if {
	some name in lib.services_with_tls_mode("DISABLE")
	service := input.services[name]
	not lib.without_sidecar(service)
	msg := sprintf("service %s uses mutualTLS DISABLE but runs with a sidecar; DISABLE is for workloads without sidecar (set spec.sidecar: false if it has none), otherwise use ISTIO_MUTUAL", [name])
}

# MG-TLS-01 — ISTIO_MUTUAL is originated by the istio-proxy sidecar; without one the client sends
# plain text. (MG-SIDECAR-01 reports the same client for asking Istio mTLS without a sidecar: the
# contract lists the case under both ids, one about the pair, one about the client.)
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name in lib.clients_without_sidecar
	client := input.clients[name]
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	msg := sprintf("client %s has no sidecar, so it cannot use ISTIO_MUTUAL (the sidecar originates Istio mTLS); run it with the istio-proxy sidecar%s", [name, lib.sidecar_source(client)])
}

# MG-TLS-01 — SIMPLE and MUTUAL need certificates, referenced by a Kubernetes Secret name: the
# client's sidecar originates the TLS with them. (A client without sidecar does its TLS itself, in
# its own cluster only; nothing of meshgate's would read the Secret.)
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.clients_with_tls_mode(mode)
	client := input.clients[name]
	not lib.without_sidecar(client)
	not mode_refused(client) # the mode is wrong anyway: the finding above says which to use
	not lib.has_credential_name(client)
	field := lib.credential_field(client)
	msg := sprintf("client %s uses mutualTLS %s without spec.tls.credentialName; reference the Kubernetes Secret (in the client's namespace) that holds its CA certificate%s", [name, mode, client_key_note(mode)])
}

# True when the client's mode is not one its target accepts (the first MG-TLS-01 rules).
mode_refused(client) if {
	lib.tls_mode(lib.target_of(client)) == "ISTIO_MUTUAL"
	lib.tls_mode(client) != "ISTIO_MUTUAL"
}

mode_refused(client) if {
	lib.tls_mode(lib.target_of(client)) == "MUTUAL"
	lib.tls_mode(client) != "MUTUAL"
}

client_key_note("MUTUAL") := " and its client certificate and key"

client_key_note("SIMPLE") := ""

# The service's Secret is the certificate of the gateway's TLS server; a service whose application
# terminates TLS itself (HTTPS, TLS) is reached through a PASSTHROUGH server and needs none (MG-TLS-05).
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.services_with_tls_mode(mode)
	service := input.services[name]
	not application_tls(service)
	not lib.has_credential_name(service)
	field := lib.credential_field(service)
	msg := sprintf("service %s uses mutualTLS %s without spec.tls.credentialName; reference the Kubernetes Secret (in the east-west gateway's namespace) that holds its certificate and key", [name, mode])
}

# MG-TLS-02 — ISTIO_MUTUAL between clusters of different logical clouds.
# Protects: trust. Clusters of one logical cloud share one root CA; across clouds the peers'
# certificates do not chain to a common root, so Istio mTLS fails (or invites sharing a root CA
# key between clouds to "fix" it). Cross-cloud traffic must use SIMPLE or MUTUAL with real certs.
# (Asked once per pair of clusters: the clouds are the clusters'.)
deny contains {"rule": "MG-TLS-02", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some key, names in istio_mutual_clients_by_clusters
	[client_cluster, target_cluster] := key
	client_cloud := input.clusters[client_cluster].spec.logicalCloud
	target_cloud := input.clusters[target_cluster].spec.logicalCloud
	client_cloud != target_cloud
	some name in names
	client := input.clients[name]
	target := lib.target_of(client)
	msg := sprintf("client %s (cluster %s, logical cloud %s) uses ISTIO_MUTUAL to %s (cluster %s, logical cloud %s): different roots of trust; serve %s with SIMPLE or MUTUAL (spec.tls.credentialName on both sides) and set this client's spec.mutualTLS to match", [name, client.spec.cluster, client_cloud, client.spec.target, target.spec.cluster, target_cloud, client.spec.target])
}

# MG-TLS-03 — ISTIO_MUTUAL between clusters with different trust domains, unless the hosting
# cluster lists the client's trust domain in spec.trustDomainAliases.
# Protects: availability. The server's sidecar accepts a peer certificate only from its own trust
# domain and the mesh's trustDomainAliases (Istio validates the peer's SPIFFE trust domain), so
# the handshake fails although both chain to one root.
# https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig (trustDomainAliases)
# (Asked once per pair of clusters, then of the clients of the pairs that do not accept each other.)
deny contains {"rule": "MG-TLS-03", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some key, names in istio_mutual_clients_by_clusters
	[client_cluster, target_cluster] := key
	not trust_domain_accepted_between(client_cluster, target_cluster)
	some name in names
	client := input.clients[name]
	lib.remote_client(client)
	target := lib.target_of(client)
	msg := sprintf("client %s runs in cluster %s (trust domain %s) and uses ISTIO_MUTUAL to %s in cluster %s (trust domain %s), whose sidecars accept only their own trust domain and its aliases; add %s to spec.trustDomainAliases of cluster %s (and to its mesh config)", [name, client.spec.cluster, lib.trust_domain(lib.cluster_of(client)), client.spec.target, target.spec.cluster, lib.trust_domain(lib.cluster_of(target)), lib.trust_domain(lib.cluster_of(client)), target.spec.cluster])
}

trust_domain_accepted(client, target) if trust_domain_accepted_between(client.spec.cluster, target.spec.cluster)

# True when the sidecars of cluster `server` accept Istio mTLS peers of cluster `caller`.
trust_domain_accepted_between(caller, server) if {
	lib.trust_domain(input.clusters[caller]) == lib.trust_domain(input.clusters[server])
}

trust_domain_accepted_between(caller, server) if {
	lib.trust_domain(input.clusters[caller]) in object.get(input.clusters[server].spec, "trustDomainAliases", [])
}

# MG-TLS-04 — clients of one service in one cluster whose TLS meshgate cannot render so it works.
# (a) Istio mTLS next to SIMPLE/MUTUAL: the host has one ServiceEntry in that cluster, whose
#     endpoint is either the gateway's AUTO_PASSTHROUGH port (Istio mTLS must pass through to the
#     service's sidecar) or its TLS-terminating port (SIMPLE/MUTUAL), never both.
deny contains {"rule": "MG-TLS-04", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.clients_with_tls_mode(mode)
	client := input.clients[name]
	lib.remote_client(client)
	key := [client.spec.target, client.spec.cluster]
	istio := istio_mutual_remote_clients[key]
	msg := sprintf("client %s uses %s to %s from cluster %s, where %s use ISTIO_MUTUAL: the host %s has one ServiceEntry in %s, which leads either to the gateway's Istio mTLS passthrough port or to its TLS port, not both; use one mode for all clients of %s in cluster %s", [name, mode, client.spec.target, client.spec.cluster, concat(", ", sort(istio)), lib.global_host(lib.target_of(client)), client.spec.cluster, client.spec.target, client.spec.cluster])
}

# (b) One workload (namespace and service of one cluster) with two TLS settings for one host:
#     Istio applies one DestinationRule per workload and host, and meshgate renders the first
#     client's (by name).
deny contains {"rule": "MG-TLS-04", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some key, names in tls_clients_by_workload
	count(names) > 1
	first := min(names)
	some name in names
	client := input.clients[name]
	tls_setting(client) != tls_setting(input.clients[first])
	field := conflict_field(client, input.clients[first])
	msg := sprintf("clients %s and %s are one workload (service %s in namespace %s of cluster %s) and call %s with different TLS settings (%s, %s); Istio applies one DestinationRule per workload and host, and meshgate renders the one of %s: give them the same mode and spec.tls.credentialName", [first, name, client.spec.service, client.spec.namespace, client.spec.cluster, client.spec.target, describe_tls(input.clients[first]), describe_tls(client), first])
}

tls_setting(client) := [lib.tls_mode(client), lib.credential_name(client)]

describe_tls(client) := sprintf("%s with %v", [lib.tls_mode(client), lib.credential_name(client)])

conflict_field(client, first) := "spec.mutualTLS" if lib.tls_mode(client) != lib.tls_mode(first)

else := lib.credential_field(client)

# (c) A SIMPLE/MUTUAL service with several ports that clients of other clusters reach through the
#     gateway's TLS server: they all arrive on one gateway port (tlsPort) with one SNI, the host
#     <service>.<namespace>.global, so the gateway can route one port of the service only (meshgate
#     routes the first).
deny contains {"rule": "MG-TLS-04", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.ports"} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.services_with_tls_mode(mode)
	service := input.services[name]
	ports := lib.ports_of(service)
	count(ports) > 1
	remote := {client_name |
		some client_name in lib.remote_clients_of(name)
		lib.tls_mode(input.clients[client_name]) in {"SIMPLE", "MUTUAL"}
	}
	count(remote) > 0
	msg := sprintf("service %s has %d ports and clients in other clusters using SIMPLE/MUTUAL (%s): they reach it through the east-west gateway's TLS port with one SNI (%s), so the gateway can route one port only; give each further port its own Kubernetes Service and InboundService (keeping port %v here), or serve %s with ISTIO_MUTUAL, which reaches every port", [name, count(ports), concat(", ", sort(remote)), lib.global_host(service), ports[0].number, name])
}

# True when the port SIMPLE/MUTUAL callers of other clusters use (the first) speaks TLS itself.
application_tls(service) if lib.app_tls_port(lib.ports_of(service)[0])

# MG-TLS-05 (warning) — a credentialName that nothing reads: the service's application terminates
# TLS itself, so the gateway passes the TLS through by SNI and holds no certificate for it.
warn contains {"rule": "MG-TLS-05", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.tls"} if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.services_with_tls_mode(mode)
	service := input.services[name]
	application_tls(service)
	lib.has_credential_name(service)
	port := lib.ports_of(service)[0]
	msg := sprintf("service %s terminates TLS in its application (port %v speaks %s): clients of other clusters reach it through a PASSTHROUGH server of the east-west gateway, and the TLS their sidecars originate ends in the application, whose own certificate must name %s; spec.tls.credentialName %s is not used: remove spec.tls", [name, port.number, port.protocol, lib.global_host(service), lib.credential_name(service)])
}

# [target, cluster] -> names of the remote ISTIO_MUTUAL clients of target in cluster.
# (Iterates input.clients itself rather than lib.clients_with_tls_mode: the service then keeps
# each client's part and patches the groups at a push instead of grouping 30,000 clients again.)
istio_mutual_remote_clients_groups[key] contains name if {
	some name, client in input.clients
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	lib.remote_client(client)
	key := [client.spec.target, client.spec.cluster]
}

istio_mutual_remote_clients := istio_mutual_remote_clients_groups

# [target, cluster, namespace, service] -> names of the remote SIMPLE/MUTUAL clients of that workload.
tls_clients_by_workload_groups[key] contains name if {
	some mode in ["SIMPLE", "MUTUAL"]
	some name in lib.clients_with_tls_mode(mode)
	client := input.clients[name]
	lib.remote_client(client)
	key := [client.spec.target, client.spec.cluster, object.get(client.spec, "namespace", "default"), client.spec.service]
}

tls_clients_by_workload := tls_clients_by_workload_groups

# [client cluster, target cluster] -> names of the ISTIO_MUTUAL clients of known targets: whether
# Istio mTLS crosses from one cluster to another (one root of trust, accepted trust domain) is a
# question about the pair, asked once per pair instead of once per client.
istio_mutual_clients_by_clusters_groups[key] contains name if {
	some name, client in input.clients # as above: kept per client by the service
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	target := lib.target_of(client)
	key := [client.spec.cluster, target.spec.cluster]
}

istio_mutual_clients_by_clusters := istio_mutual_clients_by_clusters_groups
