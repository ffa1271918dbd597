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

# sleep (cluster01) calls httpbin (cluster02) with SIMPLE: through the gateway's TLS server.
simple_remote := testdata.with_patch({
	"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}, "allowedNamespaces": ["default"]}}},
	"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "sleep-ca"}}}},
})

test_authz02_allowed_namespaces_on_simple_target_with_remote_simple_clients_warns if {
	findings := authz.warn with input as simple_remote
	testdata.has(findings, "MG-AUTHZ-02", "InboundService", "httpbin", "spec.allowedNamespaces")
	some f in findings
	contains(f.msg, "admitted as the gateway (namespace istio-system)")
}

# Inside the hosting cluster the namespaces are proven (callers with sidecar use Istio mTLS).
test_authz02_allowed_namespaces_on_simple_target_without_remote_clients_is_quiet if {
	in_cluster := json.patch(simple_remote, [{"op": "replace", "path": "/clients/sleep-to-httpbin/spec/cluster", "value": "cluster02"}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-02")) == 0 with input as in_cluster
}

# [] names no namespace: nothing to prove.
test_authz02_empty_allowed_namespaces_is_quiet if {
	empty := json.patch(simple_remote, [{"op": "replace", "path": "/services/httpbin/spec/allowedNamespaces", "value": []}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-02")) == 0 with input as empty
}

# The warning has its own id: a valid repository must never show a finding named after the deny rule.
test_authz01_never_names_the_allowed_namespaces_warning if {
	findings := authz.warn with input as simple_remote
	every finding in findings {
		finding.rule != "MG-AUTHZ-01"
	}
}

test_authz03_methods_on_a_tcp_service_denied if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"target": "echo"}}}})
	findings := authz.deny with input as patched
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].methods")
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].paths")
}

test_authz03_paths_on_an_https_service_denied if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"protocol": "HTTPS"}}}})
	findings := authz.deny with input as patched
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].paths")
}

test_authz03_wildcard_in_the_middle_denied if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"access": [{"paths": ["/ok", "/a/*/b", "*.png", "/api/*", "*", "**"]}]}}}})
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as patched
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].paths[1]")
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].paths[5]")
	count(findings) == 2
}

test_authz03_unknown_method_denied if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"access": [{"methods": ["GET", "FETCH"]}]}}}})
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as patched
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].methods[1]")
	count(findings) == 1
}

test_authz03_grpc_methods_other_than_post_denied if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"protocol": "GRPC"}}},
		"clients": {"sleep-to-httpbin": {"spec": {"access": [{"methods": ["POST", "GET"], "paths": ["/pkg.Svc/*"]}]}}},
	})
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as patched
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].methods[1]")
	count(findings) == 1
}

# The gRPC reason needs an entry that applies to the gRPC port: an entry limited to the HTTP port of a
# service that also serves gRPC may restrict methods.
test_authz03_grpc_reason_only_for_an_entry_that_applies_to_the_grpc_port if {
	ports := [
		{"number": 80, "name": "http", "protocol": "HTTP", "targetPort": 80},
		{"number": 9090, "name": "grpc", "protocol": "GRPC", "targetPort": 9090},
	]
	http_only := testdata.with_patch({
		"services": {"httpbin": {"spec": {"ports": ports}}},
		"clients": {"sleep-to-httpbin": {"spec": {"access": [{"ports": [80], "methods": ["GET"]}]}}},
	})
	count(testdata.of_rule(authz.deny, "MG-AUTHZ-03")) == 0 with input as http_only
	grpc_too := testdata.with_patch({
		"services": {"httpbin": {"spec": {"ports": ports}}},
		"clients": {"sleep-to-httpbin": {"spec": {"access": [{"ports": [80, "grpc"], "methods": ["GET"]}]}}},
	})
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as grpc_too
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].methods[0]")
	count(findings) == 1
	some finding in findings
	contains(finding.msg, "every gRPC call is a POST")
}

test_authz03_the_methods_list_is_a_tunable if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"access": [{"methods": ["PURGE"]}]}}}})
	count(testdata.of_rule(authz.deny, "MG-AUTHZ-03")) == 1 with input as patched
	count(testdata.of_rule(authz.deny, "MG-AUTHZ-03")) == 0 with input as patched with data.meshgate_config as {"http_methods": ["GET", "PURGE"]}
}

test_authz04_namespace_rule_voiding_a_clients_access_warns if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": ["tools", "default"]}}}})
	findings := authz.warn with input as patched
	testdata.has(findings, "MG-AUTHZ-04", "InboundService", "httpbin", "spec.allowedNamespaces[1]")
	count(testdata.of_rule(findings, "MG-AUTHZ-04")) == 1
}

test_authz04_clients_without_access_are_not_narrower if {
	patched := json.remove(testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": ["default"]}}}}), ["clients/sleep-to-httpbin/spec/access"])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-04")) == 0 with input as patched
}

test_authz04_is_a_warning_not_a_deny if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"allowedNamespaces": ["default"]}}}})
	count(authz.deny) == 0 with input as patched
}

# A service with an HTTP port and a TCP port.
two_ports := testdata.with_patch({"services": {"httpbin": {"spec": {
	"protocol": null, "port": null,
	"ports": [
		{"number": 8000, "name": "http", "protocol": "HTTP", "targetPort": 8000},
		{"number": 9000, "name": "raw", "protocol": "TCP", "targetPort": 9000},
	],
}}}})

test_authz03_methods_on_an_entry_that_covers_a_tcp_port_denied_with_the_http_ports_as_advice if {
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as two_ports
	testdata.has(findings, "MG-AUTHZ-03", "ServiceClient", "sleep-to-httpbin", "spec.access[0].methods")
	some f in findings
	contains(f.msg, "spec.access[0].ports: [http]")
}

test_authz03_methods_on_an_entry_limited_to_http_ports_allowed if {
	limited := json.patch(two_ports, [{"op": "add", "path": "/clients/sleep-to-httpbin/spec/access/0/ports", "value": ["http"]}])
	count(testdata.of_rule(authz.deny, "MG-AUTHZ-03")) == 0 with input as limited
}

test_authz03_an_entry_of_ports_only_on_a_tcp_port_allowed if {
	tcp_only := json.patch(two_ports, [{"op": "replace", "path": "/clients/sleep-to-httpbin/spec/access", "value": [{"ports": [9000]}, {"ports": ["http"], "methods": ["GET"]}]}])
	count(testdata.of_rule(authz.deny, "MG-AUTHZ-03")) == 0 with input as tcp_only
}

# sleep runs in cluster01 (GET /status*) and in cluster03 of the same root with the same identity
# and no access list: the one ALLOW policy of httpbin cannot tell them apart.
same_identity := testdata.with_patch({
	"clusters": {"cluster03": testdata.cluster("cluster03", "lc1", "172.25.56.10")},
	"clients": {"sleep-elsewhere": testdata.client("sleep-elsewhere", "sleep", "cluster03", "httpbin", {})},
})

test_authz05_same_identity_in_another_cluster_voids_the_narrower_access if {
	findings := authz.warn with input as same_identity
	testdata.has(findings, "MG-AUTHZ-06", "ServiceClient", "sleep-to-httpbin", "spec.access")
	count(testdata.of_rule(findings, "MG-AUTHZ-06")) == 1
	some f in findings
	f.rule == "MG-AUTHZ-06"
	contains(f.msg, "give one of them a service account of its own (spec.serviceAccount)")
	count(authz.deny) == 0 with input as same_identity
}

test_authz05_same_access_or_another_service_account_is_quiet if {
	same_access := json.patch(same_identity, [{"op": "add", "path": "/clients/sleep-elsewhere/spec/access", "value": [{"methods": ["GET"], "paths": ["/status*"]}]}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as same_access
	own_account := json.patch(same_identity, [{"op": "replace", "path": "/clients/sleep-elsewhere/spec/serviceAccount", "value": "sleep-eu"}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as own_account
}

# An access list that names every port of the service and nothing else restricts nothing: no list
# of the same identity elsewhere can void it (a TCP database called from two clusters).
test_authz06_an_access_list_admitting_everything_is_quiet if {
	whole := json.patch(same_identity, [
		{"op": "add", "path": "/services/httpbin/spec/ports", "value": [{"number": 5432, "name": "tcp-5432", "protocol": "TCP", "targetPort": 5432}]},
		{"op": "replace", "path": "/clients/sleep-to-httpbin/spec/access", "value": [{"ports": [5432]}]},
	])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as whole
	by_name := json.patch(whole, [{"op": "replace", "path": "/clients/sleep-to-httpbin/spec/access", "value": [{"ports": ["tcp-5432"]}]}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as by_name
	two_ports := json.patch(whole, [{"op": "add", "path": "/services/httpbin/spec/ports/-", "value": {"number": 8080, "name": "http", "protocol": "HTTP", "targetPort": 8080}}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 1 with input as two_ports
}

# One workload's access split over two intents in one cluster is the union it asks for.
test_authz05_two_intents_of_one_workload_in_one_cluster_are_quiet if {
	one_cluster := json.patch(same_identity, [
		{"op": "replace", "path": "/clients/sleep-elsewhere/spec/cluster", "value": "cluster01"},
		{"op": "add", "path": "/clients/sleep-elsewhere/spec/access", "value": [{"methods": ["POST"], "paths": ["/headers"]}]},
	])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as one_cluster
}

# A SIMPLE caller from another cluster arrives as the gateway: it is not named by its identity.
test_authz05_callers_through_the_gateway_tls_server_are_quiet if {
	simple := json.patch(same_identity, [{"op": "replace", "path": "/clients/sleep-elsewhere/spec/mutualTLS", "value": "SIMPLE"}])
	count(testdata.of_rule(authz.warn, "MG-AUTHZ-06")) == 0 with input as simple
}

# MG-AUTHZ-01 and MG-AUTHZ-03 read the clients of the targets they concern (by TLS mode, by an
# opaque or gRPC port): a client of another target must stay unreported, each of the target's reported.

test_authz01_every_client_with_access_of_a_simple_target_and_no_other if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {
			"a-to-httpbin": testdata.client("a-to-httpbin", "a", "cluster02", "httpbin", {"access": [{"paths": ["/a*"]}]}),
			"b-to-httpbin": testdata.client("b-to-httpbin", "b", "cluster02", "httpbin", {}),
			"c-to-echo": testdata.client("c-to-echo", "c", "cluster01", "echo", {"access": [{"ports": [9000]}]}),
		},
	})
	{f.name | some f in authz.deny with input as patched; f.rule == "MG-AUTHZ-01"} == {"sleep-to-httpbin", "a-to-httpbin"}
}

test_authz03_grpc_reason_only_on_a_grpc_target_and_the_http_reason_once if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"protocol": "GRPC"}}},
		"clients": {
			"sleep-to-httpbin": {"spec": {"access": [{"methods": ["GET", "FETCH", "POST"]}]}},
			"a-to-echo2": testdata.client("a-to-echo2", "a", "cluster01", "echo2", {"access": [{"methods": ["GET", "FETCH"]}]}),
		},
	})
	patched2 := object.union(patched, {"services": {"echo2": object.union(testdata.base_input.services.httpbin, {"name": "echo2", "metadata": {"name": "echo2"}, "spec": {"service": "echo2"}})}})
	findings := testdata.of_rule(authz.deny, "MG-AUTHZ-03") with input as patched2
	{[f.name, f.field] | some f in findings} == {
		["sleep-to-httpbin", "spec.access[0].methods[0]"], ["sleep-to-httpbin", "spec.access[0].methods[1]"],
		["a-to-echo2", "spec.access[0].methods[1]"],
	}
	some grpc in findings
	grpc.field == "spec.access[0].methods[0]"
	contains(grpc.msg, "every gRPC call is a POST")
	some fetch in findings
	fetch.name == "sleep-to-httpbin"
	fetch.field == "spec.access[0].methods[1]"
	contains(fetch.msg, "is not an HTTP method")
}
