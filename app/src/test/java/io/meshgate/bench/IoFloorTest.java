package io.meshgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoFloorTest {
  @TempDir Path temp;

  @Test
  void parsesEveryDocumentAndWritesTheManifestsFilesAtTheirSizes() throws IOException {
    Path rendered = temp.resolve("rendered");
    Files.createDirectories(rendered.resolve("clusters/c1"));
    Files.writeString(rendered.resolve("clusters/c1/a.yaml"), "kind: A\n");
    Files.writeString(rendered.resolve("clusters/c1/b.yaml"), "x".repeat(5000));
    Files.writeString(rendered.resolve("top.yaml"), "");
    List<String> manifest = IoFloor.manifestOf(rendered);
    assertEquals(List.of("8 clusters/c1/a.yaml", "5000 clusters/c1/b.yaml", "0 top.yaml"), manifest);

    Path intents = temp.resolve("intents");
    Files.createDirectories(intents.resolve("sub"));
    Files.writeString(intents.resolve("one.yaml"), "a: 1\n---\nb: 2\n---\n");
    Files.writeString(intents.resolve("sub/two.yml"), "c: [1, 2]\n");
    Files.writeString(intents.resolve("notes.txt"), "not yaml: [\n");
    Path list = temp.resolve("manifest.txt");
    Files.write(list, manifest, StandardCharsets.UTF_8);

    Path out = temp.resolve("out");
    assertEquals(3, IoFloor.run(intents, list, out));
    assertEquals(manifest, IoFloor.manifestOf(out));
  }
}
