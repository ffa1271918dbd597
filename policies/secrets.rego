# Key material in Git.
package meshgate.secrets

import data.meshgate.lib

# MG-SECRET-01 — key or certificate material (PEM blocks) anywhere in an intent.
# Protects: secrets. Intent repositories are read by many and kept forever; a private key pasted
# into one is leaked. Intents reference Kubernetes Secrets by name (spec.tls.credentialName).
# The whole document is searched (apiVersion, kind, metadata, spec and unknown fields), so a
# misspelled field cannot hide a key. The message never repeats the material.
deny contains {"rule": "MG-SECRET-01", "msg": msg, "kind": kind, "name": name, "field": field} if {
	some collection, kind in lib.kind_of_collection
	some name, document in input[collection]
	holds_marker(document)
	walk(document, [path, value])
	count(path) > 0
	path[0] != "source"
	is_string(value)
	some marker in lib.pem_markers
	contains(value, marker)
	field := lib.field_path(path)
	msg := sprintf("%s %s holds key or certificate material (a PEM block) at %s; keep it in a Kubernetes Secret and refer to that Secret by name (spec.tls.credentialName)", [kind, name, field])
}

# Cheap test before the walk: JSON encodes a string character by character, so a document with a
# marker in any string holds the marker's encoding in its own. Only those few documents are walked
# (walking all 40,000 documents of a large repository costs seconds).
holds_marker(document) if {
	text := json.marshal(document)
	some marker in lib.pem_markers
	encoded := json.marshal(marker)
	contains(text, substring(encoded, 1, count(encoded) - 2))
}
