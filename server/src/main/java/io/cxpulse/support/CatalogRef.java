package io.cxpulse.support;

import io.cxpulse.catalog.Catalog;

/** The current catalog snapshot. The snapshot is immutable; only the reference changes. */
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
