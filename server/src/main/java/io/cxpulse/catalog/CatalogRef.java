package io.cxpulse.catalog;

import io.cxpulse.catalog.Catalog;

/**
 * The current catalog snapshot. The snapshot is immutable; only the reference changes. Reloads
 * from the database may overlap (the node that changed the catalog reloads at once, every node
 * again on the NOTIFY): each takes a ticket before it reads, and a snapshot read under an older
 * ticket than the one in place is dropped, so the reference never goes back to an older catalog.
 */
public final class CatalogRef {
  private volatile Catalog catalog;
  private long nextTicket = 1;
  private long appliedTicket;

  public CatalogRef(Catalog catalog) {
    this.catalog = catalog;
  }

  public Catalog get() {
    return catalog;
  }

  public void set(Catalog catalog) {
    this.catalog = catalog;
  }

  /** Take before reading the catalog from the database. */
  public synchronized long ticket() {
    return nextTicket++;
  }

  /** Sets what was read under {@code ticket}, unless a later read is already in place; true if set. */
  public synchronized boolean set(long ticket, Catalog read) {
    if (ticket < appliedTicket) return false;
    appliedTicket = ticket;
    this.catalog = read;
    return true;
  }
}
