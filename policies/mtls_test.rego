package meshgate.mtls_test

import data.meshgate.mtls
import data.meshgate.testdata

with_defaults(cluster, defaults) := testdata.with_patch({"clusters": {cluster: {"spec": {"peerAuthentication": defaults}}}})

test_strict_and_permissive_defaults_are_fine if {
	count(mtls.deny) == 0 with input as with_defaults("cluster02", {"mesh": "STRICT", "namespaces": {"legacy": "PERMISSIVE"}})
	count(mtls.warn) == 0 with input as with_defaults("cluster02", {"mesh": "STRICT", "namespaces": {"legacy": "PERMISSIVE"}})
}

test_mtls01_disable_for_a_namespace_with_an_istio_mutual_service_denied if {
	findings := mtls.deny with input as with_defaults("cluster02", {"namespaces": {"default": "DISABLE"}})
	testdata.has(findings, "MG-MTLS-01", "Cluster", "cluster02", "spec.peerAuthentication.namespaces.default")
}

test_mtls01_mesh_disable_points_at_the_mesh_default if {
	findings := mtls.deny with input as with_defaults("cluster02", {"mesh": "DISABLE"})
	testdata.has(findings, "MG-MTLS-01", "Cluster", "cluster02", "spec.peerAuthentication.mesh")
}

test_mtls01_disable_elsewhere_allowed if {
	count(mtls.deny) == 0 with input as with_defaults("cluster02", {"mesh": "DISABLE", "namespaces": {"default": "STRICT"}})
}

test_mtls01_root_namespace_as_a_namespace_denied if {
	findings := mtls.deny with input as with_defaults("cluster01", {"namespaces": {"istio-system": "STRICT"}})
	testdata.has(findings, "MG-MTLS-01", "Cluster", "cluster01", "spec.peerAuthentication.namespaces.istio-system")
}

test_mtls02_sidecarless_client_under_strict_default_warns if {
	patched := testdata.with_patch({
		"clusters": {"cluster02": {"spec": {"peerAuthentication": {"mesh": "STRICT"}}}},
		"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02", "sidecar": false, "mutualTLS": "SIMPLE", "access": null}}},
	})
	findings := mtls.warn with input as patched
	testdata.has(findings, "MG-MTLS-02", "ServiceClient", "sleep-to-httpbin", "spec.sidecar")
}

# httpbin (ISTIO_MUTUAL) living in istio-system, Istio's root namespace.
in_root := testdata.with_patch({"services": {"httpbin": {"spec": {"namespace": "istio-system"}}}})

test_mtls03_istio_mutual_service_in_the_root_namespace_denied if {
	findings := mtls.deny with input as in_root
	testdata.has(findings, "MG-MTLS-03", "InboundService", "httpbin", "spec.namespace")
	some f in findings
	f.rule == "MG-MTLS-03"
	contains(f.msg, "set spec.peerAuthentication.mesh: STRICT on cluster cluster02")
}

test_mtls03_a_strict_mesh_keeps_it_strict if {
	strict := json.patch(in_root, [{"op": "add", "path": "/clusters/cluster02/spec/peerAuthentication", "value": {"mesh": "STRICT"}}])
	count(testdata.of_rule(mtls.deny, "MG-MTLS-03")) == 0 with input as strict
}

test_mtls03_other_namespaces_and_other_modes_are_quiet if {
	count(testdata.of_rule(mtls.deny, "MG-MTLS-03")) == 0 with input as testdata.base_input
	simple := json.patch(in_root, [{"op": "replace", "path": "/services/httpbin/spec/mutualTLS", "value": "SIMPLE"}])
	count(testdata.of_rule(mtls.deny, "MG-MTLS-03")) == 0 with input as simple
}
