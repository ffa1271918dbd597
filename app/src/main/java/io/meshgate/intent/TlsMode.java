package io.meshgate.intent;

/**
 * Istio client TLS modes an intent may ask for. {@code DISABLE}: plain text, for workloads without
 * sidecar (a legacy namespace): callers' sidecars send no TLS of their own.
 */
public enum TlsMode { SIMPLE, ISTIO_MUTUAL, MUTUAL, DISABLE;

  /** SIMPLE or MUTUAL: TLS with the teams' own certificates ({@code credentialName}). */
  public boolean ownCertificates() {
    return this == SIMPLE || this == MUTUAL;
  }
}
