package io.cxpulse.catalog;

import java.util.Map;

/** Every tenant's catalog, as one immutable snapshot shared by all verticles. */
public record Catalog(Map<String, TenantCatalog> tenants) {

  public Catalog {
    tenants = Map.copyOf(tenants);
  }

  public TenantCatalog tenant(String id) {
    return id == null ? null : tenants.get(id);
  }
}
