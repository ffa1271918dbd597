package meshgate.egress_test

import data.meshgate.egress
import data.meshgate.testdata

external(name, host, extra) := object.union({
	"apiVersion": "meshgate.io/v1alpha1", "kind": "ExternalService", "name": name, "metadata": {"name": name},
	"spec": {
		"host": host, "ports": [{"number": 80, "protocol": "HTTP"}, {"number": 443, "protocol": "TLS"}],
		"egressGateway": false, "clusters": ["cluster01"],
	},
	"source": {"file": "intents/egress.yaml", "line": 1},
}, extra)

with_externals(externals) := testdata.with_patch({"externalServices": externals})

allow_list := {"meshgate_config": {"external_hosts_allowed": ["api.partner.com", "*.example.com"]}}

test_allowed_hosts_have_no_findings if {
	findings := egress.deny with input as with_externals({
		"a": external("a", "api.partner.com", {}),
		"b": external("b", "files.example.com", {}),
	}) with data.meshgate_config as allow_list.meshgate_config
	count(findings) == 0
}

test_egress01_host_not_on_the_allow_list_denied if {
	findings := egress.deny with input as with_externals({"x": external("x", "evil.example.net", {})})
		with data.meshgate_config as allow_list.meshgate_config
	testdata.has(findings, "MG-EGRESS-01", "ExternalService", "x", "spec.host")
}

test_egress01_the_domain_itself_is_no_subdomain_of_its_wildcard if {
	findings := egress.deny with input as with_externals({"x": external("x", "example.com", {})})
		with data.meshgate_config as allow_list.meshgate_config
	testdata.has(findings, "MG-EGRESS-01", "ExternalService", "x", "spec.host")
}

test_egress01_without_data_yaml_nothing_may_leave if {
	findings := egress.deny with input as with_externals({"a": external("a", "api.partner.com", {})})
		with data.meshgate_config as {}
	testdata.has(findings, "MG-EGRESS-01", "ExternalService", "a", "spec.host")
}

test_egress02_origination_on_a_tls_port_denied if {
	findings := egress.deny with input as with_externals({"a": external("a", "api.partner.com", {"spec": {"tlsOrigination": {"port": 443, "targetPort": 443}}})})
		with data.meshgate_config as allow_list.meshgate_config
	testdata.has(findings, "MG-EGRESS-02", "ExternalService", "a", "spec.tlsOrigination.port")
	ok := egress.deny with input as with_externals({"a": external("a", "api.partner.com", {"spec": {"tlsOrigination": {"port": 80, "targetPort": 443}}})})
		with data.meshgate_config as allow_list.meshgate_config
	count(ok) == 0
}

test_egress03_two_tls_ports_through_the_gateway_denied if {
	two := external("a", "api.partner.com", {"spec": {"egressGateway": true, "ports": [
		{"number": 443, "protocol": "TLS"}, {"number": 8443, "protocol": "HTTPS"}, {"number": 80, "protocol": "HTTP"},
	]}})
	findings := egress.deny with input as with_externals({"a": two}) with data.meshgate_config as allow_list.meshgate_config
	testdata.has(findings, "MG-EGRESS-03", "ExternalService", "a", "spec.ports")
	count(testdata.of_rule(findings, "MG-EGRESS-03")) == 1
	direct := egress.deny with input as with_externals({"a": object.union(two, {"spec": {"egressGateway": false}})})
		with data.meshgate_config as allow_list.meshgate_config
	count(direct) == 0
}

test_egress04_namespaces_in_an_allow_any_cluster_warned if {
	listed := external("a", "api.partner.com", {"spec": {"namespaces": ["default"], "clusters": ["cluster01", "cluster02"]}})
	registry_only := testdata.with_patch({
		"externalServices": {"a": listed},
		"clusters": {"cluster02": {"spec": {"outboundTrafficPolicy": "REGISTRY_ONLY"}}},
	})
	warnings := egress.warn with input as registry_only
	testdata.has(warnings, "MG-EGRESS-04", "ExternalService", "a", "spec.clusters[0]")
	count(warnings) == 1
}

test_egress05_one_host_twice_in_one_cluster_denied if {
	findings := egress.deny with input as with_externals({
		"a": external("a", "api.partner.com", {}),
		"b": external("b", "api.partner.com", {"spec": {"clusters": ["cluster02", "cluster01"]}}),
	}) with data.meshgate_config as allow_list.meshgate_config
	testdata.has(findings, "MG-EGRESS-05", "ExternalService", "b", "spec.host")
	count(testdata.of_rule(findings, "MG-EGRESS-05")) == 1
}
