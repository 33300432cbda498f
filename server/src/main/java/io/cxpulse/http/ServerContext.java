package io.cxpulse.http;

import io.cxpulse.auth.Security;
import io.cxpulse.auth.Tokens;
import io.cxpulse.catalog.CatalogRef;
import io.cxpulse.config.Config;
import io.cxpulse.metrics.LiveStats;
import io.cxpulse.metrics.Metrics;
import io.cxpulse.metrics.Readiness;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * What every HTTP verticle shares: all thread-safe (immutable, volatile, concurrent, or a Vert.x
 * pool). {@code healthPool} is a connection of its own for /health/ready, so that a busy read pool
 * does not make a healthy server look down.
 */
public record ServerContext(Config config, Security security, Tokens tokens, CatalogRef catalog, Pool readPool, Readiness readiness,
                            Clock clock, LiveStats liveStats, Metrics metrics, ReadBudget readBudget, Pool healthPool,
                            Connections connections) {}
