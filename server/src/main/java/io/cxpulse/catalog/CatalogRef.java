package io.cxpulse.catalog;

/**
 * The current catalog snapshot, read by every verticle. The snapshot is immutable; only the
 * reference changes, and only one writer changes it: the catalog watch of the node
 * ({@code io.cxpulse.catalog.admin.CatalogWatchVerticle}), on its event loop.
 */
public final class CatalogRef {
  private volatile Catalog catalog;

  public CatalogRef(Catalog catalog) {
    this.catalog = catalog;
  }

  public Catalog get() {
    return catalog;
  }

  public void set(Catalog catalog) {
    this.catalog = catalog;
  }
}
