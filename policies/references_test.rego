package meshgate.references_test

import data.meshgate.references
import data.meshgate.testdata

test_valid_input_has_no_reference_findings if {
	count(references.deny) == 0 with input as testdata.base_input
}

test_ref01_unknown_target_denied if {
	findings := references.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"target": "httpbim"}}}})
	testdata.has(findings, "MG-REF-01", "ServiceClient", "sleep-to-httpbin", "spec.target")
}

test_ref01_unknown_cluster_of_service_denied if {
	findings := references.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"cluster": "cluster09"}}}})
	testdata.has(findings, "MG-REF-01", "InboundService", "echo", "spec.cluster")
}

test_ref01_unknown_cluster_of_client_denied if {
	findings := references.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster09"}}}})
	testdata.has(findings, "MG-REF-01", "ServiceClient", "sleep-to-httpbin", "spec.cluster")
}

test_ref01_namespace_outside_allowed_namespaces_denied if {
	findings := references.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": ["payments"]}}}})
	testdata.has(findings, "MG-REF-01", "ServiceClient", "sleep-to-httpbin", "spec.namespace")
}

test_ref01_namespace_inside_allowed_namespaces_allowed if {
	count(references.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": ["payments", "default"]}}}})
}

test_ref01_target_naming_the_kubernetes_service_says_target_takes_metadata_name if {
	renamed := json.patch(testdata.base_input, [
		{"op": "add", "path": "/services/httpbin-svc", "value": testdata.base_input.services.httpbin},
		{"op": "remove", "path": "/services/httpbin"},
	])
	findings := references.deny with input as renamed
	testdata.has(findings, "MG-REF-01", "ServiceClient", "sleep-to-httpbin", "spec.target")
	some f in findings
	contains(f.msg, "spec.target takes the metadata.name of an InboundService, and the InboundService for Service httpbin is named httpbin-svc; set spec.target: httpbin-svc")
}

test_ref01_unknown_target_carries_a_suggestion_hint if {
	findings := references.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"target": "httpbim"}}}})
	some f in findings
	f.suggest == {"value": "httpbim", "kind": "InboundService"}
}

test_ref01_empty_allowed_namespaces_takes_declared_clients_anywhere if {
	count(references.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": []}}}})
}

test_ref01_unknown_port_in_access_denied if {
	findings := references.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"access": [{"ports": [8000, "grcp"]}]}}}})
	testdata.has(findings, "MG-REF-01", "ServiceClient", "sleep-to-httpbin", "spec.access[0].ports[1]")
	count(findings) == 1
}

test_ref01_mesh_edge_references if {
	patched := testdata.with_patch({
		"ingressRoutes": {"web": {"name": "web", "kind": "IngressRoute", "spec": {"cluster": "cluster09", "hosts": ["w.example.com"], "routes": [{"service": "httpbin"}, {"service": "nope"}]}}},
		"externalServices": {"api": {"name": "api", "kind": "ExternalService", "spec": {"host": "api.example.com", "ports": [], "clusters": ["cluster01", "cluster09"]}}},
		"endUserAuths": {"jwt": {"name": "jwt", "kind": "EndUserAuth", "spec": {"target": {"ingress": "gone"}, "jwtRules": []}}},
	})
	findings := references.deny with input as patched
	testdata.has(findings, "MG-REF-01", "IngressRoute", "web", "spec.cluster")
	testdata.has(findings, "MG-REF-01", "IngressRoute", "web", "spec.routes[1].service")
	testdata.has(findings, "MG-REF-01", "ExternalService", "api", "spec.clusters[1]")
	testdata.has(findings, "MG-REF-01", "EndUserAuth", "jwt", "spec.target.ingress")
	count(findings) == 4
}

# Read from the services that list namespaces to their clients: a client of another service, in a
# namespace the list does not name, is not reported.
test_ref01_namespace_checked_against_its_own_target_only if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"allowedNamespaces": ["tools"]}}},
		"clients": {
			"a-to-httpbin": testdata.client("a-to-httpbin", "a", "cluster02", "httpbin", {"namespace": "tools"}),
			"b-to-echo": testdata.client("b-to-echo", "b", "cluster02", "echo", {"namespace": "elsewhere"}),
		},
	})
	{f.name | some f in references.deny with input as patched; f.field == "spec.namespace"} == {"sleep-to-httpbin"}
}
