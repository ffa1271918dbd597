package meshgate.jwt_test

import data.meshgate.jwt
import data.meshgate.testdata

auth(name, target, rules) := {
	"apiVersion": "meshgate.io/v1alpha1", "kind": "EndUserAuth", "name": name, "metadata": {"name": name},
	"spec": {"target": target, "jwtRules": rules},
	"source": {"file": "intents/jwt.yaml", "line": 1},
}

https_rule := {"issuer": "https://auth.example.com", "jwksUri": "https://auth.example.com/jwks.json"}

test_https_issuer_on_an_http_service_has_no_findings if {
	count(jwt.deny) == 0 with input as testdata.with_patch({"endUserAuths": {"a": auth("a", {"service": "httpbin"}, [https_rule])}})
}

test_jwt01_issuer_or_jwks_uri_not_https_denied if {
	rules := [https_rule, {"issuer": "testing@secure.istio.io", "jwksUri": "http://auth.example.com/jwks.json"}]
	findings := jwt.deny with input as testdata.with_patch({"endUserAuths": {"a": auth("a", {"service": "httpbin"}, rules)}})
	testdata.has(findings, "MG-JWT-01", "EndUserAuth", "a", "spec.jwtRules[1].issuer")
	testdata.has(findings, "MG-JWT-01", "EndUserAuth", "a", "spec.jwtRules[1].jwksUri")
	count(findings) == 2
}

test_jwt02_tcp_service_or_no_sidecar_denied if {
	tcp := jwt.deny with input as testdata.with_patch({"endUserAuths": {"a": auth("a", {"service": "echo"}, [https_rule])}})
	testdata.has(tcp, "MG-JWT-02", "EndUserAuth", "a", "spec.target.service")
	bare := jwt.deny with input as testdata.with_patch({
		"services": {"httpbin": {"spec": {"sidecar": false}}},
		"endUserAuths": {"a": auth("a", {"service": "httpbin"}, [https_rule])},
	})
	testdata.has(bare, "MG-JWT-02", "EndUserAuth", "a", "spec.target.service")
}
