package io.meshgate.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * Writes the Git trees of a set of files, taking the id of every folder whose entries are exactly
 * those of the same folder in an earlier tree from that tree instead of formatting, hashing and
 * inserting it again. An environment tree holds some 100,000 files in thousands of folders, and a
 * push changes a few of them. The trees are the ones {@code DirCache#writeTree} writes (tests compare
 * the ids).
 */
final class TreeBuilder {
  private TreeBuilder() {}

  /** One entry of a tree: a file (its mode and blob) or a folder (mode tree, its tree id). */
  record Entry(String name, FileMode mode, ObjectId id) {}

  /** The folders of one written tree by path ("" for the root), each with its entries and id. */
  record Folders(Map<String, Folder> byPath) {
    static final Folders NONE = new Folders(Map.of());
  }

  /** A folder's entries in Git's order and the id of the tree they make. */
  record Folder(List<Entry> entries, ObjectId id) {}

  /** A folder being assembled: its files and subfolders by name. */
  private static final class Node {
    final Map<String, Entry> files = new HashMap<>();
    final Map<String, Node> folders = new HashMap<>();
  }

  /**
   * Writes the tree holding {@code files} (path with forward slashes to mode and blob).
   *
   * @param earlier the folders of a tree whose objects are all in {@code inserter}'s repository
   * @param written receives this tree's folders (for the next call's {@code earlier})
   * @return the root tree's id
   * @throws IllegalArgumentException when a path is both a file and a folder
   */
  static ObjectId write(ObjectInserter inserter, Map<String, Entry> files, Folders earlier,
      Map<String, Folder> written) throws IOException {
    Node root = new Node();
    for (Map.Entry<String, Entry> file : files.entrySet()) {
      String path = file.getKey();
      Node at = root;
      int start = 0;
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', start)) {
        String name = path.substring(start, slash);
        if (at.files.containsKey(name)) {
          throw conflict(path.substring(0, slash));
        }
        at = at.folders.computeIfAbsent(name, n -> new Node());
        start = slash + 1;
      }
      String name = path.substring(start);
      if (at.folders.containsKey(name)) {
        throw conflict(path);
      }
      at.files.put(name, new Entry(name, file.getValue().mode(), file.getValue().id()));
    }
    return write(inserter, root, "", earlier.byPath(), written);
  }

  private static ObjectId write(ObjectInserter inserter, Node node, String path, Map<String, Folder> earlier,
      Map<String, Folder> written) throws IOException {
    List<Entry> entries = new ArrayList<>(node.files.size() + node.folders.size());
    entries.addAll(node.files.values());
    for (Map.Entry<String, Node> folder : node.folders.entrySet()) {
      String below = path.isEmpty() ? folder.getKey() : path + "/" + folder.getKey();
      entries.add(new Entry(folder.getKey(), FileMode.TREE, write(inserter, folder.getValue(), below, earlier, written)));
    }
    entries.sort(TreeBuilder::gitOrder);
    Folder last = earlier.get(path);
    Folder now;
    if (last != null && last.entries().equals(entries)) {
      now = last; // the same entries: the same tree, already in the repository
    } else {
      TreeFormatter tree = new TreeFormatter();
      for (Entry entry : entries) {
        tree.append(entry.name(), entry.mode(), entry.id());
      }
      now = new Folder(List.copyOf(entries), inserter.insert(tree));
    }
    written.put(path, now);
    return now.id();
  }

  /** Git's order of tree entries: by name's bytes, a folder's name as if it ended in '/'. */
  static int gitOrder(Entry a, Entry b) {
    byte[] x = a.name().getBytes(StandardCharsets.UTF_8);
    byte[] y = b.name().getBytes(StandardCharsets.UTF_8);
    int length = Math.min(x.length, y.length);
    for (int i = 0; i < length; i++) {
      int difference = (x[i] & 0xff) - (y[i] & 0xff);
      if (difference != 0) {
        return difference;
      }
    }
    return lastByte(a, x, length) - lastByte(b, y, length);
  }

  /** The byte after the common part: the name's own, '/' past a folder's name, else nothing (0). */
  private static int lastByte(Entry entry, byte[] name, int at) {
    if (at < name.length) {
      return name[at] & 0xff;
    }
    return entry.mode() == FileMode.TREE ? '/' : 0;
  }

  private static IllegalArgumentException conflict(String path) {
    return new IllegalArgumentException("output path '" + path + "' is both a file and a folder");
  }
}
