package io.meshgate.render;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a rendered tree comes from; written as {@code meshgate/provenance.yaml}. Every field may be
 * null when the caller does not know it; null fields are left out of the file.
 *
 * @param sourceRepo the intents repository (URL, or the local intents path)
 * @param sourceCommit the source commit the output was rendered from
 * @param policyDigest a digest of the policies that checked it
 * @param toolVersion the meshgate version
 * @param policyRepo where the policies came from when they are read from Git (a repository URL, or
 *     the source repository's policies path)
 * @param policyCommit the commit of those policies
 */
public record Provenance(String sourceRepo, String sourceCommit, String policyDigest, String toolVersion,
    String policyRepo, String policyCommit) {

  public static final String PATH = "meshgate/provenance.yaml";

  /** Policies from a folder: no policy repository or commit. */
  public Provenance(String sourceRepo, String sourceCommit, String policyDigest, String toolVersion) {
    this(sourceRepo, sourceCommit, policyDigest, toolVersion, null, null);
  }

  public String toYaml() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "meshgate.io/v1alpha1");
    doc.put("kind", "Provenance");
    putIfSet(doc, "sourceRepo", sourceRepo);
    putIfSet(doc, "sourceCommit", sourceCommit);
    putIfSet(doc, "policyDigest", policyDigest);
    putIfSet(doc, "policyRepo", policyRepo);
    putIfSet(doc, "policyCommit", policyCommit);
    putIfSet(doc, "toolVersion", toolVersion);
    return ResourceYaml.dump(doc);
  }

  private static void putIfSet(Map<String, Object> doc, String key, String value) {
    if (value != null && !value.isBlank()) {
      doc.put(key, value);
    }
  }
}
