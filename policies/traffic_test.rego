package meshgate.traffic_test

import data.meshgate.testdata
import data.meshgate.traffic

versions := [{"name": "v1", "labels": {"version": "v1"}}, {"name": "v2", "labels": {"version": "v2"}}]

# httpbin with versions and the given routes.
routed(routes) := testdata.with_patch({"services": {"httpbin": {"spec": {"versions": versions, "routes": routes}}}})

by_header := [
	{"match": [{"headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]},
	{"route": [{"version": "v1"}]},
]

canary := [{"route": [{"version": "v1", "weight": 90}, {"version": "v2", "weight": 10}]}]

no_findings(input_value) if {
	count(traffic.deny) == 0 with input as input_value
	count(traffic.warn) == 0 with input as input_value
}

test_valid_routing_has_no_findings if {
	no_findings(testdata.base_input)
	no_findings(routed(by_header))
	no_findings(routed(canary))
	no_findings(routed([{"route": [{"version": "v2"}], "timeout": "10s", "retries": {"attempts": 2, "perTryTimeout": "2s"}}]))
}

# ---- MG-ROUTE-01 ----

test_route01_weights_not_summing_to_100_denied if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v1", "weight": 90}, {"version": "v2", "weight": 20}]}])
	testdata.has(findings, "MG-ROUTE-01", "InboundService", "httpbin", "spec.routes[0].route")
}

test_route01_missing_weight_counts_as_zero if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v1", "weight": 90}, {"version": "v2"}]}])
	testdata.has(findings, "MG-ROUTE-01", "InboundService", "httpbin", "spec.routes[0].route")
}

test_route01_lone_destination_with_a_weight_denied if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v2", "weight": 10}]}])
	testdata.has(findings, "MG-ROUTE-01", "InboundService", "httpbin", "spec.routes[0].route[0].weight")
}

test_route01_lone_destination_with_weight_100_is_fine if {
	no_findings(routed([{"route": [{"version": "v2", "weight": 100}]}]))
}

# ---- MG-ROUTE-02 ----

test_route02_undeclared_version_denied if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v3"}]}])
	testdata.has(findings, "MG-ROUTE-02", "InboundService", "httpbin", "spec.routes[0].route[0].version")
}

test_route02_undeclared_mirror_version_denied if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v1"}], "mirror": {"version": "v9"}}])
	testdata.has(findings, "MG-ROUTE-02", "InboundService", "httpbin", "spec.routes[0].mirror.version")
}

test_route02_version_without_any_versions_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"routes": [{"route": [{"version": "v1"}]}]}}}})
	testdata.has(findings, "MG-ROUTE-02", "InboundService", "httpbin", "spec.routes[0].route[0].version")
}

test_route02_whole_service_destination_is_fine if {
	no_findings(testdata.with_patch({"services": {"httpbin": {"spec": {"routes": [{"route": [{"weight": 100}], "timeout": "5s"}]}}}}))
}

# ---- MG-ROUTE-03 ----

test_route03_retries_beyond_the_timeout_warn if {
	findings := traffic.warn with input as routed([{"route": [{"version": "v1"}], "timeout": "3s", "retries": {"attempts": 2, "perTryTimeout": "2s"}}])
	testdata.has(findings, "MG-ROUTE-03", "InboundService", "httpbin", "spec.routes[0].retries")
}

test_route03_the_first_call_counts_as_a_try if {
	# 2 retries after the first call: 3 tries of 2s do not fit in 5s.
	findings := traffic.warn with input as routed([{"route": [{"version": "v1"}], "timeout": "5s", "retries": {"attempts": 2, "perTryTimeout": "2s"}}])
	testdata.has(findings, "MG-ROUTE-03", "InboundService", "httpbin", "spec.routes[0].retries")
}

test_route03_retries_within_the_timeout_are_fine if {
	no_findings(routed([{"route": [{"version": "v1"}], "timeout": "6s", "retries": {"attempts": 2, "perTryTimeout": "2s"}}]))
}

test_route03_no_timeout_no_warning if {
	no_findings(routed([{"route": [{"version": "v1"}], "retries": {"attempts": 5, "perTryTimeout": "2s"}}]))
}

# ---- MG-ROUTE-04 ----

faulty := [{"route": [{"version": "v1"}], "fault": {"abort": {"httpStatus": 500, "percentage": 10}}}]

test_route04_fault_in_a_production_cloud_warns if {
	patched := object.union(routed(faulty), {"clusters": {"cluster01": {"spec": {"logicalCloud": "prod"}}}})
	findings := traffic.warn with input as patched
	testdata.has(findings, "MG-ROUTE-04", "InboundService", "httpbin", "spec.routes[0].fault")
}

test_route04_production_marker_is_a_tunable if {
	findings := traffic.warn with input as routed(faulty) with data.meshgate_config.production_logical_clouds as ["lc*"]
	testdata.has(findings, "MG-ROUTE-04", "InboundService", "httpbin", "spec.routes[0].fault")
}

test_route04_fault_outside_production_is_fine if {
	no_findings(routed(faulty))
}

# ---- MG-ROUTE-05 ----

test_route05_catch_all_before_a_match_denied if {
	findings := traffic.deny with input as routed([{"route": [{"version": "v1"}]}, {"match": [{"uri": {"prefix": "/api"}}], "route": [{"version": "v2"}]}])
	testdata.has(findings, "MG-ROUTE-05", "InboundService", "httpbin", "spec.routes[1]")
}

test_route05_shorter_prefix_shadows_longer_prefix if {
	findings := traffic.deny with input as routed([
		{"match": [{"uri": {"prefix": "/api"}}], "route": [{"version": "v1"}]},
		{"match": [{"uri": {"prefix": "/api/v2"}, "headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	])
	testdata.has(findings, "MG-ROUTE-05", "InboundService", "httpbin", "spec.routes[1]")
}

test_route05_regex_covering_an_exact_value if {
	findings := traffic.deny with input as routed([
		{"match": [{"headers": {"end-user": {"regex": "jo.*"}}}], "route": [{"version": "v1"}]},
		{"match": [{"headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	])
	testdata.has(findings, "MG-ROUTE-05", "InboundService", "httpbin", "spec.routes[1]")
}

test_route05_narrower_first_is_fine if {
	no_findings(routed([
		{"match": [{"uri": {"prefix": "/api/v2"}}], "route": [{"version": "v2"}]},
		{"match": [{"uri": {"prefix": "/api"}}], "route": [{"version": "v1"}]},
		{"route": [{"version": "v1"}]},
	]))
}

test_route05_other_header_value_is_fine if {
	no_findings(routed([
		{"match": [{"headers": {"end-user": {"exact": "jason"}}}], "route": [{"version": "v2"}]},
		{"match": [{"headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	]))
}

test_route05_a_later_match_with_an_alternative_the_earlier_misses_is_fine if {
	no_findings(routed([
		{"match": [{"method": {"exact": "GET"}}], "route": [{"version": "v1"}]},
		{"match": [{"method": {"exact": "GET"}}, {"method": {"exact": "POST"}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	]))
}

# ---- MG-ROUTE-06 ----

test_route06_routes_on_a_tcp_service_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"echo": {"spec": {"routes": [{"route": [{"weight": 100}]}]}}}})
	testdata.has(findings, "MG-ROUTE-06", "InboundService", "echo", "spec.routes")
}

test_route06_match_on_an_opaque_port_denied if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {
		"ports": [{"number": 8000, "name": "http", "protocol": "HTTP", "targetPort": 8000}, {"number": 9000, "name": "tcp", "protocol": "TCP", "targetPort": 9000}],
		"versions": versions,
		"routes": [{"match": [{"port": "tcp"}], "route": [{"version": "v2"}]}, {"route": [{"version": "v1"}]}],
	}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-ROUTE-06", "InboundService", "httpbin", "spec.routes[0].match[0].port")
}

test_route06_versions_with_a_remote_simple_client_denied if {
	patched := object.union(routed(by_header), {
		"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}}}},
		"clients": {"sleep-to-httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "sleep-tls"}}}},
	})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-ROUTE-06", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

# ---- MG-ROUTE-07 ----

test_route07_no_default_route_warns if {
	findings := traffic.warn with input as routed([{"match": [{"headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]}])
	testdata.has(findings, "MG-ROUTE-07", "InboundService", "httpbin", "spec.routes[0]")
}

test_route07_a_prefix_slash_route_is_the_default if {
	no_findings(routed([
		{"match": [{"headers": {"end-user": {"exact": "john"}}}], "route": [{"version": "v2"}]},
		{"match": [{"uri": {"prefix": "/"}}], "route": [{"version": "v1"}]},
	]))
}

test_route05_a_route_after_a_prefix_slash_route_is_shadowed if {
	findings := traffic.deny with input as routed([
		{"match": [{"uri": {"prefix": "/"}}], "route": [{"version": "v1"}]},
		{"route": [{"version": "v2"}]},
	])
	testdata.has(findings, "MG-ROUTE-05", "InboundService", "httpbin", "spec.routes[1]")
}

test_route05_a_prefix_slash_with_a_method_is_no_catch_all if {
	no_findings(routed([
		{"match": [{"uri": {"prefix": "/"}, "method": {"exact": "GET"}}], "route": [{"version": "v1"}]},
		{"route": [{"version": "v2"}]},
	]))
}

# ---- MG-VERSION-01 ----

test_version01_same_labels_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"versions": [
		{"name": "v1", "labels": {"version": "v1"}},
		{"name": "v2", "labels": {"version": "v1"}},
	]}}}})
	testdata.has(findings, "MG-VERSION-01", "InboundService", "httpbin", "spec.versions[1].labels")
}

test_version01_duplicate_name_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"versions": [
		{"name": "v1", "labels": {"version": "v1"}},
		{"name": "v1", "labels": {"version": "v2"}},
	]}}}})
	testdata.has(findings, "MG-VERSION-01", "InboundService", "httpbin", "spec.versions[1].name")
}

test_version01_labels_contradicting_the_selector_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"versions": [{"name": "v1", "labels": {"app": "httpbin-v1"}}]}}}})
	testdata.has(findings, "MG-VERSION-01", "InboundService", "httpbin", "spec.versions[0].labels.app")
}

# ---- MG-AUTHZ-05 ----

test_authz05_http_fields_on_a_tcp_port_denied if {
	patched := testdata.with_patch({"services": {"echo": {"spec": {"authorization": {"deny": [{"methods": ["DELETE"]}]}}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-AUTHZ-05", "InboundService", "echo", "spec.authorization.deny[0].methods")
}

test_authz05_deny_without_sidecar_denied if {
	patched := testdata.with_patch({"services": {"httpbin": {"spec": {"sidecar": false, "authorization": {"deny": [{"namespaces": ["legacy"]}]}}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-AUTHZ-05", "InboundService", "httpbin", "spec.authorization.deny")
}

test_authz05_http_fields_on_an_http_service_are_fine if {
	no_findings(testdata.with_patch({"services": {"httpbin": {"spec": {"authorization": {"deny": [{"namespaces": ["viewers"], "notMethods": ["GET", "HEAD"]}]}}}}}))
}

# ---- MG-REF-01 (traffic references) ----

test_ref01_unknown_deny_client_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"authorization": {"deny": [{"clients": ["sleep-to-httpbn"]}]}}}}})
	testdata.has(findings, "MG-REF-01", "InboundService", "httpbin", "spec.authorization.deny[0].clients[0]")
}

test_ref01_unknown_also_in_cluster_denied if {
	findings := traffic.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"alsoIn": ["cluster09"]}}}})
	testdata.has(findings, "MG-REF-01", "InboundService", "httpbin", "spec.alsoIn[0]")
}

test_ref01_unknown_route_port_denied if {
	findings := traffic.deny with input as routed([{"match": [{"port": 9999}], "route": [{"version": "v2"}]}, {"route": [{"version": "v1"}]}])
	testdata.has(findings, "MG-REF-01", "InboundService", "httpbin", "spec.routes[0].match[0].port")
}

# ---- MG-FAILOVER ----

located := {"clusters": {
	"cluster01": {"spec": {"locality": "eu-west1"}},
	"cluster02": {"spec": {"locality": "us-east1"}},
}}

failover(spec) := object.union(testdata.with_patch({"services": {"httpbin": {"spec": object.union({"alsoIn": ["cluster01"]}, spec)}}}), located)

test_failover_valid_has_no_findings if {
	no_findings(failover({}))
}

test_failover01_without_outlier_detection_denied if {
	patched := json.remove(failover({}), ["services/httpbin/spec/outlierDetection"])
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-FAILOVER-01", "InboundService", "httpbin", "spec.alsoIn")
}

test_failover02_cluster_without_locality_denied if {
	patched := json.remove(failover({}), ["clusters/cluster01/spec/locality"])
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-FAILOVER-02", "Cluster", "cluster01", "spec")
}

test_failover02_same_region_denied if {
	patched := object.union(failover({}), {"clusters": {"cluster01": {"spec": {"locality": "us-east1/us-east1-b"}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-FAILOVER-02", "InboundService", "httpbin", "spec.alsoIn[0]")
}

test_failover02_zones_of_one_region_are_fine if {
	patched := object.union(failover({}), {"clusters": {
		"cluster01": {"spec": {"locality": "us-east1/us-east1-b"}},
		"cluster02": {"spec": {"locality": "us-east1/us-east1-c"}},
	}})
	no_findings(patched)
}

test_failover03_simple_service_denied if {
	findings := traffic.deny with input as failover({"mutualTLS": "SIMPLE", "tls": {"credentialName": "httpbin-tls"}})
	testdata.has(findings, "MG-FAILOVER-03", "InboundService", "httpbin", "spec.mutualTLS")
}

test_failover03_other_logical_cloud_denied if {
	patched := object.union(failover({"alsoIn": ["cluster03"]}), {"clusters": {"cluster03": {"spec": {"locality": "ap-south1"}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-FAILOVER-03", "InboundService", "httpbin", "spec.alsoIn[0]")
}

test_failover03_trust_domain_not_accepted_denied if {
	patched := object.union(failover({}), {"clusters": {"cluster01": {"spec": {"trustDomain": "west.example"}}}})
	findings := traffic.deny with input as patched
	testdata.has(findings, "MG-FAILOVER-03", "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")
}

test_failover04_versions_warn if {
	findings := traffic.warn with input as failover({"versions": versions})
	testdata.has(findings, "MG-FAILOVER-04", "InboundService", "httpbin", "spec.versions")
}

# ---- MG-ROUTE-08 ----

test_route08_an_invalid_regex_denied_where_it_is if {
	findings := traffic.deny with input as routed([
		{"match": [{"headers": {"user-agent": {"regex": ".*(iPhone"}}}], "route": [{"version": "v2"}]},
		{"match": [{"uri": {"regex": "/api/[a-z"}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	])
	testdata.has(findings, "MG-ROUTE-08", "InboundService", "httpbin", "spec.routes[0].match[0].headers.user-agent.regex")
	testdata.has(findings, "MG-ROUTE-08", "InboundService", "httpbin", "spec.routes[1].match[0].uri.regex")
	count(testdata.of_rule(findings, "MG-ROUTE-08")) == 2
}

test_route08_valid_regexes_are_fine if {
	no_findings(routed([
		{"match": [{"headers": {"user-agent": {"regex": ".*(iPhone|Android).*"}}}], "route": [{"version": "v2"}]},
		{"match": [{"uri": {"regex": "/api/v[0-9]+/.*"}}], "route": [{"version": "v2"}]},
		{"route": [{"version": "v1"}]},
	]))
}

