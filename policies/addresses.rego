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
	some key, hosts in lib.hosts_by_address
	[cluster, address] := key
	not lib.in_virtual_range(address)
	some host in hosts
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
# One finding per service and address, naming every cluster where it is shared (since v2 the
# hosting cluster holds the host's ServiceEntry too). Linear: built from lookup objects.
deny contains {"rule": "MG-ADDR-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.address"} if {
	some key, others in shared_address_peers
	[host, address] := key
	clusters := shared_address_clusters[key]
	some name in lib.services_with_host(host)
	msg := sprintf("virtual address %v is used in cluster %s for %s and also for %s; every host needs its own address", [address, concat(", ", sort(clusters)), host, concat(", ", sort(others))])
}

# [host, address] -> the other hosts given that address in some cluster.
shared_address_peers_groups[peer_key] contains other if {
	some key, hosts in lib.hosts_by_address
	count(hosts) > 1
	address := key[1]
	some host in hosts
	some other in hosts
	other != host
	peer_key := [host, address]
}

shared_address_peers := shared_address_peers_groups

# [host, address] -> the clusters where that address is shared.
shared_address_clusters_groups[peer_key] contains cluster if {
	some key, hosts in lib.hosts_by_address
	count(hosts) > 1
	[cluster, address] := key
	some host in hosts
	peer_key := [host, address]
}

shared_address_clusters := shared_address_clusters_groups
