package io.cxpulse.value;

import java.math.BigDecimal;
import java.time.Instant;

/** One validated outcome (O-data): what a customer did, linked to their feedback by customer id. */
public record Outcome(String eventId, String customerId, String type, BigDecimal amount, Instant occurredAt,
                      boolean referred) {}
