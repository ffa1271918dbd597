package meshgate.tls_test

import data.meshgate.testdata
import data.meshgate.tls

test_valid_input_has_no_tls_findings if {
	count(tls.deny) == 0 with input as testdata.base_input
}

test_tls01_client_simple_to_istio_mutual_target_denied if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "sleep-tls"}}}}})
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

test_tls01_client_without_sidecar_using_istio_mutual_denied if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"sidecar": false}}}})
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.sidecar")
	count(testdata.of_rule(findings, "MG-TLS-01")) == 1
}

test_tls01_mutual_target_needs_mutual_client if {
	findings := tls.deny with input as testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "sleep-tls"}}}},
	})
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

test_tls01_mutual_client_with_credential_to_mutual_target_allowed if {
	findings := tls.deny with input as testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {"credentialName": "sleep-tls"}}}},
	})
	count(findings) == 0
}

test_tls01_service_simple_without_credential_denied_on_mode if {
	findings := tls.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE"}}}})
	testdata.has(findings, "MG-TLS-01", "InboundService", "httpbin", "spec.mutualTLS")
}

test_tls01_client_mutual_with_empty_tls_block_denied_on_tls if {
	findings := tls.deny with input as testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {}}}},
	})
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.tls")
}

test_tls02_istio_mutual_across_logical_clouds_denied if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster03"}}}})
	testdata.has(findings, "MG-TLS-02", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

test_tls02_same_logical_cloud_allowed if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02"}}}})
	count(testdata.of_rule(findings, "MG-TLS-02")) == 0
}

test_tls01_client_without_a_known_mode_is_left_to_the_schema_check if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": null}}}})
	count(findings) == 0
}
