package meshgate.sidecar_test

import data.meshgate.sidecar
import data.meshgate.testdata

test_valid_input_has_no_sidecar_findings if {
	count(sidecar.deny) == 0 with input as testdata.base_input
}

test_sidecar01_istio_mutual_service_without_sidecar_denied if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"sidecar": false}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02"}}},
	})
	findings := sidecar.deny with input as patched
	testdata.has(findings, "MG-SIDECAR-01", "InboundService", "httpbin", "spec.mutualTLS")
	count(findings) == 1
}

# v2: load balancing and circuit breaking are applied by the caller's proxy.
test_sidecar01_traffic_settings_without_sidecar_allowed if {
	patched := testdata.with_patch({"services": {"echo": {"spec": {
		"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "echo-tls"},
		"loadBalancing": {"simple": "LEAST_REQUEST"}, "connectionPool": {"maxConnections": 5},
		"outlierDetection": {"consecutive5xxErrors": 3},
	}}}})
	count(sidecar.deny) == 0 with input as patched
}

test_sidecar01_client_without_sidecar_asking_istio_mutual_denied if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"sidecar": false, "cluster": "cluster02"}}}})
	findings := sidecar.deny with input as patched
	testdata.has(findings, "MG-SIDECAR-01", "ServiceClient", "sleep-to-httpbin", "spec.sidecar")
	every f in findings {
		not contains(f.msg, "SIMPLE") # the target accepts only Istio mTLS: no other way to suggest
	}
}

test_sidecar01_client_without_sidecar_refused_by_an_identity_based_policy if {
	patched := testdata.with_patch({
		"services": {"echo": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "echo-tls"}, "allowedNamespaces": ["default"]}}},
		"clients": {"job-to-echo": testdata.client("job-to-echo", "job", "cluster01", "echo", {"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}})},
	})
	findings := sidecar.deny with input as patched
	testdata.has(findings, "MG-SIDECAR-01", "ServiceClient", "job-to-echo", "spec.sidecar")
}

test_sidecar01_client_without_sidecar_of_an_open_service_in_its_cluster_allowed if {
	patched := testdata.with_patch({
		"services": {"echo": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "echo-tls"}}}},
		"clients": {"job-to-echo": testdata.client("job-to-echo", "job", "cluster01", "echo", {"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}})},
	})
	count(sidecar.deny) == 0 with input as patched
}

test_sidecar02_service_without_sidecar_called_from_another_cluster_denied if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "t"}}}}})
	findings := sidecar.deny with input as patched
	testdata.has(findings, "MG-SIDECAR-02", "InboundService", "httpbin", "spec.sidecar")
	some f in findings
	contains(f.msg, "sleep-to-httpbin")
}

test_sidecar02_service_without_sidecar_used_in_its_cluster_allowed if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "t"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02", "mutualTLS": "SIMPLE", "tls": {"credentialName": "c"}, "access": null}}},
	})
	count(sidecar.deny) == 0 with input as patched
}

test_sidecar02_client_without_sidecar_calling_another_cluster_denied if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"sidecar": false}}}})
	findings := sidecar.deny with input as patched
	testdata.has(findings, "MG-SIDECAR-02", "ServiceClient", "sleep-to-httpbin", "spec.sidecar")
}

test_sidecar02_unknown_clusters_are_left_to_ref01 if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"sidecar": false, "cluster": "cluster09", "mutualTLS": "SIMPLE", "tls": {"credentialName": "c"}}}}})
	count(testdata.of_rule(sidecar.deny, "MG-SIDECAR-02")) == 0 with input as patched
}

# A client without sidecar because its namespace is in its Cluster's namespacesWithoutSidecar: the
# message says where that comes from and what to change.
test_sidecar01_names_the_cluster_list_the_missing_sidecar_comes_from if {
	legacy := testdata.with_patch({
		"clusters": {"cluster01": {"spec": {"namespacesWithoutSidecar": ["legacy"]}}},
		"clients": {"sleep-to-httpbin": {"spec": {"namespace": "legacy", "sidecar": false, "mutualTLS": "ISTIO_MUTUAL"}}},
	})
	some f in sidecar.deny with input as legacy
	f.rule == "MG-SIDECAR-01"
	contains(f.msg, "(namespace legacy is in namespacesWithoutSidecar of cluster cluster01: enable sidecar injection there and remove it from the list)")
}
