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

# Advice never leads to another finding: across logical clouds ISTIO_MUTUAL is no way out.
test_tls01_advice_across_logical_clouds_does_not_suggest_istio_mutual if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster03", "mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}}}}})
	some f in testdata.of_rule(findings, "MG-TLS-01")
	contains(f.msg, "one root of trust")
	not contains(f.msg, "set spec.mutualTLS: ISTIO_MUTUAL")
}

test_tls01_advice_names_the_alias_a_foreign_trust_domain_needs if {
	patched := testdata.with_patch({
		"clusters": {"cluster01": {"spec": {"trustDomain": "one.example"}}},
		"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}}}},
	})
	some f in testdata.of_rule(tls.deny, "MG-TLS-01") with input as patched
	contains(f.msg, "add trust domain one.example to spec.trustDomainAliases of cluster cluster02")
}

test_tls02_advice_does_not_suggest_simple_against_an_istio_mutual_target_alone if {
	findings := tls.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster03"}}}})
	some f in testdata.of_rule(findings, "MG-TLS-02")
	contains(f.msg, "serve httpbin with SIMPLE or MUTUAL")
}

test_tls03_foreign_trust_domain_without_alias_denied if {
	patched := testdata.with_patch({"clusters": {"cluster01": {"spec": {"trustDomain": "one.example"}}}})
	findings := tls.deny with input as patched
	testdata.has(findings, "MG-TLS-03", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
	some f in testdata.of_rule(findings, "MG-TLS-03")
	contains(f.msg, "add one.example to spec.trustDomainAliases of cluster cluster02")
}

test_tls03_alias_in_the_hosting_cluster_allows_it if {
	patched := testdata.with_patch({"clusters": {
		"cluster01": {"spec": {"trustDomain": "one.example"}},
		"cluster02": {"spec": {"trustDomainAliases": ["one.example"]}},
	}})
	count(testdata.of_rule(tls.deny, "MG-TLS-03")) == 0 with input as patched
}

test_tls03_alias_in_the_client_cluster_does_not_help if {
	patched := testdata.with_patch({"clusters": {
		"cluster01": {"spec": {"trustDomain": "one.example", "trustDomainAliases": ["cluster.local"]}},
	}})
	count(testdata.of_rule(tls.deny, "MG-TLS-03")) == 1 with input as patched
}

test_tls03_within_one_cluster_there_is_one_trust_domain if {
	patched := testdata.with_patch({
		"clusters": {"cluster02": {"spec": {"trustDomain": "two.example"}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02"}}},
	})
	count(testdata.of_rule(tls.deny, "MG-TLS-03")) == 0 with input as patched
}

simple_target := {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}

test_tls04_istio_mutual_and_simple_clients_in_one_cluster_denied if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": simple_target}},
		"clients": {"web-to-httpbin": testdata.client("web-to-httpbin", "web", "cluster01", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}})},
	})
	findings := tls.deny with input as patched
	testdata.has(findings, "MG-TLS-04", "ServiceClient", "web-to-httpbin", "spec.mutualTLS")
	count(testdata.of_rule(findings, "MG-TLS-04")) == 1
	some f in testdata.of_rule(findings, "MG-TLS-04")
	contains(f.msg, "sleep-to-httpbin use ISTIO_MUTUAL")
}

test_tls04_modes_in_different_clusters_are_fine if {
	patched := testdata.with_patch({
		"clusters": {"cluster04": testdata.cluster("cluster04", "lc1", "10.9.9.9")},
		"services": {"httpbin": {"spec": simple_target}},
		"clients": {"web-to-httpbin": testdata.client("web-to-httpbin", "web", "cluster04", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}})},
	})
	count(testdata.of_rule(tls.deny, "MG-TLS-04")) == 0 with input as patched
}

test_tls04_one_workload_with_two_credentials_denied_on_the_later_client if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": simple_target}},
		"clients": {
			"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca-1"}, "access": null}},
			"sleep2-to-httpbin": testdata.client("sleep2-to-httpbin", "sleep", "cluster01", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca-2"}}),
		},
	})
	findings := testdata.of_rule(tls.deny, "MG-TLS-04") with input as patched
	count(findings) == 1
	testdata.has(findings, "MG-TLS-04", "ServiceClient", "sleep2-to-httpbin", "spec.tls")
}

test_tls04_one_workload_with_one_setting_twice_is_fine if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": simple_target}},
		"clients": {
			"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}, "access": null}},
			"sleep2-to-httpbin": testdata.client("sleep2-to-httpbin", "sleep", "cluster01", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "ca"}}),
		},
	})
	count(testdata.of_rule(tls.deny, "MG-TLS-04")) == 0 with input as patched
}

test_tls01_a_client_without_sidecar_needs_no_credential_name if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02", "sidecar": false, "mutualTLS": "SIMPLE"}}},
	})
	count(testdata.of_rule(tls.deny, "MG-TLS-01")) == 0 with input as patched
}

# The application terminates TLS itself: the gateway passes it through and holds no certificate.
app_tls := testdata.with_patch({
	"services": {"httpbin": {"spec": {"protocol": "HTTPS", "mutualTLS": "SIMPLE"}}},
	"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "sleep-ca"}, "access": null}}},
})

test_tls01_a_service_terminating_tls_in_its_application_needs_no_credential_name if {
	count(testdata.of_rule(tls.deny, "MG-TLS-01")) == 0 with input as app_tls
	count(tls.warn) == 0 with input as app_tls
}

test_tls05_an_unused_credential_name_warns if {
	with_secret := json.patch(app_tls, [{"op": "add", "path": "/services/httpbin/spec/tls", "value": {"credentialName": "httpbin-tls"}}])
	findings := tls.warn with input as with_secret
	testdata.has(findings, "MG-TLS-05", "InboundService", "httpbin", "spec.tls")
}

test_tls04_several_ports_through_the_gateways_tls_server_denied if {
	two := json.patch(app_tls, [
		{"op": "remove", "path": "/services/httpbin/spec/port"},
		{"op": "remove", "path": "/services/httpbin/spec/protocol"},
		{"op": "add", "path": "/services/httpbin/spec/ports", "value": [
			{"number": 8443, "name": "https", "protocol": "HTTPS", "targetPort": 8443},
			{"number": 9090, "name": "metrics", "protocol": "HTTP", "targetPort": 9090},
		]},
	])
	findings := tls.deny with input as two
	testdata.has(findings, "MG-TLS-04", "InboundService", "httpbin", "spec.ports")
}

# One mistake, one finding: a client whose mode its target refuses is not also told to add a Secret
# for that mode (the advice to switch modes makes the Secret moot).
test_tls01_a_refused_mode_is_one_finding if {
	patched := testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE"}}}})
	findings := testdata.of_rule(tls.deny, "MG-TLS-01") with input as patched
	count(findings) == 1
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

# A target without sidecar (DISABLE) takes plain text.
legacy_target := testdata.with_patch({"services": {"httpbin": {"spec": {"sidecar": false, "mutualTLS": "DISABLE"}}}, "clients": {"sleep-to-httpbin": {"spec": {"cluster": "cluster02", "mutualTLS": "DISABLE"}}}})

test_tls01_disable_client_to_a_disable_target_is_fine if {
	count([f | some f in tls.deny; f.rule in {"MG-TLS-01", "MG-TLS-06"}]) == 0 with input as legacy_target
}

test_tls01_istio_mutual_to_a_disable_target_denied if {
	findings := tls.deny with input as object.union(legacy_target, {"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "ISTIO_MUTUAL"}}}})
	testdata.has(findings, "MG-TLS-01", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

test_tls06_disable_with_a_sidecar_denied if {
	findings := tls.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"mutualTLS": "DISABLE"}}}})
	testdata.has(findings, "MG-TLS-06", "InboundService", "httpbin", "spec.mutualTLS")
}

# The rules below read clients by TLS mode and ask cross-cluster questions once per pair of
# clusters: these tests hold several clients in one group, so a rule that took the pair's answer
# for every client, or read one group only, would fail them.

test_tls01_every_other_mode_toward_a_mutual_target_denied_and_only_there if {
	patched := testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "MUTUAL", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {
			"a-to-httpbin": testdata.client("a-to-httpbin", "a", "cluster02", "httpbin", {}),
			"b-to-httpbin": testdata.client("b-to-httpbin", "b", "cluster02", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "b"}}),
			"c-to-httpbin": testdata.client("c-to-httpbin", "c", "cluster02", "httpbin", {"mutualTLS": "MUTUAL", "tls": {"credentialName": "c"}}),
			"d-to-echo": testdata.client("d-to-echo", "d", "cluster01", "echo", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "d"}}),
		},
	})
	mismatches := {f.name | some f in tls.deny with input as patched; f.rule == "MG-TLS-01"; contains(f.msg, "requires MUTUAL")}
	mismatches == {"sleep-to-httpbin", "a-to-httpbin", "b-to-httpbin"}
	istio_mismatches := {f.name | some f in tls.deny with input as patched; f.rule == "MG-TLS-01"; contains(f.msg, "requires ISTIO_MUTUAL")}
	istio_mismatches == {"d-to-echo"}
}

test_tls02_every_client_of_a_cluster_pair_across_clouds_denied if {
	patched := testdata.with_patch({"clients": {
		"sleep-to-httpbin": {"spec": {"cluster": "cluster03"}},
		"a-to-httpbin": testdata.client("a-to-httpbin", "a", "cluster03", "httpbin", {}),
		"b-to-httpbin": testdata.client("b-to-httpbin", "b", "cluster01", "httpbin", {}),
		"c-to-httpbin": testdata.client("c-to-httpbin", "c", "cluster03", "httpbin", {"mutualTLS": "SIMPLE", "tls": {"credentialName": "c"}}),
	}})
	{f.name | some f in tls.deny with input as patched; f.rule == "MG-TLS-02"} == {"sleep-to-httpbin", "a-to-httpbin"}
}

test_tls03_a_cluster_pair_without_trust_still_spares_a_client_of_a_copy_in_its_cluster if {
	# httpbin also runs in cluster01, echo2 only in cluster02: both clients cross cluster01 -> cluster02
	# by their targets' spec.cluster, but the client of httpbin calls the copy in its own cluster.
	patched := testdata.with_patch({
		"clusters": {"cluster01": {"spec": {"trustDomain": "one.example"}}},
		"services": {
			"httpbin": {"spec": {"alsoIn": ["cluster01"]}},
			"echo2": object.union(testdata.base_input.services.echo, {"name": "echo2", "metadata": {"name": "echo2"}, "spec": {"service": "echo2", "cluster": "cluster02"}}),
		},
		"clients": {"a-to-echo2": testdata.client("a-to-echo2", "a", "cluster01", "echo2", {})},
	})
	{f.name | some f in tls.deny with input as patched; f.rule == "MG-TLS-03"} == {"a-to-echo2"}
}
