package meshgate.addresses_test

import data.meshgate.addresses
import data.meshgate.testdata

test_valid_input_has_no_address_findings if {
	count(addresses.deny) == 0 with input as testdata.base_input
}

test_addr01_pinned_address_outside_range_denied if {
	findings := addresses.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"address": "10.0.0.9"}}}})
	testdata.has(findings, "MG-ADDR-01", "InboundService", "httpbin", "spec.address")
}

test_addr01_pinned_address_inside_range_allowed if {
	count(addresses.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"address": "240.0.0.9"}}}})
}

test_addr01_malformed_pinned_address_is_left_to_the_schema_check if {
	count(addresses.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"address": "240.0.0.300"}}}})
}

test_addr01_rendered_address_outside_range_denied if {
	entry := testdata.service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "192.168.1.4")
	findings := addresses.deny with input as testdata.with_patch({"rendered": {"cluster01": [entry]}})
	testdata.has(findings, "MG-ADDR-01", "InboundService", "httpbin", "spec.address")
}

test_addr01_pinned_and_rendered_address_reported_once if {
	entry := testdata.service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "10.0.0.9")
	findings := addresses.deny with input as testdata.with_patch({
		"services": {"httpbin": {"spec": {"address": "10.0.0.9"}}},
		"rendered": {"cluster01": [entry]},
	})
	count(findings) == 1
}

test_addr01_same_address_for_two_hosts_in_one_cluster_denied if {
	first := testdata.service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "240.0.0.2")
	second := testdata.service_entry("meshgate-echo-tools-global", "echo.tools.global", "240.0.0.2")
	findings := addresses.deny with input as testdata.with_patch({"rendered": {"cluster02": [first, second]}})
	testdata.has(findings, "MG-ADDR-01", "InboundService", "httpbin", "spec.address")
	testdata.has(findings, "MG-ADDR-01", "InboundService", "echo", "spec.address")
}

test_addr01_same_address_in_different_clusters_allowed if {
	first := testdata.service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "240.0.0.2")
	second := testdata.service_entry("meshgate-echo-tools-global", "echo.tools.global", "240.0.0.2")
	count(addresses.deny) == 0 with input as testdata.with_patch({"rendered": {"cluster01": [first], "cluster02": [second]}})
}

# One finding per service and address, however many clusters share it (the hosting one included).
test_addr01_shared_address_reported_once_naming_every_cluster if {
	first := testdata.service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "240.0.0.2")
	second := testdata.service_entry("meshgate-echo-tools-global", "echo.tools.global", "240.0.0.2")
	findings := addresses.deny with input as testdata.with_patch({"rendered": {"cluster01": [first, second], "cluster02": [first, second]}})
	httpbin := {f | some f in findings; f.name == "httpbin"}
	count(httpbin) == 1
	some f in httpbin
	contains(f.msg, "in cluster cluster01, cluster02 for httpbin.default.global and also for echo.tools.global")
}

test_addr01_range_is_a_tunable if {
	findings := addresses.deny with input as testdata.base_input with data.meshgate_config as {"virtual_address_range": "250.0.0.0/8"}
	testdata.has(findings, "MG-ADDR-01", "InboundService", "httpbin", "spec.address")
}
