package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trees TreeBuilder writes are JGit's (same ids), whatever it took from an earlier tree. */
class TreeBuilderTest {
  @TempDir Path temp;
  private Repository repository;

  @BeforeEach
  void repository() throws Exception {
    repository = FileRepositoryBuilder.create(temp.resolve("repo.git").toFile());
    repository.create(true);
  }

  private ObjectId blob(ObjectInserter inserter, String text) throws Exception {
    return inserter.insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
  }

  /** What DirCache writes for the same files: the reference. */
  private static ObjectId dirCacheTree(ObjectInserter inserter, Map<String, TreeBuilder.Entry> files) throws Exception {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    for (Map.Entry<String, TreeBuilder.Entry> file : new TreeMap<>(files).entrySet()) {
      DirCacheEntry entry = new DirCacheEntry(file.getKey());
      entry.setFileMode(file.getValue().mode());
      entry.setObjectId(file.getValue().id());
      builder.add(entry);
    }
    builder.finish();
    return index.writeTree(inserter);
  }

  private void put(Map<String, TreeBuilder.Entry> files, ObjectInserter inserter, String path, String text)
      throws Exception {
    files.put(path, new TreeBuilder.Entry(path, FileMode.REGULAR_FILE, blob(inserter, text)));
  }

  @Test
  void namesThatSortDifferentlyAsFoldersAreInGitsOrder() throws Exception {
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      Map<String, TreeBuilder.Entry> files = new HashMap<>();
      for (String path : new String[] {"a", "a-b/x", "a.b", "a/b", "ab/c", "a0", "b/a/x", "b/a.x", "b/a-x", "b/a/y/z",
          "clusters/east/ns/destinationrule-x.yaml", "clusters/east-1/ns/x.yaml", "clusters/east/kustomization.yaml",
          "clusters/east.b/x", "\u00e9t\u00e9/x", "e/x", "z"}) {
        if (!path.equals("a")) { // "a" would be a file and a folder (a/b)
          put(files, inserter, path, path);
        }
      }
      files.put("run.sh", new TreeBuilder.Entry("run.sh", FileMode.EXECUTABLE_FILE, blob(inserter, "#!/bin/sh\n")));
      Map<String, TreeBuilder.Folder> folders = new HashMap<>();
      assertEquals(dirCacheTree(inserter, files), TreeBuilder.write(inserter, files, TreeBuilder.Folders.NONE, folders));
      assertTrue(folders.containsKey("") && folders.containsKey("b/a/y") && folders.containsKey("clusters/east"));
    }
  }

  @Test
  void aPathThatIsAFileAndAFolderIsRefused() throws Exception {
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      Map<String, TreeBuilder.Entry> files = new HashMap<>();
      put(files, inserter, "clusters/east/ns", "x");
      put(files, inserter, "clusters/east/ns/a.yaml", "y");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TreeBuilder.write(inserter, files, TreeBuilder.Folders.NONE, new HashMap<>()));
      assertEquals("output path 'clusters/east/ns' is both a file and a folder", e.getMessage());
    }
  }

  @Test
  void foldersKeptFromAnEarlierTreeAreReusedOnlyWhereTheirEntriesAreTheSame() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      Map<String, TreeBuilder.Entry> files = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        put(files, inserter, "clusters/c" + random.nextInt(6) + "/ns" + random.nextInt(12) + "/o" + i + ".yaml",
            "object " + i);
      }
      TreeBuilder.Folders earlier = TreeBuilder.Folders.NONE;
      for (int round = 0; round < 30; round++) {
        Map<String, TreeBuilder.Folder> written = new HashMap<>();
        ObjectId tree = TreeBuilder.write(inserter, round % 2 == 0 ? new TreeMap<>(files) : files, earlier, written);
        assertEquals(dirCacheTree(inserter, files), tree, "round " + round);
        if (round > 0) {
          // Untouched folders are the earlier tree's (not formatted again).
          Map<String, TreeBuilder.Folder> before = earlier.byPath();
          long kept = written.entrySet().stream().filter(e -> e.getValue() == before.get(e.getKey())).count();
          assertTrue(kept > written.size() / 2, kept + " of " + written.size() + " folders kept");
        }
        earlier = new TreeBuilder.Folders(written);
        // One change per round: new content, a new file, a file removed, or a folder emptied.
        String victim = files.keySet().stream().sorted().skip(random.nextInt(files.size())).findFirst().orElseThrow();
        switch (round % 4) {
          case 0 -> put(files, inserter, victim, "changed " + round);
          case 1 -> put(files, inserter, "clusters/c" + random.nextInt(7) + "/new" + round + "/o.yaml", "new " + round);
          case 2 -> files.remove(victim);
          default -> {
            String folder = victim.substring(0, victim.lastIndexOf('/') + 1);
            files.keySet().removeIf(path -> path.startsWith(folder));
          }
        }
      }
      Map<String, TreeBuilder.Folder> last = new HashMap<>();
      TreeBuilder.write(inserter, files, earlier, last);
      Map<String, TreeBuilder.Folder> again = new HashMap<>();
      TreeBuilder.write(inserter, files, new TreeBuilder.Folders(last), again);
      assertSame(last.get(""), again.get(""), "nothing changed: the root is the earlier one");
    }
  }
}
