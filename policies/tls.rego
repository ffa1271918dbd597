# Transport security between clients and the services they call.
package meshgate.tls

import data.meshgate.lib

# MG-TLS-01 — a client whose TLS mode cannot talk to its target.
# Protects: availability and confidentiality. An ISTIO_MUTUAL target (PeerAuthentication STRICT)
# rejects anything but Istio mTLS from a sidecar, so such a client would be cut off or, worse, an
# operator "fixes" it by relaxing the target.
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some name, client in input.clients
	target := lib.target_of(client)
	lib.tls_mode(target) == "ISTIO_MUTUAL"
	mode := lib.tls_mode(client)
	mode != null # unknown mode: MG-SCHEMA already asks for spec.mutualTLS
	mode != "ISTIO_MUTUAL"
	msg := sprintf("client %s uses mutualTLS %v but its target %s requires ISTIO_MUTUAL; set spec.mutualTLS: ISTIO_MUTUAL", [name, mode, client.spec.target])
}

# MG-TLS-01 — a MUTUAL target demands a client certificate, which only a MUTUAL client presents.
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some name, client in input.clients
	target := lib.target_of(client)
	lib.tls_mode(target) == "MUTUAL"
	mode := lib.tls_mode(client)
	mode != null
	mode != "MUTUAL"
	msg := sprintf("client %s uses mutualTLS %v but its target %s requires MUTUAL (a client certificate); set spec.mutualTLS: MUTUAL with spec.tls.credentialName", [name, mode, client.spec.target])
}

# MG-TLS-01 — ISTIO_MUTUAL is originated by the istio-proxy sidecar; without one the client sends
# plain text. (This covers every "client without sidecar + ISTIO_MUTUAL" case; MG-SIDECAR-01 is
# about services only, so one mistake gives one finding.)
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name, client in input.clients
	lib.without_sidecar(client)
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	msg := sprintf("client %s has no sidecar, so it cannot use ISTIO_MUTUAL; run it with the istio-proxy sidecar or choose SIMPLE/MUTUAL", [name])
}

# MG-TLS-01 — SIMPLE and MUTUAL need certificates, referenced by a Kubernetes Secret name.
deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": field} if {
	some name, client in input.clients
	mode := lib.tls_mode(client)
	mode in {"SIMPLE", "MUTUAL"}
	not lib.has_credential_name(client)
	field := lib.credential_field(client)
	msg := sprintf("client %s uses mutualTLS %s without spec.tls.credentialName; reference the Kubernetes Secret that holds its certificates", [name, mode])
}

deny contains {"rule": "MG-TLS-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	mode := lib.tls_mode(service)
	mode in {"SIMPLE", "MUTUAL"}
	not lib.has_credential_name(service)
	field := lib.credential_field(service)
	msg := sprintf("service %s uses mutualTLS %s without spec.tls.credentialName; reference the Kubernetes Secret that holds its certificates", [name, mode])
}

# MG-TLS-02 — ISTIO_MUTUAL between clusters of different logical clouds.
# Protects: trust. Clusters of one logical cloud share one root CA; across clouds the peers'
# certificates do not chain to a common root, so Istio mTLS fails (or invites sharing a root CA
# key between clouds to "fix" it). Cross-cloud traffic must use SIMPLE or MUTUAL with real certs.
deny contains {"rule": "MG-TLS-02", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.mutualTLS"} if {
	some name, client in input.clients
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	target := lib.target_of(client)
	client_cloud := lib.logical_cloud_of(client)
	target_cloud := lib.logical_cloud_of(target)
	client_cloud != target_cloud
	msg := sprintf("client %s (cluster %s, logical cloud %s) uses ISTIO_MUTUAL to %s (cluster %s, logical cloud %s): different roots of trust; use SIMPLE or MUTUAL", [name, client.spec.cluster, client_cloud, client.spec.target, target.spec.cluster, target_cloud])
}
