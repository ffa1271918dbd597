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
    Map<String, Node> folders = new HashMap<>();
    folders.put("", root);
    // Files in path order mostly follow the one before into the same folder: no lookup then.
    String lastFolder = "";
    Node last = root;
    for (Map.Entry<String, Entry> file : files.entrySet()) {
      String path = file.getKey();
      int slash = path.lastIndexOf('/');
      Node at;
      if (slash < 0) {
        at = root;
      } else if (slash == lastFolder.length() && path.startsWith(lastFolder)) {
        at = last;
      } else {
        lastFolder = path.substring(0, slash);
        at = folder(folders, lastFolder);
        last = at;
      }
      String name = path.substring(slash + 1);
      if (at.folders.containsKey(name)) {
        throw conflict(path);
      }
      at.files.put(name, new Entry(name, file.getValue().mode(), file.getValue().id()));
    }
    return write(inserter, root, "", earlier.byPath(), written);
  }

  /** The node of a folder path, made (with its parents) when new. */
  private static Node folder(Map<String, Node> folders, String path) {
    Node known = folders.get(path);
    if (known != null) {
      return known;
    }
    int slash = path.lastIndexOf('/');
    Node parent = slash < 0 ? folders.get("") : folder(folders, path.substring(0, slash));
    String name = path.substring(slash + 1);
    if (parent.files.containsKey(name)) {
      throw conflict(path);
    }
    Node made = new Node();
    parent.folders.put(name, made);
    folders.put(path, made);
    return made;
  }

  private static ObjectId write(ObjectInserter inserter, Node node, String path, Map<String, Folder> earlier,
      Map<String, Folder> written) throws IOException {
    Map<String, Entry> entries = node.files;
    for (Map.Entry<String, Node> folder : node.folders.entrySet()) {
      String below = path.isEmpty() ? folder.getKey() : path + "/" + folder.getKey();
      entries.put(folder.getKey(),
          new Entry(folder.getKey(), FileMode.TREE, write(inserter, folder.getValue(), below, earlier, written)));
    }
    Folder last = earlier.get(path);
    Folder now;
    if (last != null && sameEntries(last.entries(), entries)) {
      now = last; // the same entries: the same tree, already in the repository
    } else {
      List<Entry> sorted = new ArrayList<>(entries.values());
      sorted.sort(TreeBuilder::gitOrder);
      TreeFormatter tree = new TreeFormatter();
      for (Entry entry : sorted) {
        tree.append(entry.name(), entry.mode(), entry.id());
      }
      now = new Folder(java.util.Collections.unmodifiableList(sorted), inserter.insert(tree));
    }
    written.put(path, now);
    return now.id();
  }

  /** True when a folder holds exactly the entries it held (names, modes, ids). */
  private static boolean sameEntries(List<Entry> last, Map<String, Entry> now) {
    if (last.size() != now.size()) {
      return false;
    }
    for (Entry entry : last) {
      if (!entry.equals(now.get(entry.name()))) {
        return false;
      }
    }
    return true;
  }

  /** Git's order of tree entries: by name's bytes (UTF-8), a folder's name as if it ended in '/'. */
  static int gitOrder(Entry a, Entry b) {
    String x = a.name();
    String y = b.name();
    int length = Math.min(x.length(), y.length());
    for (int i = 0; i < length; i++) {
      char c = x.charAt(i);
      char d = y.charAt(i);
      if (c != d) {
        if (c >= 0x80 || d >= 0x80) {
          return byteOrder(a, b); // UTF-16 and UTF-8 orders differ beyond ASCII
        }
        return c - d;
      }
    }
    return lastChar(a, length) - lastChar(b, length);
  }

  /** The character after the common part: the name's own, '/' past a folder's name, else nothing (0). */
  private static int lastChar(Entry entry, int at) {
    if (at < entry.name().length()) {
      char c = entry.name().charAt(at);
      return c >= 0x80 ? 0x80 : c; // any non-ASCII character's UTF-8 bytes sort after ASCII and '/'
    }
    return entry.mode() == FileMode.TREE ? '/' : 0;
  }

  private static int byteOrder(Entry a, Entry b) {
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
