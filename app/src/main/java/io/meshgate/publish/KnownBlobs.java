package io.meshgate.publish;

import java.util.IdentityHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The blob id of each file content the last publication committed, by identity of its bytes. The
 * service hands the same byte arrays back for objects a push did not change (their YAML is kept),
 * so their ids need no hashing: 100,000 files are a normal tree, and hashing and looking up each
 * blob on every push cost a second. An id is taken from here only where the branch tip holds that
 * very id at that path, so the object is known to be in the repository. One publication at a time.
 *
 * <p>It also keeps what the tree of the commit it last pushed holds ({@link TreeListing}): when the
 * branch tip is still that commit, the next publication need not walk the tip's 100,000 files.
 */
public final class KnownBlobs {
  /** The commit built last and what its tree holds (not yet pushed). */
  private ObjectId builtCommit;
  private TreeListing builtListing;
  /** The commit pushed last and what its tree holds. */
  private ObjectId pushedCommit;
  private TreeListing pushedListing;
  private boolean tipListingReused;

  private Map<byte[], ObjectId> ids = new IdentityHashMap<>();
  private Map<byte[], ObjectId> next = new IdentityHashMap<>();
  private int reusedLastRun;

  /** The id {@code content} had at {@code path} last time, when the tip still holds it there; else null. */
  synchronized ObjectId idFor(byte[] content, ObjectId tipId) {
    ObjectId known = ids.get(content);
    return known != null && known.equals(tipId) ? known : null;
  }

  /** Records the id of {@code content} in this publication's tree. */
  synchronized void keep(byte[] content, ObjectId id, boolean reused) {
    next.put(content, id);
    if (reused) {
      reusedLastRun++;
    }
  }

  /** A new tree is being built: what it does not hold is forgotten once it is done. */
  synchronized void startTree() {
    next = new IdentityHashMap<>(ids.size() + 16);
    reusedLastRun = 0;
  }

  synchronized void finishTree() {
    ids = next;
    next = new IdentityHashMap<>();
  }

  /** What {@code tip}'s tree holds when it is the commit pushed last; else null (walk the tip). */
  synchronized TreeListing listingOf(ObjectId tip) {
    tipListingReused = tip.equals(pushedCommit);
    return tipListingReused ? pushedListing : null;
  }

  /** True when the last publication took the tip's listing from here instead of walking the tip. */
  public synchronized boolean tipListingReusedLastRun() {
    return tipListingReused;
  }

  /** A commit was built with this tree (it is kept once {@link #committed} says it was pushed). */
  synchronized void built(ObjectId commit, TreeListing listing) {
    builtCommit = commit.copy();
    builtListing = listing;
  }

  /** The remote branch now points at {@code commit}. */
  synchronized void committed(ObjectId commit) {
    if (commit.equals(builtCommit)) {
      pushedCommit = builtCommit;
      pushedListing = builtListing;
    }
  }

  /** Files whose blob id the last tree took from here. */
  public synchronized int reusedLastRun() {
    return reusedLastRun;
  }
}
