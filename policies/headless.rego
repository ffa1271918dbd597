# Headless services (clusterIP: None): callers reach the pods' own addresses. Across clusters the
# .global ServiceEntry in the hosting cluster resolves the headless Service's name to every pod
# (resolution DNS), and the east-west gateway spreads connections over them.
# https://istio.io/latest/docs/ops/configuration/traffic-management/traffic-routing/#headless-services
# https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution
package meshgate.headless

import data.meshgate.lib

headless(service) if object.get(service.spec, "headless", false) == true

pod_hostnames(service) if object.get(service.spec, "podHostnames", false) == true

# MG-HEADLESS-01 — a port of a headless Service whose targetPort differs from its number.
# Protects: availability. No Service IP translates the port: callers (and Istio's listeners for
# <pod IP>:<port>, and the .global ServiceEntry's endpoint) use the number itself on the pods.
deny contains {"rule": "MG-HEADLESS-01", "msg": msg, "kind": "InboundService", "name": name, "field": field} if {
	some name, service in input.services
	headless(service)
	some i, port in lib.ports_of(service)
	port.targetPort != port.number
	field := lib.port_field(service, i, "targetPort")
	msg := sprintf("service %s is headless, so callers connect to the pods' own addresses on port %v (no Service IP translates it to targetPort %v); set targetPort to %v (the pods must listen there), or leave it out", [name, port.number, port.targetPort, port.number])
}

# MG-HEADLESS-01 — pod hostnames asked of a Service that is not headless.
deny contains {"rule": "MG-HEADLESS-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.podHostnames"} if {
	some name, service in input.services
	pod_hostnames(service)
	not headless(service)
	msg := sprintf("service %s asks for pod hostnames (<pod>.%s.%s.svc.cluster.local), which exist only under a headless Service governing a StatefulSet; set spec.headless: true", [name, service.spec.service, object.get(service.spec, "namespace", "default")])
}

# MG-HEADLESS-01 — pod hostnames asked across clusters: the piece that cannot work through the
# passthrough gateway. The SNI a client sends names a host of the hosting cluster's registry, and
# the .global ServiceEntry there is the whole Service: a pod's own name resolves in its cluster only.
deny contains {"rule": "MG-HEADLESS-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.podHostnames"} if {
	some name, service in input.services
	pod_hostnames(service)
	headless(service)
	remote := lib.remote_clients_of(name)
	count(remote) > 0
	namespace := object.get(service.spec, "namespace", "default")
	msg := sprintf("service %s is addressed pod by pod (podHostnames), but clients in other clusters call it (%s): there it is the one host %s, which the east-west gateway spreads over every pod, and a pod's own name (<pod>.%s.%s.svc.cluster.local) resolves only in cluster %s; to reach one pod from another cluster, give that pod its own Kubernetes Service (selector statefulset.kubernetes.io/pod-name: <pod>) and InboundService and target it, or keep those clients in cluster %s", [name, concat(", ", sort(remote)), lib.global_host(service), service.spec.service, namespace, service.spec.cluster, service.spec.cluster])
}
