package io.meshgate.publish;

import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What one environment tree holds, as a publication on top of it needs it: the files below
 * {@code clusters/} (for the deletion guard), the blob id of every file meshgate manages, and the
 * entries outside the managed folders (kept as they are).
 *
 * @param tree the tree's id
 * @param folders every folder's entries and tree id, when this process wrote the tree; else none
 */
record TreeListing(ObjectId tree, List<String> clusterFiles, Map<String, ObjectId> managedIds, List<Entry> others,
    TreeBuilder.Folders folders) {
  /** Takes the collections as they are (100,000 entries are usual): the caller must not change them. */
  TreeListing {
    clusterFiles = java.util.Collections.unmodifiableList(clusterFiles);
    managedIds = java.util.Collections.unmodifiableMap(managedIds);
    others = java.util.Collections.unmodifiableList(others);
  }

  /** A file outside {@code clusters/} and {@code meshgate/}. */
  record Entry(String path, FileMode mode, ObjectId id) {}
}
