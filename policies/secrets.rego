# Key material in Git.
package meshgate.secrets

import data.meshgate.lib

# MG-SECRET-01 — key or certificate material (PEM blocks) anywhere in an intent.
# Protects: secrets. Intent repositories are read by many and kept forever; a private key pasted
# into one is leaked. Intents reference Kubernetes Secrets by name (spec.tls.credentialName).
# The whole document is searched (apiVersion, kind, metadata, spec and unknown fields), so a
# misspelled field cannot hide a key. The message never repeats the material.
#
# One rule per collection, each iterating its documents: the embedded engine's incremental
# evaluation (serve) then searches again only the documents a push changed. A test checks that
# every collection of lib.kind_of_collection has its rule.
deny contains finding if {
	some name, document in input.clusters
	holds_marker(document)
	some finding in key_material("clusters", name, document)
}

deny contains finding if {
	some name, document in input.services
	holds_marker(document)
	some finding in key_material("services", name, document)
}

deny contains finding if {
	some name, document in input.clients
	holds_marker(document)
	some finding in key_material("clients", name, document)
}

deny contains finding if {
	some name, document in input.ingressRoutes
	holds_marker(document)
	some finding in key_material("ingressRoutes", name, document)
}

deny contains finding if {
	some name, document in input.externalServices
	holds_marker(document)
	some finding in key_material("externalServices", name, document)
}

deny contains finding if {
	some name, document in input.endUserAuths
	holds_marker(document)
	some finding in key_material("endUserAuths", name, document)
}

key_material(collection, name, document) := {finding |
	holds_marker(document)
	kind := lib.kind_of_collection[collection]
	walk(document, [path, value])
	count(path) > 0
	path[0] != "source"
	is_string(value)
	some marker in lib.pem_markers
	contains(value, marker)
	field := lib.field_path(path)
	msg := sprintf("%s %s holds key or certificate material (a PEM block) at %s; keep it in a Kubernetes Secret and refer to that Secret by name (spec.tls.credentialName)", [kind, name, field])
	finding := {"rule": "MG-SECRET-01", "msg": msg, "kind": kind, "name": name, "field": field}
}

# Cheap test before the walk: JSON encodes a string character by character, so a document with a
# marker in any string holds the marker's encoding in its own. Only those few documents are walked
# (walking all 40,000 documents of a large repository costs seconds). Each rule asks it before it
# calls key_material, so a document without a marker costs one encoding and no call of three
# arguments (the engine remembers each call's result by its arguments, hashing the document).
holds_marker(document) if {
	text := json.marshal(document)
	some marker in lib.pem_markers
	encoded := json.marshal(marker)
	contains(text, substring(encoded, 1, count(encoded) - 2))
}
