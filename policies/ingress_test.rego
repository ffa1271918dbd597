package meshgate.ingress_test

import data.meshgate.ingress
import data.meshgate.testdata

route(name, cluster, hosts, extra) := object.union({
	"apiVersion": "meshgate.io/v1alpha1", "kind": "IngressRoute", "name": name, "metadata": {"name": name},
	"spec": {
		"cluster": cluster, "namespace": "istio-system", "hosts": hosts, "httpsRedirect": true, "allowPlainHttp": false,
		"tls": {"mode": "SIMPLE", "credentialName": "cert"},
		"routes": [{"uri": {"prefix": "/"}, "service": "httpbin"}],
	},
	"source": {"file": "intents/ingress.yaml", "line": 1},
}, extra)

# object.union cannot drop a key: rebuild the spec without tls.
without_tls(r) := object.union(object.remove(r, ["spec"]), {"spec": object.remove(r.spec, ["tls"])})

with_routes(routes) := testdata.with_patch({"ingressRoutes": routes})

test_valid_https_route_has_no_findings if {
	count(ingress.deny) == 0 with input as with_routes({"web": route("web", "cluster02", ["web.example.com"], {})})
}

test_ingress01_wildcard_hosts_denied if {
	findings := ingress.deny with input as with_routes({"web": route("web", "cluster02", ["ok.example.com", "*.example.com", "*"], {})})
	testdata.has(findings, "MG-INGRESS-01", "IngressRoute", "web", "spec.hosts[1]")
	testdata.has(findings, "MG-INGRESS-01", "IngressRoute", "web", "spec.hosts[2]")
	count(testdata.of_rule(findings, "MG-INGRESS-01")) == 2
}

test_ingress02_plain_http_on_a_public_host_denied if {
	plain := without_tls(route("web", "cluster02", ["web.example.com", "web.corp.internal"], {}))
	findings := ingress.deny with input as with_routes({"web": plain})
	testdata.has(findings, "MG-INGRESS-02", "IngressRoute", "web", "spec.hosts[0]")
	count(testdata.of_rule(findings, "MG-INGRESS-02")) == 1 # the .internal host is private
}

test_ingress02_explicit_opt_out_allowed if {
	plain := without_tls(route("web", "cluster02", ["web.example.com"], {"spec": {"allowPlainHttp": true}}))
	count(ingress.deny) == 0 with input as with_routes({"web": plain})
}

test_ingress03_tcp_service_and_missing_port_denied if {
	findings := ingress.deny with input as with_routes({"web": route("web", "cluster01", ["web.example.com"], {"spec": {
		"routes": [{"service": "echo"}, {"service": "httpbin", "port": 9999}],
	}})})
	testdata.has(findings, "MG-INGRESS-03", "IngressRoute", "web", "spec.routes[0].service")
	testdata.has(findings, "MG-INGRESS-03", "IngressRoute", "web", "spec.routes[1].port")
}

test_ingress03_remote_service_needs_istio_mutual_and_one_root if {
	simple := testdata.with_patch({
		"services": {"httpbin": {"spec": {"mutualTLS": "SIMPLE", "tls": {"credentialName": "c"}}}},
		"ingressRoutes": {"web": route("web", "cluster01", ["web.example.com"], {})},
	})
	testdata.has(ingress.deny, "MG-INGRESS-03", "IngressRoute", "web", "spec.routes[0].service") with input as simple
	other_cloud := with_routes({"web": route("web", "cluster03", ["web.example.com"], {})})
	findings := ingress.deny with input as other_cloud
	testdata.has(findings, "MG-INGRESS-03", "IngressRoute", "web", "spec.routes[0].service")
	some f in findings
	contains(f.msg, "logical cloud")
}

test_ingress03_remote_istio_mutual_service_in_one_root_allowed if {
	count(ingress.deny) == 0 with input as with_routes({"web": route("web", "cluster01", ["web.example.com"], {})})
}

test_ingress04_one_host_in_two_routes_denied_on_the_later if {
	findings := ingress.deny with input as with_routes({
		"a": route("a", "cluster02", ["web.example.com"], {}),
		"b": route("b", "cluster02", ["other.example.com", "web.example.com"], {}),
		"c": route("c", "cluster01", ["web.example.com"], {}), # another cluster's gateway: no clash
	})
	testdata.has(findings, "MG-INGRESS-04", "IngressRoute", "b", "spec.hosts[1]")
	count(testdata.of_rule(findings, "MG-INGRESS-04")) == 1
}

# ---- MG-ROUTE-05 on an IngressRoute ----

test_route05_an_ingress_route_after_a_wider_prefix_denied if {
	shadowed := route("web", "cluster02", ["web.example.com"], {"spec": {"routes": [
		{"uri": {"prefix": "/"}, "service": "httpbin"},
		{"uri": {"prefix": "/api"}, "service": "httpbin"},
		{"uri": {"exact": "/api/health"}, "service": "httpbin"},
	]}})
	findings := ingress.deny with input as with_routes({"web": shadowed})
	testdata.has(findings, "MG-ROUTE-05", "IngressRoute", "web", "spec.routes[1]")
	testdata.has(findings, "MG-ROUTE-05", "IngressRoute", "web", "spec.routes[2]")
	some f in findings
	f.field == "spec.routes[2]"
	contains(f.msg, "route 1 before it (prefix /, to httpbin)")
}

test_route05_narrower_ingress_routes_first_are_fine if {
	ordered := route("web", "cluster02", ["web.example.com"], {"spec": {"routes": [
		{"uri": {"exact": "/api/health"}, "service": "httpbin"},
		{"uri": {"prefix": "/api"}, "service": "httpbin"},
		{"uri": {"prefix": "/apiv2"}, "service": "httpbin"},
		{"uri": {"prefix": "/"}, "service": "httpbin"},
	]}})
	findings := ingress.deny with input as with_routes({"web": ordered})
	count(testdata.of_rule(findings, "MG-ROUTE-05")) == 1
	testdata.has(findings, "MG-ROUTE-05", "IngressRoute", "web", "spec.routes[2]")
}

