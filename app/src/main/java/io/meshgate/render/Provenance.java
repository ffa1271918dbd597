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
 */
public record Provenance(String sourceRepo, String sourceCommit, String policyDigest, String toolVersion) {

  public static final String PATH = "meshgate/provenance.yaml";

  public String toYaml() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "meshgate.io/v1alpha1");
    doc.put("kind", "Provenance");
    putIfSet(doc, "sourceRepo", sourceRepo);
    putIfSet(doc, "sourceCommit", sourceCommit);
    putIfSet(doc, "policyDigest", policyDigest);
    putIfSet(doc, "toolVersion", toolVersion);
    return ResourceYaml.dump(doc);
  }

  private static void putIfSet(Map<String, Object> doc, String key, String value) {
    if (value != null && !value.isBlank()) {
      doc.put(key, value);
    }
  }
}
