package meshgate.loadbalancing_test

import data.meshgate.loadbalancing
import data.meshgate.testdata

cookie := {"consistentHash": {"httpCookie": {"name": "user1", "ttl": "0s"}}}

test_valid_input_has_no_load_balancing_findings if {
	count(loadbalancing.deny) == 0 with input as testdata.base_input
	count(loadbalancing.warn) == 0 with input as testdata.base_input
}

test_lb01_cookie_hashing_on_tcp_denied if {
	findings := loadbalancing.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"loadBalancing": cookie}}}})
	testdata.has(findings, "MG-LB-01", "InboundService", "echo", "spec.loadBalancing.consistentHash.httpCookie")
}

test_lb01_header_hashing_on_tls_denied if {
	findings := loadbalancing.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"protocol": "TLS", "loadBalancing": {"consistentHash": {"httpHeaderName": "x-user"}}}}}})
	testdata.has(findings, "MG-LB-01", "InboundService", "echo", "spec.loadBalancing.consistentHash.httpHeaderName")
}

# HTTPS is opaque TLS to Istio: no cookie to read either.
test_lb01_cookie_hashing_on_https_denied if {
	findings := loadbalancing.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"protocol": "HTTPS", "loadBalancing": cookie}}}})
	testdata.has(findings, "MG-LB-01", "InboundService", "echo", "spec.loadBalancing.consistentHash.httpCookie")
}

test_lb01_query_parameter_hashing_on_tcp_denied if {
	findings := loadbalancing.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"loadBalancing": {"consistentHash": {"httpQueryParameterName": "user"}}}}}})
	testdata.has(findings, "MG-LB-01", "InboundService", "echo", "spec.loadBalancing.consistentHash.httpQueryParameterName")
}

test_lb01_source_ip_hashing_on_tcp_allowed if {
	count(loadbalancing.deny) == 0 with input as testdata.with_patch({"services": {"echo": {"spec": {"loadBalancing": {"consistentHash": {"useSourceIp": true}}}}}})
}

test_lb01_cookie_hashing_on_http_allowed if {
	count(loadbalancing.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"loadBalancing": cookie}}}})
}

test_lb02_hash_with_a_client_in_another_cluster_warns if {
	findings := loadbalancing.warn with input as testdata.with_patch({"services": {"httpbin": {"spec": {"loadBalancing": cookie}}}})
	testdata.has(findings, "MG-LB-02", "InboundService", "httpbin", "spec.loadBalancing.consistentHash")
	some f in findings
	contains(f.msg, "sleep-to-httpbin")
}

test_lb02_hash_with_clients_in_the_hosting_cluster_only_is_fine if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"loadBalancing": cookie}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02"}}},
	})
	count(loadbalancing.warn) == 0 with input as patched
}

test_lb02_simple_balancing_with_remote_clients_is_fine if {
	count(loadbalancing.warn) == 0 with input as testdata.base_input
}

test_lb02_is_a_warning_not_a_deny if {
	count(loadbalancing.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"loadBalancing": cookie}}}})
}

test_cb01_outlier_detection_without_connection_pool_warns if {
	findings := loadbalancing.warn with input as testdata.with_patch({"services": {"echo": {"spec": {"outlierDetection": {"consecutive5xxErrors": 5}}}}})
	testdata.has(findings, "MG-CB-01", "InboundService", "echo", "spec.outlierDetection")
}

test_cb01_warning_can_be_switched_off if {
	patched := testdata.with_patch({"services": {"echo": {"spec": {"outlierDetection": {"consecutive5xxErrors": 5}}}}})
	count(loadbalancing.warn) == 0 with input as patched with data.meshgate_config as {"warn_outlier_detection_without_connection_pool": false}
}

test_lb01_cookie_hash_on_a_service_with_an_http_port_allowed if {
	patched := testdata.with_patch({"services": {"echo": {"spec": {
		"ports": [
			{"number": 9000, "name": "tcp-9000", "protocol": "TCP", "targetPort": 9000},
			{"number": 8080, "name": "http", "protocol": "HTTP", "targetPort": 8080},
		],
		"loadBalancing": {"consistentHash": {"httpCookie": {"name": "u"}}},
	}}}})
	count(testdata.of_rule(loadbalancing.deny, "MG-LB-01")) == 0 with input as patched
}
