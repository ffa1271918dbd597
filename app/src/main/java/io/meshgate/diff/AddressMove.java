package io.meshgate.diff;

/**
 * A virtual address that is not where it was: the ServiceEntry of {@code host} in {@code cluster}
 * answers DNS with {@code to} instead of {@code from}, so connections to the old address break.
 * With the base's ledger carried over this happens only when a pin ({@code spec.address}) changes.
 */
public record AddressMove(String cluster, String host, String from, String to) {}
