package meshgate.sidecar_test

import data.meshgate.sidecar
import data.meshgate.testdata

test_valid_input_has_no_sidecar_findings if {
	count(sidecar.deny) == 0 with input as testdata.base_input
}

test_sidecar01_every_sidecar_feature_denied_without_sidecar if {
	findings := sidecar.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"sidecar": false}}}})
	testdata.has(findings, "MG-SIDECAR-01", "InboundService", "httpbin", "spec.mutualTLS")
	testdata.has(findings, "MG-SIDECAR-01", "InboundService", "httpbin", "spec.loadBalancing")
	testdata.has(findings, "MG-SIDECAR-01", "InboundService", "httpbin", "spec.connectionPool")
	testdata.has(findings, "MG-SIDECAR-01", "InboundService", "httpbin", "spec.outlierDetection")
	count(findings) == 4
}

test_sidecar01_plain_service_without_sidecar_allowed if {
	count(sidecar.deny) == 0 with input as testdata.with_patch({"services": {"echo": {"spec": {"sidecar": false, "mutualTLS": "SIMPLE", "tls": {"credentialName": "echo-tls"}}}}})
}

test_sidecar01_client_without_sidecar_is_not_reported_here if {
	count(sidecar.deny) == 0 with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"sidecar": false}}}})
}
