package meshgate.secrets_test

import data.meshgate.secrets
import data.meshgate.lib
import data.meshgate.testdata

pem := "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"

test_valid_input_has_no_secret_findings if {
	count(secrets.deny) == 0 with input as testdata.base_input
}

test_secret01_pem_in_spec_tls_denied if {
	findings := secrets.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"tls": {"key": pem}}}}})
	testdata.has(findings, "MG-SECRET-01", "InboundService", "httpbin", "spec.tls.key")
}

test_secret01_pem_in_metadata_annotation_denied if {
	findings := secrets.deny with input as testdata.with_patch({"clusters": {"cluster01": {"metadata": {"annotations": {"ca": pem}}}}})
	testdata.has(findings, "MG-SECRET-01", "Cluster", "cluster01", "metadata.annotations.ca")
}

test_secret01_pem_in_unknown_field_inside_array_denied if {
	findings := secrets.deny with input as testdata.with_patch({"clients": {"sleep-to-httpbin": {"spec": {"access": [{"methods": ["GET"], "cert": pem}]}}}})
	testdata.has(findings, "MG-SECRET-01", "ServiceClient", "sleep-to-httpbin", "spec.access[0].cert")
}

test_secret01_message_does_not_repeat_the_material if {
	findings := secrets.deny with input as testdata.with_patch({"services": {"httpbin": {"spec": {"tls": {"key": pem}}}}})
	some f in findings
	not contains(f.msg, "MIIE")
}

test_secret01_credential_name_reference_allowed if {
	count(secrets.deny) == 0 with input as testdata.with_patch({"services": {"httpbin": {"spec": {"tls": {"credentialName": "httpbin-tls"}}}}})
}

test_secret01_marker_needing_json_escapes_found if {
	findings := secrets.deny with input as testdata.with_patch({"services": {"httpbin": {"metadata": {"annotations": {"note": "<key> \"quoted\"\n-----BEGIN RSA PRIVATE KEY-----"}}}}})
		with data.meshgate.lib.pem_markers as ["<key> \"quoted\"\n-----BEGIN "]
	testdata.has(findings, "MG-SECRET-01", "InboundService", "httpbin", "metadata.annotations.note")
}

test_secret01_every_collection_searched if {
	every collection, kind in lib.kind_of_collection {
		findings := secrets.deny with input as {collection: {"x": {"metadata": {"annotations": {"ca": pem}}}}}
		testdata.has(findings, "MG-SECRET-01", kind, "x", "metadata.annotations.ca")
	}
}
