# Virtual addresses of cross-cluster hosts (<service>.<namespace>.global).
package meshgate.addresses

import data.meshgate.lib

# MG-ADDR-01 — a virtual address outside the non-routable range (240.0.0.0/4 by default).
# Protects: routing. Client sidecars capture traffic to the virtual address; a routable address
# would hijack (or be hijacked by) a real destination on the network.
deny contains {"rule": "MG-ADDR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.address"} if {
	some name, service in input.services
	lib.configured(service.spec, "address")
	address := service.spec.address
	lib.ip_address(address)
	not lib.in_virtual_range(address)
	msg := sprintf("service %s pins virtual address %v, which is outside %s; pick an address in that range", [name, address, lib.virtual_address_range])
}

# MG-ADDR-01 — the same check on what was actually rendered (allocated, not pinned, addresses).
# A pinned address is reported once, by the rule above.
deny contains {"rule": "MG-ADDR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.address"} if {
	some triple in rendered_address_hosts
	[cluster, address, host] := triple
	not lib.in_virtual_range(address)
	some name in lib.services_with_host(host)
	object.get(input.services[name].spec, "address", null) != address
	msg := sprintf("virtual address %v of %s in cluster %s is outside %s", [address, host, cluster, lib.virtual_address_range])
}

# A rendered ServiceEntry whose host no InboundService owns still gets reported, on the entry.
deny contains {"rule": "MG-ADDR-01", "msg": msg, "kind": "ServiceEntry", "name": entry_name, "field": "spec.addresses"} if {
	some cluster, objects in input.rendered
	some entry in objects
	entry.kind == "ServiceEntry"
	entry_name := entry.metadata.name
	some address in object.get(entry.spec, "addresses", [])
	not lib.in_virtual_range(address)
	some host in entry.spec.hosts
	count(lib.services_with_host(host)) == 0
	msg := sprintf("virtual address %v of %s in cluster %s is outside %s", [address, host, cluster, lib.virtual_address_range])
}

# MG-ADDR-01 — one virtual address for two hosts in one cluster.
# Protects: routing. The sidecar cannot tell the hosts apart; traffic for one reaches the other.
# (Peers are searched within the cluster's own objects only, which keeps this linear in clusters.)
deny contains {"rule": "MG-ADDR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.address"} if {
	some cluster, objects in input.rendered
	some entry in objects
	entry.kind == "ServiceEntry"
	some address in object.get(entry.spec, "addresses", [])
	some host in object.get(entry.spec, "hosts", [])
	others := {other |
		some peer in objects
		peer.kind == "ServiceEntry"
		address in object.get(peer.spec, "addresses", [])
		some other in object.get(peer.spec, "hosts", [])
		other != host
	}
	count(others) > 0
	some name in lib.services_with_host(host)
	msg := sprintf("virtual address %v is used in cluster %s for %s and also for %s; every host needs its own address", [address, cluster, host, concat(", ", sort(others))])
}

# [cluster, address, host] for every host of every rendered ServiceEntry.
rendered_address_hosts contains [cluster, address, host] if {
	some cluster, objects in input.rendered
	some entry in objects
	entry.kind == "ServiceEntry"
	some address in object.get(entry.spec, "addresses", [])
	some host in object.get(entry.spec, "hosts", [])
}
