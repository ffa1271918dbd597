# The lookup objects of lib/intents.rego: what each key leads to.
package meshgate.lib_test

import data.meshgate.lib
import data.meshgate.testdata

test_services_by_host if {
	lib.services_by_host == {"httpbin.default.global": {"httpbin"}, "echo.tools.global": {"echo"}} with input as testdata.base_input
	lib.services_with_host("nothing.default.global") == set() with input as testdata.base_input
}

test_one_host_published_by_two_services_in_two_clusters if {
	patched := testdata.with_patch({"services": {"echo": {"spec": {"service": "httpbin", "namespace": "default"}}}})
	lib.services_with_host("httpbin.default.global") == {"httpbin", "echo"} with input as patched
}

test_clients_by_target_and_remote_clients if {
	patched := testdata.with_patch({"clients": {
		"local-to-httpbin": testdata.client("local-to-httpbin", "local", "cluster02", "httpbin", {}),
		"lost-to-httpbin": testdata.client("lost-to-httpbin", "lost", "cluster09", "httpbin", {}),
	}})
	lib.clients_of("httpbin") == {"sleep-to-httpbin", "local-to-httpbin", "lost-to-httpbin"} with input as patched
	lib.remote_clients_of("httpbin") == {"sleep-to-httpbin"} with input as patched
	lib.clients_of("echo") == set() with input as patched
}

test_targets_with_access if {
	lib.targets_with_access == {"httpbin"} with input as testdata.base_input
}

test_hosts_by_address_per_cluster if {
	second := testdata.service_entry("meshgate-echo-tools-global", "echo.tools.global", "240.0.0.2")
	patched := testdata.with_patch({"rendered": {"cluster02": [second]}})
	lookup := lib.hosts_by_address with input as patched
	lookup[["cluster01", "240.0.0.2"]] == {"httpbin.default.global"}
	lookup[["cluster02", "240.0.0.2"]] == {"echo.tools.global"}
	count(lookup) == 2
}
