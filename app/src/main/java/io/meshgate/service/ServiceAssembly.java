package io.meshgate.service;

/**
 * Builds the running service from {@code serve}'s options: the sync job (fetch, check, render,
 * publish) and the validator behind {@code POST /api/v1/validate}.
 */
public final class ServiceAssembly {
  private ServiceAssembly() {}

  public static MeshgateService start(ServeOptions options, String webhookSecret) throws Exception {
    throw new UnsupportedOperationException("the sync job is not wired yet (waiting for the check and publish parts)");
  }
}
