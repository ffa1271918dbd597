package io.meshgate.intent;

/** A reference to a Kubernetes Secret holding TLS material; never the material itself. */
public record TlsRef(String credentialName) {}
