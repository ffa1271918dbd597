package meshgate.headless_test

import data.meshgate.headless
import data.meshgate.testdata

headless_httpbin := testdata.with_patch({"services": {"httpbin": {"spec": {"headless": true}}}})

test_headless_service_across_clusters_is_fine if {
	count(headless.deny) == 0 with input as headless_httpbin
}

test_headless01_target_port_differs_denied if {
	patched := json.patch(headless_httpbin, [
		{"op": "remove", "path": "/services/httpbin/spec/port"},
		{"op": "remove", "path": "/services/httpbin/spec/protocol"},
		{"op": "add", "path": "/services/httpbin/spec/ports", "value": [{"number": 8000, "name": "http", "protocol": "HTTP", "targetPort": 8080}]},
	])
	findings := headless.deny with input as patched
	testdata.has(findings, "MG-HEADLESS-01", "InboundService", "httpbin", "spec.ports[0].targetPort")
}

test_headless01_pod_hostnames_need_a_headless_service if {
	findings := headless.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"podHostnames": true}}}})
	testdata.has(findings, "MG-HEADLESS-01", "InboundService", "httpbin", "spec.podHostnames")
}

test_headless01_pod_hostnames_across_clusters_denied if {
	findings := headless.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"headless": true, "podHostnames": true}}}})
	testdata.has(findings, "MG-HEADLESS-01", "InboundService", "httpbin", "spec.podHostnames")
	some f in findings
	contains(f.msg, "statefulset.kubernetes.io/pod-name")
}

test_headless01_pod_hostnames_in_the_hosting_cluster_allowed if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"headless": true, "podHostnames": true}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02"}}},
	})
	count(headless.deny) == 0 with input as patched
}
