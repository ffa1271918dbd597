# Istio features asked of services that run without the istio-proxy sidecar.
package meshgate.sidecar

import data.meshgate.lib

# MG-SIDECAR-01 — mTLS (ISTIO_MUTUAL), loadBalancing, connectionPool or outlierDetection asked of
# a service without sidecar.
# Protects: the operator's belief. These features are implemented by the sidecar; without it they
# are silently not applied (no mTLS, no circuit breaking), so asking for them is an error.
# Clients without sidecar asking for ISTIO_MUTUAL are reported as MG-TLS-01, not here.
deny contains {"rule": "MG-SIDECAR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.mutualTLS"} if {
	some name, service in input.services
	lib.without_sidecar(service)
	lib.tls_mode(service) == "ISTIO_MUTUAL"
	msg := sprintf("service %s has no sidecar, so it cannot use ISTIO_MUTUAL; run it with the istio-proxy sidecar or use SIMPLE/MUTUAL terminated by the application", [name])
}

deny contains {"rule": "MG-SIDECAR-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	lib.without_sidecar(service)
	some feature in sidecar_features
	lib.configured(service.spec, feature)
	field := sprintf("spec.%s", [feature])
	msg := sprintf("service %s has no sidecar, so spec.%s would not be applied; remove it or run the service with the istio-proxy sidecar", [name, feature])
}

# Blocks of an InboundService that only the sidecar implements.
sidecar_features := ["loadBalancing", "connectionPool", "outlierDetection"]
