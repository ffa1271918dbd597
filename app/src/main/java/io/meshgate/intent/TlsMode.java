package io.meshgate.intent;

/** Istio client TLS modes an intent may ask for. */
public enum TlsMode { SIMPLE, ISTIO_MUTUAL, MUTUAL }
