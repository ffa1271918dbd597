package meshgate.authz_test

import data.meshgate.authz
import data.meshgate.testdata

test_valid_input_has_no_authz_findings if {
	count(authz.deny) == 0 with input as testdata.base_input
	count(authz.warn) == 0 with input as testdata.base_input
}

test_authz01_access_on_simple_target_denied if {
	findings := authz.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}}})
	testdata.has(findings, "MG-AUTHZ-01", "ServiceClient", "sleep-to-httpbin", "spec.access")
}

test_authz01_no_access_on_simple_target_allowed if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}}})
	without_access := json.remove(patched, ["clients/sleep-to-httpbin/spec/access"])
	count(authz.deny) == 0 with input as without_access
}

test_authz02_allowed_namespaces_on_simple_target_warns if {
	findings := authz.warn with input as testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "allowedNamespaces": ["default"]}}}})
	testdata.has(findings, "MG-AUTHZ-02", "InboundService", "httpbin", "spec.allowedNamespaces")
}

# The warning has its own id: a valid repository must never show a finding named after the deny rule.
test_authz01_never_names_the_allowed_namespaces_warning if {
	findings := authz.warn with input as testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "allowedNamespaces": ["default"]}}}})
	every finding in findings {
		finding.rule != "MG-AUTHZ-01"
	}
}
