# What needs the istio-proxy sidecar: Istio mTLS and identity (MG-SIDECAR-01), and every use
# across clusters (MG-SIDECAR-02). Load balancing and circuit breaking do not: the caller's proxy
# applies them, so they are fine for a service without sidecar.
package meshgate.sidecar

import data.meshgate.lib

# MG-SIDECAR-01 — Istio mTLS (ISTIO_MUTUAL) asked of a service without sidecar.
# Protects: the operator's belief. Istio mTLS is terminated by the sidecar; without it the
# service receives bytes it cannot read, or an operator "fixes" it with plain text.
deny contains {"rule": "MG-SIDECAR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.mutualTLS"} if {
	some name, service in input.services
	lib.without_sidecar(service)
	lib.tls_mode(service) == "ISTIO_MUTUAL"
	msg := sprintf("service %s has no sidecar, so it cannot accept Istio mTLS (ISTIO_MUTUAL); run it with the istio-proxy sidecar%s (without one it can only use SIMPLE or MUTUAL, and only for callers in its own cluster)", [name, lib.sidecar_source(service)])
}

# MG-SIDECAR-01 — Istio mTLS asked of a client without sidecar (see also MG-TLS-01).
deny contains {"rule": "MG-SIDECAR-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name in lib.clients_without_sidecar
	client := input.clients[name]
	lib.tls_mode(client) == "ISTIO_MUTUAL"
	msg := sprintf("client %s has no sidecar, so it cannot originate Istio mTLS (ISTIO_MUTUAL); %s", [name, sidecarless_advice(client)])
}

sidecarless_advice(client) := sprintf("run it with the istio-proxy sidecar, or set spec.mutualTLS: %s like its target %s", [mode, client.spec.target]) if {
	target := lib.target_of(client)
	mode := lib.tls_mode(target)
	mode in {"SIMPLE", "MUTUAL"}
	not lib.remote_client(client)
	not authorizes_by_identity(client.spec.target, target)
} else := sprintf("run it with the istio-proxy sidecar%s", [lib.sidecar_source(client)])

# MG-SIDECAR-01 — a client without sidecar calling a service that admits callers by identity
# (allowedNamespaces, or other clients' access): the rendered ALLOW policy names peers by their
# Istio mTLS identity, which only a sidecar presents, so this client would be refused.
# (Across clusters MG-SIDECAR-02 says more, so this is about callers in the service's cluster.)
deny contains {"rule": "MG-SIDECAR-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name in lib.clients_without_sidecar
	client := input.clients[name]
	mode := lib.tls_mode(client)
	mode != null
	mode != "ISTIO_MUTUAL"
	target := lib.target_of(client)
	not lib.without_sidecar(target)
	authorizes_by_identity(client.spec.target, target)
	not lib.remote_client(client)
	msg := sprintf("client %s has no sidecar, but %s admits callers by their Istio identity (%s), which only a sidecar presents: this client would be refused; run it with the istio-proxy sidecar%s", [name, client.spec.target, identity_reason(client.spec.target, target), lib.sidecar_source(client)])
}

authorizes_by_identity(_, target) if lib.configured(target.spec, "allowedNamespaces")

authorizes_by_identity(target_name, _) if target_name in lib.targets_with_access

identity_reason(_, target) := "spec.allowedNamespaces" if lib.configured(target.spec, "allowedNamespaces")

else := "other clients' spec.access"

# MG-SIDECAR-02 — a service without sidecar called from another cluster.
# Protects: availability and trust. Istio mTLS from another cluster passes the east-west gateway
# untouched (AUTO_PASSTHROUGH) and must be terminated by the service's sidecar; SIMPLE/MUTUAL
# would leave the gateway in plain text towards a pod that nothing authorizes.
deny contains {"rule": "MG-SIDECAR-02", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.sidecar"} if {
	some name, service in input.services
	lib.without_sidecar(service)
	remote := lib.remote_clients_of(name)
	count(remote) > 0
	msg := sprintf("service %s has no sidecar but is called from other clusters (%s); a service without sidecar can serve only callers in its own cluster: run it with the istio-proxy sidecar%s", [name, concat(", ", sort(remote)), lib.sidecar_source(service)])
}

# MG-SIDECAR-02 — a client without sidecar calling a service in another cluster.
# Protects: availability. The `.global` name resolves to its virtual address only through the
# sidecar's DNS proxy, and only the sidecar originates the TLS the east-west gateway expects.
deny contains {"rule": "MG-SIDECAR-02", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.sidecar"} if {
	some name in lib.clients_without_sidecar
	client := input.clients[name]
	lib.remote_client(client)
	msg := sprintf("client %s has no sidecar but calls %s in another cluster (%s); only the istio-proxy sidecar resolves the .global name and originates the TLS the east-west gateway needs: run it with the sidecar", [name, client.spec.target, lib.target_of(client).spec.cluster])
}
