# Test fixtures shared by the *_test.rego files: a valid input shaped like the tool's (the seed
# scenario, trimmed), and an assertion helper. Being a _test file, it is never evaluated in production.
package meshgate.testdata

# A Cluster as the tool passes it: v2 defaults filled in.
cluster(name, cloud, gateway) := {
	"apiVersion": "meshgate.io/v1alpha1",
	"kind": "Cluster",
	"name": name,
	"metadata": {"name": name},
	"spec": {
		"logicalCloud": cloud, "trustDomain": "cluster.local",
		"meshGateway": {"address": gateway, "port": 15443, "tlsPort": 15444, "selector": {"istio": "eastwestgateway"}, "namespace": "istio-system"},
		"syncNamespace": "istio-system", "trustDomainAliases": [], "dnsProxying": true,
	},
	"source": {"file": "intents/clusters.yaml", "line": 1},
}

service_entry(name, host, address) := {
	"apiVersion": "networking.istio.io/v1",
	"kind": "ServiceEntry",
	"metadata": {"name": name, "namespace": "istio-system"},
	"spec": {"hosts": [host], "addresses": [address], "location": "MESH_INTERNAL", "resolution": "DNS", "exportTo": ["*"]},
}

base_input := {
	"clusters": {
		"cluster01": cluster("cluster01", "lc1", "172.25.55.210"),
		"cluster02": cluster("cluster02", "lc1", "172.25.55.50"),
		"cluster03": cluster("cluster03", "lc2", "172.25.56.10"),
	},
	"services": {
		"httpbin": {
			"apiVersion": "meshgate.io/v1alpha1",
			"kind": "InboundService",
			"name": "httpbin",
			"metadata": {"name": "httpbin", "labels": {"team": "platform"}},
			"spec": {
				"app": "app1", "service": "httpbin", "namespace": "default", "cluster": "cluster02",
				"protocol": "HTTP", "port": 8000, "headless": false, "sidecar": true, "mutualTLS": "ISTIO_MUTUAL",
				"selector": {"app": "httpbin"},
				"loadBalancing": {"simple": "ROUND_ROBIN"},
				"connectionPool": {"maxConnections": 10},
				"outlierDetection": {"consecutive5xxErrors": 8, "interval": "5m", "baseEjectionTime": "15m"},
			},
			"source": {"file": "intents/httpbin.yaml", "line": 1},
		},
		"echo": {
			"apiVersion": "meshgate.io/v1alpha1",
			"kind": "InboundService",
			"name": "echo",
			"metadata": {"name": "echo"},
			"spec": {
				"service": "echo", "namespace": "tools", "cluster": "cluster01", "protocol": "TCP", "port": 9000,
				"headless": false, "sidecar": true, "mutualTLS": "ISTIO_MUTUAL", "selector": {"app": "echo"},
			},
			"source": {"file": "intents/echo.yaml", "line": 1},
		},
	},
	"clients": {"sleep-to-httpbin": {
		"apiVersion": "meshgate.io/v1alpha1",
		"kind": "ServiceClient",
		"name": "sleep-to-httpbin",
		"metadata": {"name": "sleep-to-httpbin"},
		"spec": {
			"app": "app1", "service": "sleep", "namespace": "default", "cluster": "cluster01",
			"serviceAccount": "sleep", "sidecar": true, "headless": false, "target": "httpbin",
			"mutualTLS": "ISTIO_MUTUAL", "access": [{"methods": ["GET"], "paths": ["/status*"]}],
		},
		"source": {"file": "intents/sleep.yaml", "line": 1},
	}},
	# Since v2 the hosting cluster holds the host's ServiceEntry too, with the same address.
	"rendered": {
		"cluster01": [service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "240.0.0.2")],
		"cluster02": [service_entry("meshgate-httpbin-default-global", "httpbin.default.global", "240.0.0.2")],
	},
}

# The input with `patch` merged in (object.union merges nested objects key by key).
with_patch(patch) := object.union(base_input, patch)

# A client of `target` in `cluster`, defaults filled in as the tool does; union `extra` into spec.
client(name, service, cluster, target, extra) := {
	"apiVersion": "meshgate.io/v1alpha1",
	"kind": "ServiceClient",
	"name": name,
	"metadata": {"name": name},
	"spec": object.union({
		"service": service, "namespace": "default", "cluster": cluster, "serviceAccount": service,
		"sidecar": true, "headless": false, "target": target, "mutualTLS": "ISTIO_MUTUAL",
	}, extra),
	"source": {"file": sprintf("intents/%s.yaml", [name]), "line": 1},
}

# True when `findings` holds a finding of `rule` about kind/name/field.
has(findings, rule, kind, name, field) if {
	some f in findings
	f.rule == rule
	f.kind == kind
	f.name == name
	f.field == field
	is_string(f.msg)
	f.msg != ""
}

# Findings of one rule.
of_rule(findings, rule) := {f | some f in findings; f.rule == rule}
